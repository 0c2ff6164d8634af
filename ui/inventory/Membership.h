#pragma once

#include "engine/inventory/Inventory.h"
#include "engine/util/Result.h"

#include <QHash>
#include <QList>
#include <QVariant>

namespace hostdeck::ui {

/// Group membership edits on an inventory (moving and copying hosts between groups, setting a
/// host's groups) and what a host inherits from its groups. Plain functions over engine values.
namespace Membership {

/// A host as the inventory tree shows it: under `group` ("" for the top level).
struct HostRef
{
    QString host;
    QString group;
};

/// The groups that list `host` directly (not through a child group), `all` and `ungrouped`
/// left out.
QStringList directGroups(const engine::Inventory& inventory, const QString& host);
/// Puts the hosts into `to`; a move also takes each out of the group it was dragged from (and
/// out of `all`/`ungrouped` where it was listed directly). `to` empty: out of the groups they
/// were dragged from (the host stays in the inventory). Refuses unknown hosts and groups.
engine::Status move(engine::Inventory& inventory, const QList<HostRef>& hosts, const QString& to,
                    bool copy);
/// Makes `groups` exactly the host's own groups (created when missing, as children of `all`).
void setGroups(engine::Inventory& inventory, const QString& host, const QStringList& groups);

/// A variable a host gets from a group, and which group gives it.
struct Inherited
{
    QVariant value;
    QString group;
};
/// What `host` would inherit from its groups if it were in exactly `groups` (the host's own
/// variables left out); works for a host that does not exist yet.
QHash<QString, Inherited> inherited(const engine::Inventory& inventory, const QString& host,
                                    const QStringList& groups);

} // namespace Membership

} // namespace hostdeck::ui
