#pragma once

#include "engine/inventory/Group.h"
#include "engine/inventory/Host.h"
#include "engine/util/Result.h"

#include <QHash>
#include <QList>

#include <memory>
#include <optional>
#include <utility>

namespace hostdeck::engine {

/// Hosts and groups as Ansible sees them: an implicit `all` group that contains everything and an
/// implicit `ungrouped` holding the hosts that are in no other group (a host listed under
/// `ungrouped` that is also in another group leaves it). Groups nobody lists as a child are
/// children of `all`. Hosts and groups keep the order in which they were first defined.
/// Membership, depth and group order are computed once per change, in time linear in the size of
/// the inventory (a 5,000-group chain or 20,000 hosts stay fast).
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
    bool hasHost(const QString& name) const { return m_hostIndex.contains(name); }
    bool hasGroup(const QString& name) const;
    int hostIndex(const QString& name) const { return m_hostIndex.value(name, -1); }

    /// Adds the host to `group` (created when missing). A host that exists already keeps its
    /// variables and gets `host`'s variables set over them, as Ansible does.
    void addHost(const Host& host, const QString& group = allGroup());
    Group& ensureGroup(const QString& name);
    Status addChild(const QString& parent, const QString& child); ///< refuses cycles
    /// Adds the edge without looking for a cycle (for readers, which call validate() once).
    void linkChild(const QString& parent, const QString& child);
    Status removeHost(const QString& name);
    /// Takes the host out of the group's own host list (the host stays in the inventory and in
    /// its other groups); NotFound when the group does not list it.
    Status removeFromGroup(const QString& host, const QString& group);
    Status removeGroup(const QString& name);
    Status renameHost(const QString& from, const QString& to);
    Status renameGroup(const QString& from, const QString& to);

    /// Every host of the group and of its descendants in Ansible's order: the group's own hosts,
    /// then its children's, level by level.
    QStringList hostsOf(const QString& group) const;
    /// The groups the host belongs to, directly or through ancestry, including `all`, sorted as
    /// Ansible applies their variables: by depth, then ansible_group_priority, then name.
    QStringList groupsOf(const QString& host) const;
    /// The group's children as Ansible sees them (for `all`: ungrouped, then the listed children,
    /// then every group without a parent).
    QStringList childrenOf(const QString& group) const;
    /// Groups in Ansible's order: all, ungrouped, then as defined.
    QStringList groupNames() const;
    int depth(const QString& group) const;    ///< longest path from `all` (all = 0)
    int priority(const QString& group) const; ///< ansible_group_priority, else 1

    /// all vars -> group vars (groupsOf order) -> host vars; later wins, dicts replaced whole.
    QVariantMap mergedVars(const QString& host) const;
    /// The host with its merged variables, so its connection settings include inherited ones.
    Host resolvedHost(const QString& host) const;

    Status validate() const; ///< children exist, no cycles (one linear pass)
    /// The (parent, child) link that closes a cycle, if there is one (one linear pass).
    std::optional<std::pair<QString, QString>> findCycle() const;

private:
    struct Derived;
    const Derived& derived() const;
    void changed() { m_derived.reset(); }
    void rebuildIndex();
    bool reaches(const QString& from, const QString& to) const;
    QStringList effectiveHostsOf(const Group& g) const;

    void rebuildIndex() const;

    QString m_id;
    QList<Host> m_hosts;
    mutable QHash<QString, qsizetype> m_index; ///< host name -> position in m_hosts
    QList<Group> m_groups;
    QHash<QString, int> m_hostIndex;
    QHash<QString, int> m_groupIndex;
    QHash<QString, QStringList> m_directGroups; ///< host -> groups listing it, in order
    mutable std::shared_ptr<const Derived> m_derived;
};

} // namespace hostdeck::engine
