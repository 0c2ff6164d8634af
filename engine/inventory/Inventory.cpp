#include "inventory/Inventory.h"

#include <QSet>
#include <QUuid>

#include <algorithm>

namespace hostdeck::engine {

Inventory::Inventory()
{
    m_groups.append(Group{allGroup(), {}, {}, {}, {}});
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
    return index < 0 ? nullptr : &m_hosts[index];
}

int Inventory::hostIndex(const QString& name) const
{
    // Positions by name: a linear search made loading a range of 50,000 hosts quadratic (found
    // by fuzz_inventory_yaml). The index is checked on use and rebuilt when it disagrees.
    if (m_index.size() != m_hosts.size())
        rebuildIndex();
    const auto it = m_index.constFind(name);
    if (it == m_index.constEnd())
        return -1;
    if (it.value() < m_hosts.size() && m_hosts[it.value()].name() == name)
        return int(it.value());
    rebuildIndex();
    return int(m_index.value(name, -1));
}

void Inventory::rebuildIndex() const
{
    m_index.clear();
    for (qsizetype i = 0; i < m_hosts.size(); ++i)
        m_index.insert(m_hosts[i].name(), i);
}

const Group* Inventory::group(const QString& name) const
{
    for (const Group& g : m_groups) {
        if (g.name == name)
            return &g;
    }
    return nullptr;
}

Group* Inventory::group(const QString& name)
{
    for (Group& g : m_groups) {
        if (g.name == name)
            return &g;
    }
    return nullptr;
}

bool Inventory::hasGroup(const QString& name) const
{
    return name == ungroupedGroup() || group(name) != nullptr;
}

Group& Inventory::ensureGroup(const QString& name)
{
    if (Group* existing = group(name))
        return *existing;
    m_groups.append(Group{name, {}, {}, {}, {}});
    return m_groups.last();
}

void Inventory::addHost(const Host& newHost, const QString& groupName)
{
    Host* existing = host(newHost.name());
    if (existing) {
        for (auto it = newHost.vars().cbegin(); it != newHost.vars().cend(); ++it)
            existing->setVar(it.key(), it.value());
    } else {
        m_hosts.append(newHost);
        m_index.insert(newHost.name(), m_hosts.size() - 1);
    }
    Group& g = ensureGroup(groupName.isEmpty() ? allGroup() : groupName);
    if (!existing || !g.hosts.contains(newHost.name())) // a new host is in no group yet
        g.hosts.append(newHost.name());
}

bool Inventory::reaches(const QString& from, const QString& to) const
{
    QStringList pending{from};
    QSet<QString> seen;
    while (!pending.isEmpty()) {
        const QString name = pending.takeFirst();
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
    ensureGroup(child);
    Group& p = ensureGroup(parent);
    if (!p.children.contains(child))
        p.children.append(child);
    return Ok{};
}

Status Inventory::removeHost(const QString& name)
{
    const int index = hostIndex(name);
    if (index < 0)
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("no host '%1' in the inventory").arg(name));
    m_hosts.removeAt(index);
    rebuildIndex();
    for (Group& g : m_groups)
        g.hosts.removeAll(name);
    return Ok{};
}

Status Inventory::removeGroup(const QString& name)
{
    if (name == allGroup())
        return makeError(ErrorKind::Usage, QStringLiteral("group 'all' cannot be removed"));
    const auto it = std::find_if(m_groups.begin(), m_groups.end(),
                                 [&](const Group& g) { return g.name == name; });
    if (it == m_groups.end())
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("no group '%1' in the inventory").arg(name));
    m_groups.erase(it);
    for (Group& g : m_groups)
        g.children.removeAll(name);
    return Ok{};
}

Status Inventory::renameHost(const QString& from, const QString& to)
{
    Host* h = host(from);
    if (!h)
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("no host '%1' in the inventory").arg(from));
    if (from != to && hasHost(to))
        return makeError(ErrorKind::Usage,
                         QStringLiteral("a host named '%1' exists already").arg(to));
    h->setName(to);
    rebuildIndex();
    for (Group& g : m_groups) {
        for (QString& member : g.hosts) {
            if (member == from)
                member = to;
        }
    }
    return Ok{};
}

Status Inventory::renameGroup(const QString& from, const QString& to)
{
    if (from == allGroup() || to == allGroup() || to == ungroupedGroup())
        return makeError(ErrorKind::Usage,
                         QStringLiteral("groups 'all' and 'ungrouped' cannot be renamed"));
    Group* g = group(from);
    if (!g)
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("no group '%1' in the inventory").arg(from));
    if (from != to && group(to))
        return makeError(ErrorKind::Usage,
                         QStringLiteral("a group named '%1' exists already").arg(to));
    g->name = to;
    for (Group& other : m_groups) {
        for (QString& child : other.children) {
            if (child == from)
                child = to;
        }
    }
    return Ok{};
}

QStringList Inventory::parentsOf(const QString& groupName) const
{
    QStringList parents;
    for (const Group& g : m_groups) {
        if (g.children.contains(groupName))
            parents.append(g.name);
    }
    return parents;
}

int Inventory::depth(const QString& groupName) const
{
    if (groupName == allGroup())
        return 0;
    int deepest = 0; // a group nobody lists as child is a child of `all`
    for (const QString& parent : parentsOf(groupName)) {
        if (!reaches(groupName, parent)) // cycles are refused elsewhere; do not loop on one here
            deepest = std::max(deepest, depth(parent));
    }
    return deepest + 1;
}

QStringList Inventory::hostsOf(const QString& groupName) const
{
    QSet<QString> members;
    if (groupName == allGroup()) {
        for (const Host& h : m_hosts)
            members.insert(h.name());
    } else if (groupName == ungroupedGroup()) {
        for (const Host& h : m_hosts) {
            const QStringList groups = groupsOf(h.name());
            if (groups.contains(ungroupedGroup()))
                members.insert(h.name());
        }
    } else {
        QStringList pending{groupName};
        QSet<QString> seen;
        while (!pending.isEmpty()) {
            const QString name = pending.takeFirst();
            if (seen.contains(name))
                continue;
            seen.insert(name);
            if (const Group* g = group(name)) {
                for (const QString& h : g->hosts)
                    members.insert(h);
                pending.append(g->children);
            }
        }
    }
    QStringList ordered;
    for (const Host& h : m_hosts) {
        if (members.contains(h.name()))
            ordered.append(h.name());
    }
    return ordered;
}

QStringList Inventory::groupsOf(const QString& hostName) const
{
    QStringList direct;
    for (const Group& g : m_groups) {
        if (g.name != allGroup() && g.hosts.contains(hostName))
            direct.append(g.name);
    }
    if (direct.isEmpty() || (direct.size() == 1 && direct.first() == ungroupedGroup()))
        direct = QStringList{ungroupedGroup()};

    QSet<QString> all{allGroup()};
    QStringList pending = direct;
    while (!pending.isEmpty()) {
        const QString name = pending.takeFirst();
        if (all.contains(name))
            continue;
        all.insert(name);
        pending.append(parentsOf(name));
    }

    struct Key
    {
        int depth;
        int priority;
        QString name;
    };
    QList<Key> keys;
    for (const QString& name : all) {
        const Group* g = group(name);
        const int priority =
            g ? g->vars.value(QStringLiteral("ansible_group_priority"), 1).toInt() : 1;
        keys.append(Key{depth(name), priority, name});
    }
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
            for (auto it = g->vars.cbegin(); it != g->vars.cend(); ++it)
                merged.insert(it.key(), it.value());
        }
    }
    if (const Host* h = host(hostName)) {
        for (auto it = h->vars().cbegin(); it != h->vars().cend(); ++it)
            merged.insert(it.key(), it.value());
    }
    merged.remove(QStringLiteral("ansible_group_priority"));
    return merged;
}

Host Inventory::resolvedHost(const QString& hostName) const
{
    return Host(hostName, mergedVars(hostName));
}

Status Inventory::validate() const
{
    for (const Group& g : m_groups) {
        for (const QString& child : g.children) {
            if (child == allGroup() || reaches(child, g.name))
                return makeError(ErrorKind::Usage,
                                 QStringLiteral("group '%1' is its own ancestor through '%2'")
                                     .arg(g.name, child));
        }
    }
    return Ok{};
}

} // namespace hostdeck::engine
