#include "ui/inventory/ImportMerge.h"

#include <QObject>

namespace hostdeck::ui {

using engine::Inventory;

ImportSummary ImportMerge::merge(Inventory& into, const engine::ImportResult& imported)
{
    ImportSummary summary;
    summary.issues = imported.issues;
    const Inventory& source = imported.inventory;
    const bool empty = into.hosts().isEmpty();
    const auto isImplicit = [](const QString& group) {
        return group == Inventory::allGroup() || group == Inventory::ungroupedGroup();
    };

    for (const engine::Group& group : source.groups()) {
        if (isImplicit(group.name))
            continue;
        if (into.hasGroup(group.name))
            summary.notes
                << QObject::tr("Group %1 existed: its variables were updated.").arg(group.name);
        engine::Group& target = into.ensureGroup(group.name);
        for (auto it = group.vars.cbegin(); it != group.vars.cend(); ++it)
            target.vars.insert(it.key(), it.value());
        summary.groups << group.name;
    }
    for (const engine::Group& group : source.groups()) {
        if (isImplicit(group.name))
            continue;
        for (const QString& child : group.children) {
            if (const engine::Status linked = into.addChild(group.name, child); !linked)
                summary.notes << linked.error().message;
        }
    }
    for (const QString& child : source.childrenOf(Inventory::allGroup())) {
        if (!isImplicit(child))
            (void)into.addChild(Inventory::allGroup(), child);
    }

    const QVariantMap allVars = source.group(Inventory::allGroup())
                                    ? source.group(Inventory::allGroup())->vars
                                    : QVariantMap{};
    QStringList pushedDown;
    for (const engine::Host& original : source.hosts()) {
        engine::Host host = original;
        if (!empty) {
            for (auto it = allVars.cbegin(); it != allVars.cend(); ++it) {
                if (!host.vars().contains(it.key())) {
                    host.setVar(it.key(), it.value());
                    if (!pushedDown.contains(it.key()))
                        pushedDown << it.key();
                }
            }
        }
        if (into.hasHost(host.name()))
            summary.updated << host.name();
        QStringList groups;
        for (const engine::Group& group : source.groups()) {
            if (!isImplicit(group.name) && group.hosts.contains(host.name()))
                groups << group.name;
        }
        if (groups.isEmpty())
            into.addHost(host, Inventory::allGroup());
        for (const QString& group : std::as_const(groups))
            into.addHost(host, group);
        summary.hosts << host.name();
    }
    if (empty) {
        for (auto it = allVars.cbegin(); it != allVars.cend(); ++it)
            into.ensureGroup(Inventory::allGroup()).vars.insert(it.key(), it.value());
    } else if (!pushedDown.isEmpty()) {
        summary.notes << QObject::tr("The import's variables for all hosts (%1) were set on each "
                                     "imported host, so the hosts already here keep theirs.")
                             .arg(pushedDown.join(QStringLiteral(", ")));
    }
    if (!summary.updated.isEmpty())
        summary.notes << QObject::tr("Already in the inventory, variables updated: %1")
                             .arg(summary.updated.join(QStringLiteral(", ")));
    return summary;
}

} // namespace hostdeck::ui
