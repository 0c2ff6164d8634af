#pragma once

#include "engine/inventory/Inventory.h"
#include "engine/runner/TargetFactory.h"
#include "ui/inventory/HostState.h"
#include "ui/inventory/Membership.h"

#include <QAbstractItemModel>
#include <QHash>

#include <memory>
#include <vector>

namespace hostdeck::ui {

/// One generic tree over an inventory: the local machine, then the groups under `all` (child
/// groups, then hosts), then the hosts in no group. A host in several groups appears under each.
/// Per-host connection state comes from the engine. Hosts can be dragged onto a group (or to the
/// top level, out of their group): the model only says so (hostsDropped); the dock edits.
class InventoryModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        AddressColumn,
        StateColumn,
        ColumnCount
    };
    enum class NodeKind
    {
        Local,
        Group,
        Host
    };
    enum Role
    {
        KindRole = Qt::UserRole + 1,
        NameRole,
        StateRole,
        ParentGroupRole ///< the group a node is shown under ("" at the top level)
    };
    static QString mimeType() { return QStringLiteral("application/x-hostdeck-hosts"); }

    static QString localHostName() { return engine::TargetFactory::localHostName(); }

    explicit InventoryModel(QObject* parent = nullptr);
    ~InventoryModel() override;

    void setInventory(const engine::Inventory* inventory); ///< not owned; call again after edits
    void setHostState(const QString& host, HostState state, const QString& message);
    HostState hostState(const QString& host) const { return m_states.value(host).state; }
    QModelIndex findHost(const QString& host) const; ///< first occurrence
    QModelIndex findGroup(const QString& group) const;
    static QString stateName(HostState state);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;
    Qt::DropActions supportedDropActions() const override;
    Qt::DropActions supportedDragActions() const override;

signals:
    /// Hosts were dropped on `group` ("" = the top level: out of the group they came from).
    void hostsDropped(const QList<hostdeck::ui::Membership::HostRef>& hosts, const QString& group,
                      bool copy);

private:
    struct Node
    {
        NodeKind kind = NodeKind::Group;
        QString name;
        Node* parent = nullptr;
        int row = 0;
        std::vector<std::unique_ptr<Node>> children;
        Node* add(NodeKind kind, const QString& name);
    };
    struct StateEntry
    {
        HostState state = HostState::NeverConnected;
        QString message;
    };
    void addGroup(Node* parent, const QString& group, QStringList& path);
    Node* nodeOf(const QModelIndex& index) const;
    QModelIndex find(NodeKind kind, const QString& name) const;
    void notifyHost(const Node* node, const QString& host);

    const engine::Inventory* m_inventory = nullptr;
    std::unique_ptr<Node> m_root;
    QHash<QString, StateEntry> m_states;
};

} // namespace hostdeck::ui
