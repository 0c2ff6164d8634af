#pragma once

#include "inventory/Group.h"
#include "inventory/Host.h"
#include "util/Result.h"

#include <QHash>
#include <QList>

namespace hostdeck::engine {

/// Hosts and groups as Ansible sees them: an implicit `all` group that contains everything and an
/// implicit `ungrouped` holding the hosts that are in no other group. Hosts and groups keep the
/// order in which they were first defined; every query answers in that order.
class Inventory
{
public:
    static QString allGroup() { return QStringLiteral("all"); }
    static QString ungroupedGroup() { return QStringLiteral("ungrouped"); }

    Inventory();

    /// Stable identity of the inventory (keys its secrets); stored as
    /// all.vars.hostdeck_inventory_id.
    const QString& id() const { return m_id; }
    void setId(const QString& id) { m_id = id; }
    void ensureId(); ///< assigns a fresh uuid when there is none

    const QList<Host>& hosts() const { return m_hosts; }
    const QList<Group>& groups() const { return m_groups; }
    const Host* host(const QString& name) const;
    Host* host(const QString& name);
    const Group* group(const QString& name) const;
    Group* group(const QString& name);
    bool hasHost(const QString& name) const { return host(name) != nullptr; }
    bool hasGroup(const QString& name) const;
    int hostIndex(const QString& name) const;

    /// Adds the host to `group` (created when missing). A host that exists already keeps its
    /// variables and gets `host`'s variables merged over them, as Ansible does.
    void addHost(const Host& host, const QString& group = allGroup());
    Group& ensureGroup(const QString& name);
    Status addChild(const QString& parent, const QString& child); ///< refuses cycles
    Status removeHost(const QString& name);
    Status removeGroup(const QString& name);
    Status renameHost(const QString& from, const QString& to);
    Status renameGroup(const QString& from, const QString& to);

    /// Every host of the group and of its descendants, in inventory order.
    QStringList hostsOf(const QString& group) const;
    /// The groups the host belongs to, directly or through ancestry, including `all`, sorted as
    /// Ansible applies their variables: by depth, then ansible_group_priority, then name.
    QStringList groupsOf(const QString& host) const;
    int depth(const QString& group) const; ///< longest path from `all` (all = 0)

    /// all vars -> group vars (groupsOf order) -> host vars; later wins, dicts replaced whole.
    QVariantMap mergedVars(const QString& host) const;
    /// The host with its merged variables, so its connection settings include inherited ones.
    Host resolvedHost(const QString& host) const;

    Status validate() const; ///< children exist, no cycles

private:
    QStringList parentsOf(const QString& group) const;
    bool reaches(const QString& from, const QString& to) const;

    void rebuildIndex() const;

    QString m_id;
    QList<Host> m_hosts;
    mutable QHash<QString, qsizetype> m_index; ///< host name -> position in m_hosts
    QList<Group> m_groups;
};

} // namespace hostdeck::engine
