#include "engine/inventory/Inventory.h"

#include <QSet>
#include <QUuid>

#include <algorithm>
#include <vector>

namespace hostdeck::engine {

namespace {

const QString priorityKey = QStringLiteral("ansible_group_priority");

} // namespace

/// What follows from the groups and hosts as listed: computed once after a change, in one pass.
struct Inventory::Derived
{
    QStringList groupOrder;              ///< all, ungrouped, then as defined
    QStringList allChildren;             ///< ungrouped, listed children, parentless groups
    QHash<QString, QStringList> parents; ///< effective, `all` included
    QHash<QString, int> depth;           ///< longest path from all
    QStringList ungroupedHosts;          ///< effective members of ungrouped, in Ansible's order
    QSet<QString> leftUngrouped;         ///< listed under ungrouped but in another group
    QSet<QString> implicitlyUngrouped;   ///< in no group (but all)
    // The same graph by number (groupOrder's index), so a walk costs array steps, not lookups.
    QHash<QString, int> number;
    std::vector<std::vector<int>> childNumbers;
    std::vector<QStringList> members; ///< each group's own hosts (ungrouped: effective)
};

Inventory::Inventory()
{
    m_groups.append(Group{allGroup(), {}, {}, {}, {}});
    m_groupIndex.insert(allGroup(), 0);
}

void Inventory::ensureId()
{
    if (m_id.isEmpty())
        m_id = QUuid::createUuid().toString(QUuid::WithoutBraces);
}

const Host* Inventory::host(const QString& name) const
{
    const int index = hostIndex(name);
    return index < 0 ? nullptr : &m_hosts[index];
}

Host* Inventory::host(const QString& name)
{
    const int index = hostIndex(name);
    if (index < 0)
        return nullptr;
    changed();
    return &m_hosts[index];
}

const Group* Inventory::group(const QString& name) const
{
    const int index = m_groupIndex.value(name, -1);
    return index < 0 ? nullptr : &m_groups[index];
}

Group* Inventory::group(const QString& name)
{
    const int index = m_groupIndex.value(name, -1);
    if (index < 0)
        return nullptr;
    changed(); // the caller may change vars (priority), hosts or children through the pointer
    return &m_groups[index];
}

bool Inventory::hasGroup(const QString& name) const
{
    return name == ungroupedGroup() || m_groupIndex.contains(name);
}

Group& Inventory::ensureGroup(const QString& name)
{
    changed();
    if (const int index = m_groupIndex.value(name, -1); index >= 0)
        return m_groups[index];
    m_groupIndex.insert(name, int(m_groups.size()));
    m_groups.append(Group{name, {}, {}, {}, {}});
    return m_groups.last();
}

void Inventory::addHost(const Host& newHost, const QString& groupName)
{
    changed();
    if (const int index = hostIndex(newHost.name()); index >= 0) {
        Host& existing = m_hosts[index];
        for (auto it = newHost.vars().cbegin(); it != newHost.vars().cend(); ++it)
            existing.setVar(it.key(), it.value());
    } else {
        m_hostIndex.insert(newHost.name(), int(m_hosts.size()));
        m_hosts.append(newHost);
    }
    const QString target = groupName.isEmpty() ? allGroup() : groupName;
    Group& g = ensureGroup(target);
    QStringList& memberOf = m_directGroups[newHost.name()];
    if (!memberOf.contains(target)) {
        memberOf.append(target);
        g.hosts.append(newHost.name());
    }
}

void Inventory::rebuildIndex()
{
    changed();
    m_hostIndex.clear();
    m_groupIndex.clear();
    m_directGroups.clear();
    for (int i = 0; i < m_hosts.size(); ++i)
        m_hostIndex.insert(m_hosts[i].name(), i);
    for (int i = 0; i < m_groups.size(); ++i) {
        m_groupIndex.insert(m_groups[i].name, i);
        for (const QString& h : m_groups[i].hosts)
            m_directGroups[h].append(m_groups[i].name);
    }
}

bool Inventory::reaches(const QString& from, const QString& to) const
{
    QStringList pending{from};
    QSet<QString> seen;
    while (!pending.isEmpty()) {
        const QString name = pending.takeLast();
        if (name == to)
            return true;
        if (seen.contains(name))
            continue;
        seen.insert(name);
        if (const Group* g = group(name))
            pending.append(g->children);
    }
    return false;
}

Status Inventory::addChild(const QString& parent, const QString& child)
{
    if (child == allGroup())
        return makeError(ErrorKind::Usage,
                         QStringLiteral("group 'all' cannot be a child of '%1'").arg(parent));
    if (reaches(child, parent))
        return makeError(
            ErrorKind::Usage,
            QStringLiteral("adding '%1' as a child of '%2' would make a cycle").arg(child, parent));
    linkChild(parent, child);
    return Ok{};
}

void Inventory::linkChild(const QString& parent, const QString& child)
{
    ensureGroup(child);
    Group& p = ensureGroup(parent);
    if (!p.children.contains(child))
        p.children.append(child);
}

Status Inventory::removeHost(const QString& name)
{
    const int index = hostIndex(name);
    if (index < 0)
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("no host '%1' in the inventory").arg(name));
    m_hosts.removeAt(index);
    for (Group& g : m_groups)
        g.hosts.removeAll(name);
    rebuildIndex();
    return Ok{};
}

Status Inventory::removeFromGroup(const QString& host, const QString& groupName)
{
    const int index = m_groupIndex.value(groupName, -1);
    if (index < 0 || !m_groups[index].hosts.contains(host))
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("group '%1' does not list host '%2'").arg(groupName, host));
    m_groups[index].hosts.removeAll(host);
    rebuildIndex();
    return Ok{};
}

Status Inventory::removeGroup(const QString& name)
{
    if (name == allGroup())
        return makeError(ErrorKind::Usage, QStringLiteral("group 'all' cannot be removed"));
    const int index = m_groupIndex.value(name, -1);
    if (index < 0)
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("no group '%1' in the inventory").arg(name));
    m_groups.removeAt(index);
    for (Group& g : m_groups)
        g.children.removeAll(name);
    rebuildIndex();
    return Ok{};
}

Status Inventory::renameHost(const QString& from, const QString& to)
{
    const int index = hostIndex(from);
    if (index < 0)
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("no host '%1' in the inventory").arg(from));
    if (from != to && hasHost(to))
        return makeError(ErrorKind::Usage,
                         QStringLiteral("a host named '%1' exists already").arg(to));
    m_hosts[index].setName(to);
    for (Group& g : m_groups) {
        for (QString& member : g.hosts) {
            if (member == from)
                member = to;
        }
    }
    rebuildIndex();
    return Ok{};
}

Status Inventory::renameGroup(const QString& from, const QString& to)
{
    if (from == allGroup() || to == allGroup() || to == ungroupedGroup())
        return makeError(ErrorKind::Usage,
                         QStringLiteral("groups 'all' and 'ungrouped' cannot be renamed"));
    const int index = m_groupIndex.value(from, -1);
    if (index < 0)
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("no group '%1' in the inventory").arg(from));
    if (from != to && m_groupIndex.contains(to))
        return makeError(ErrorKind::Usage,
                         QStringLiteral("a group named '%1' exists already").arg(to));
    m_groups[index].name = to;
    for (Group& other : m_groups) {
        for (QString& child : other.children) {
            if (child == from)
                child = to;
        }
    }
    rebuildIndex();
    return Ok{};
}

const Inventory::Derived& Inventory::derived() const
{
    if (m_derived)
        return *m_derived;
    auto d = std::make_shared<Derived>();
    d->groupOrder = QStringList{allGroup(), ungroupedGroup()};
    for (const Group& g : m_groups) {
        if (g.name != allGroup() && g.name != ungroupedGroup())
            d->groupOrder.append(g.name);
    }
    for (const Group& g : m_groups) {
        if (g.name == allGroup())
            continue;
        for (const QString& child : g.children)
            d->parents[child].append(g.name);
    }
    d->allChildren.append(ungroupedGroup());
    if (const Group* all = group(allGroup())) {
        for (const QString& child : all->children) {
            if (child != ungroupedGroup() && !d->allChildren.contains(child))
                d->allChildren.append(child);
        }
    }
    QSet<QString> inAll(d->allChildren.cbegin(), d->allChildren.cend());
    for (const QString& name : d->groupOrder) {
        if (name != allGroup() && !d->parents.contains(name) && !inAll.contains(name)) {
            d->allChildren.append(name);
            inAll.insert(name);
        }
    }
    for (const QString& child : d->allChildren)
        d->parents[child].prepend(allGroup());

    // Longest path from `all`: Kahn's order over the effective edges.
    QHash<QString, int> pendingParents;
    for (auto it = d->parents.cbegin(); it != d->parents.cend(); ++it)
        pendingParents.insert(it.key(), int(it.value().size()));
    QStringList ready{allGroup()};
    d->depth.insert(allGroup(), 0);
    for (qsizetype i = 0; i < ready.size(); ++i) {
        const QString name = ready.at(i);
        const int next = d->depth.value(name) + 1;
        const QStringList children = name == allGroup()
                                         ? d->allChildren
                                         : (group(name) ? group(name)->children : QStringList());
        for (const QString& child : children) {
            d->depth[child] = std::max(d->depth.value(child, 0), next);
            if (--pendingParents[child] == 0)
                ready.append(child);
        }
    }

    const QStringList& ungroupedParents = d->parents.value(ungroupedGroup());
    const bool ungroupedNested = ungroupedParents.size() > 1;
    auto hasOtherGroup = [&](const QString& hostName) {
        for (const QString& g : m_directGroups.value(hostName)) {
            if (g != allGroup() && g != ungroupedGroup())
                return true;
        }
        return ungroupedNested;
    };
    if (const Group* ungrouped = group(ungroupedGroup())) {
        for (const QString& h : ungrouped->hosts) {
            if (hasOtherGroup(h))
                d->leftUngrouped.insert(h);
            else
                d->ungroupedHosts.append(h);
        }
    }
    for (const Host& h : m_hosts) {
        const QStringList& memberOf = m_directGroups.value(h.name());
        if (memberOf.isEmpty() || (memberOf.size() == 1 && memberOf.first() == allGroup())) {
            d->implicitlyUngrouped.insert(h.name());
            d->ungroupedHosts.append(h.name());
        }
    }
    for (int i = 0; i < d->groupOrder.size(); ++i)
        d->number.insert(d->groupOrder.at(i), i);
    d->childNumbers.resize(std::size_t(d->groupOrder.size()));
    d->members.resize(std::size_t(d->groupOrder.size()));
    for (int i = 0; i < d->groupOrder.size(); ++i) {
        const QString& name = d->groupOrder.at(i);
        const Group* g = group(name);
        const QStringList& children =
            name == allGroup() ? d->allChildren : (g ? g->children : QStringList());
        for (const QString& child : children) {
            if (const auto it = d->number.constFind(child); it != d->number.cend())
                d->childNumbers[std::size_t(i)].push_back(it.value());
        }
        d->members[std::size_t(i)] =
            name == ungroupedGroup() ? d->ungroupedHosts : (g ? g->hosts : QStringList());
    }
    m_derived = std::move(d);
    return *m_derived;
}

QStringList Inventory::groupNames() const
{
    return derived().groupOrder;
}

QStringList Inventory::childrenOf(const QString& groupName) const
{
    if (groupName == allGroup())
        return derived().allChildren;
    const Group* g = group(groupName);
    return g ? g->children : QStringList();
}

int Inventory::depth(const QString& groupName) const
{
    return derived().depth.value(groupName, 1);
}

int Inventory::priority(const QString& groupName) const
{
    const Group* g = group(groupName);
    if (!g || !g->vars.contains(priorityKey))
        return 1;
    const QVariant value = g->vars.value(priorityKey);
    if (value.typeId() == QMetaType::Double)
        return int(value.toDouble());
    bool ok = false;
    const int priority = value.toString().trimmed().toInt(&ok);
    return ok ? priority : 1;
}

QStringList Inventory::effectiveHostsOf(const Group& g) const
{
    return g.name == ungroupedGroup() ? derived().ungroupedHosts : g.hosts;
}

QStringList Inventory::hostsOf(const QString& groupName) const
{
    const Derived& d = derived();
    const auto start = d.number.constFind(groupName);
    if (start == d.number.cend())
        return {};
    // The group, its children, then each next level of descendants in order.
    std::vector<char> seen(d.childNumbers.size(), 0);
    std::vector<int> ordered{start.value()};
    seen[std::size_t(start.value())] = 1;
    for (std::size_t levelStart = 0; levelStart < ordered.size();) {
        const std::size_t levelEnd = ordered.size();
        for (std::size_t i = levelStart; i < levelEnd; ++i) {
            for (const int child : d.childNumbers[std::size_t(ordered[i])]) {
                if (!seen[std::size_t(child)]) {
                    seen[std::size_t(child)] = 1;
                    ordered.push_back(child);
                }
            }
        }
        levelStart = levelEnd;
    }
    QStringList hosts;
    std::vector<char> taken(std::size_t(m_hosts.size()), 0);
    for (const int number : ordered) {
        for (const QString& h : d.members[std::size_t(number)]) {
            const int index = hostIndex(h);
            if (index >= 0 && !taken[std::size_t(index)]) {
                taken[std::size_t(index)] = 1;
                hosts.append(h);
            }
        }
    }
    return hosts;
}

QStringList Inventory::groupsOf(const QString& hostName) const
{
    const Derived& d = derived();
    QStringList direct;
    for (const QString& g : m_directGroups.value(hostName)) {
        if (!(g == ungroupedGroup() && d.leftUngrouped.contains(hostName)))
            direct.append(g);
    }
    if (d.implicitlyUngrouped.contains(hostName))
        direct.append(ungroupedGroup());

    QSet<QString> all{allGroup()};
    QStringList pending = direct;
    while (!pending.isEmpty()) {
        const QString name = pending.takeLast();
        if (all.contains(name))
            continue;
        all.insert(name);
        pending.append(d.parents.value(name));
    }

    struct Key
    {
        int depth;
        int priority;
        QString name;
    };
    QList<Key> keys;
    for (const QString& name : all)
        keys.append(Key{depth(name), priority(name), name});
    std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
        if (a.depth != b.depth)
            return a.depth < b.depth;
        if (a.priority != b.priority)
            return a.priority < b.priority;
        return a.name < b.name;
    });
    QStringList sorted;
    for (const Key& k : keys)
        sorted.append(k.name);
    return sorted;
}

QVariantMap Inventory::mergedVars(const QString& hostName) const
{
    QVariantMap merged;
    for (const QString& name : groupsOf(hostName)) {
        if (const Group* g = group(name)) {
            for (auto it = g->vars.cbegin(); it != g->vars.cend(); ++it) {
                if (it.key() != priorityKey) // a group's priority, not a variable
                    merged.insert(it.key(), it.value());
            }
        }
    }
    if (const Host* h = host(hostName)) {
        for (auto it = h->vars().cbegin(); it != h->vars().cend(); ++it)
            merged.insert(it.key(), it.value());
    }
    return merged;
}

Host Inventory::resolvedHost(const QString& hostName) const
{
    return Host(hostName, mergedVars(hostName));
}

Status Inventory::validate() const
{
    if (const auto cycle = findCycle()) {
        if (cycle->second == allGroup())
            return makeError(
                ErrorKind::Usage,
                QStringLiteral("group 'all' cannot be a child of '%1'").arg(cycle->first));
        return makeError(ErrorKind::Usage,
                         QStringLiteral("adding '%1' as a child of '%2' makes a cycle")
                             .arg(cycle->second, cycle->first));
    }
    return Ok{};
}

std::optional<std::pair<QString, QString>> Inventory::findCycle() const
{
    // Iterative depth-first search: 0 unvisited, 1 on the current path, 2 done.
    QHash<QString, int> state;
    for (const Group& start : m_groups) {
        if (state.value(start.name) != 0)
            continue;
        struct Frame
        {
            const Group* group;
            qsizetype next;
        };
        QList<Frame> stack{Frame{&start, 0}};
        state.insert(start.name, 1);
        while (!stack.isEmpty()) {
            Frame& top = stack.last();
            if (top.next >= top.group->children.size()) {
                state.insert(top.group->name, 2);
                stack.removeLast();
                continue;
            }
            const QString child = top.group->children.at(top.next++);
            const int childState = state.value(child);
            if (child == allGroup() || childState == 1)
                return std::make_pair(top.group->name, child);
            if (childState == 0) {
                if (const Group* g = group(child)) {
                    state.insert(child, 1);
                    stack.append(Frame{g, 0});
                }
            }
        }
    }
    return std::nullopt;
}

} // namespace hostdeck::engine
