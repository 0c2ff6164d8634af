#include "ui/inventory/Membership.h"

namespace hostdeck::ui::Membership {

using engine::Inventory;

namespace {

bool isImplicit(const QString& group)
{
    return group == Inventory::allGroup() || group == Inventory::ungroupedGroup();
}

} // namespace

QStringList directGroups(const Inventory& inventory, const QString& host)
{
    QStringList groups;
    for (const engine::Group& group : inventory.groups()) {
        if (!isImplicit(group.name) && group.hosts.contains(host))
            groups << group.name;
    }
    return groups;
}

engine::Status move(Inventory& inventory, const QList<HostRef>& hosts, const QString& to, bool copy)
{
    if (!to.isEmpty() && (isImplicit(to) || !inventory.hasGroup(to)))
        return engine::makeError(engine::ErrorKind::NotFound,
                                 QObject::tr("no group '%1' to put hosts into").arg(to));
    for (const HostRef& ref : hosts) {
        if (!inventory.hasHost(ref.host))
            return engine::makeError(engine::ErrorKind::NotFound,
                                     QObject::tr("no host '%1' in the inventory").arg(ref.host));
    }
    for (const HostRef& ref : hosts) {
        if (!to.isEmpty() && !directGroups(inventory, ref.host).contains(to))
            inventory.addHost(engine::Host(ref.host), to);
        if (copy)
            continue;
        QStringList from;
        if (!ref.group.isEmpty() && ref.group != to)
            from << ref.group;
        if (!to.isEmpty()) // listed directly under all/ungrouped: it is grouped now
            from << Inventory::allGroup() << Inventory::ungroupedGroup();
        for (const QString& group : std::as_const(from)) {
            const engine::Group* g = inventory.group(group);
            if (g && g->hosts.contains(ref.host))
                (void)inventory.removeFromGroup(ref.host, group);
        }
    }
    return engine::Ok{};
}

void setGroups(Inventory& inventory, const QString& host, const QStringList& groups)
{
    const QStringList current = directGroups(inventory, host);
    for (const QString& group : groups) {
        if (current.contains(group))
            continue;
        const bool fresh = !inventory.hasGroup(group);
        inventory.addHost(engine::Host(host), group);
        if (fresh)
            (void)inventory.addChild(Inventory::allGroup(), group);
    }
    for (const QString& group : current) {
        if (!groups.contains(group))
            (void)inventory.removeFromGroup(host, group);
    }
    if (!groups.isEmpty()) {
        for (const QString& implicit : {Inventory::allGroup(), Inventory::ungroupedGroup()}) {
            const engine::Group* g = inventory.group(implicit);
            if (g && g->hosts.contains(host))
                (void)inventory.removeFromGroup(host, implicit);
        }
    } else if (directGroups(inventory, host).isEmpty() &&
               !inventory.group(Inventory::allGroup())->hosts.contains(host)) {
        // Out of every group: listed under all, so a save keeps the host.
        inventory.addHost(engine::Host(host), Inventory::allGroup());
    }
}

QHash<QString, Inherited> inherited(const Inventory& inventory, const QString& host,
                                    const QStringList& groups)
{
    Inventory probe = inventory;
    const QString name = host.isEmpty() ? QStringLiteral("\x01new host") : host;
    if (probe.hasHost(name))
        probe.host(name)->vars().clear();
    else
        probe.addHost(engine::Host(name), Inventory::allGroup());
    QStringList known;
    for (const QString& group : groups) {
        if (probe.hasGroup(group))
            known << group;
    }
    setGroups(probe, name, known);
    QHash<QString, Inherited> vars;
    for (const QString& group : probe.groupsOf(name)) {
        const engine::Group* g = probe.group(group);
        if (!g)
            continue;
        for (auto it = g->vars.cbegin(); it != g->vars.cend(); ++it)
            vars.insert(it.key(), Inherited{it.value(), group});
    }
    return vars;
}

} // namespace hostdeck::ui::Membership
