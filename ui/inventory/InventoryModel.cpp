#include "ui/inventory/InventoryModel.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMimeData>
#include <QSet>
#include <QStyle>

namespace hostdeck::ui {

using engine::Inventory;

InventoryModel::Node* InventoryModel::Node::add(NodeKind childKind, const QString& childName)
{
    auto child = std::make_unique<Node>();
    child->kind = childKind;
    child->name = childName;
    child->parent = this;
    child->row = int(children.size());
    children.push_back(std::move(child));
    return children.back().get();
}

InventoryModel::InventoryModel(QObject* parent)
    : QAbstractItemModel(parent), m_root(std::make_unique<Node>())
{
    setInventory(nullptr);
}

InventoryModel::~InventoryModel() = default;

void InventoryModel::setInventory(const Inventory* inventory)
{
    beginResetModel();
    m_inventory = inventory;
    m_root = std::make_unique<Node>();
    if (!inventory || !inventory->hasHost(localHostName()))
        m_root->add(NodeKind::Local, localHostName());
    if (inventory) {
        QStringList path;
        if (const engine::Group* all = inventory->group(Inventory::allGroup())) {
            for (const QString& child : all->children) {
                if (child != Inventory::ungroupedGroup())
                    addGroup(m_root.get(), child, path);
            }
        }
        // Hosts in no group other than all/ungrouped sit at the top level.
        for (const engine::Host& host : inventory->hosts()) {
            const QStringList groups = inventory->groupsOf(host.name());
            bool grouped = false;
            for (const QString& g : groups)
                grouped =
                    grouped || (g != Inventory::allGroup() && g != Inventory::ungroupedGroup());
            if (!grouped)
                m_root->add(NodeKind::Host, host.name());
        }
    }
    endResetModel();
}

void InventoryModel::addGroup(Node* parent, const QString& group, QStringList& path)
{
    const engine::Group* data = m_inventory->group(group);
    if (!data || path.contains(group))
        return;
    path << group;
    Node* node = parent->add(NodeKind::Group, group);
    for (const QString& child : data->children)
        addGroup(node, child, path);
    for (const QString& host : data->hosts)
        node->add(NodeKind::Host, host);
    path.removeLast();
}

void InventoryModel::setHostState(const QString& host, HostState state, const QString& message)
{
    m_states.insert(host, StateEntry{state, message});
    notifyHost(m_root.get(), host);
}

void InventoryModel::notifyHost(const Node* node, const QString& host)
{
    for (const auto& child : node->children) {
        if ((child->kind == NodeKind::Host || child->kind == NodeKind::Local) &&
            child->name == host) {
            const QModelIndex first = createIndex(child->row, 0, child.get());
            emit dataChanged(first, first.siblingAtColumn(ColumnCount - 1));
        }
        notifyHost(child.get(), host);
    }
}

QModelIndex InventoryModel::find(NodeKind kind, const QString& name) const
{
    std::vector<const Node*> stack{m_root.get()};
    while (!stack.empty()) {
        const Node* node = stack.back();
        stack.pop_back();
        for (auto it = node->children.rbegin(); it != node->children.rend(); ++it) {
            const Node* child = it->get();
            if (child->kind == kind && child->name == name)
                return createIndex(child->row, 0, const_cast<Node*>(child));
        }
        for (const auto& child : node->children)
            stack.push_back(child.get());
    }
    return {};
}

QModelIndex InventoryModel::findHost(const QString& host) const
{
    const QModelIndex local = find(NodeKind::Local, host);
    return local.isValid() ? local : find(NodeKind::Host, host);
}

QModelIndex InventoryModel::findGroup(const QString& group) const
{
    return find(NodeKind::Group, group);
}

QString InventoryModel::stateName(HostState state)
{
    switch (state) {
    case HostState::NeverConnected:
        return tr("not connected yet");
    case HostState::Connected:
        return tr("connected");
    case HostState::Unreachable:
        return tr("unreachable");
    case HostState::HostKeyUnknown:
        return tr("host key unknown");
    case HostState::HostKeyChanged:
        return tr("host key CHANGED");
    case HostState::AuthFailed:
        return tr("authentication failed");
    case HostState::Idle:
        return tr("idle (reconnects on the next run)");
    case HostState::HostKeyRevoked:
        return tr("host key REVOKED");
    case HostState::BecomeFailed:
        return tr("become (sudo/su) failed");
    case HostState::NoAnswer:
        return tr("no answer");
    }
    return {};
}

HostState hostStateOf(engine::HostLinkState link, engine::ErrorKind kind)
{
    using engine::ErrorKind;
    switch (link) {
    case engine::HostLinkState::Connected:
        return HostState::Connected;
    case engine::HostLinkState::Idle:
        return HostState::Idle;
    case engine::HostLinkState::Failed:
        break;
    }
    switch (kind) {
    case ErrorKind::HostKeyUnknown:
        return HostState::HostKeyUnknown;
    case ErrorKind::HostKeyChanged:
        return HostState::HostKeyChanged;
    case ErrorKind::HostKeyRevoked:
        return HostState::HostKeyRevoked;
    case ErrorKind::Auth:
        return HostState::AuthFailed;
    case ErrorKind::Become:
        return HostState::BecomeFailed;
    case ErrorKind::NoAnswer:
        return HostState::NoAnswer;
    case ErrorKind::Closed:
    case ErrorKind::Cancelled:
        return HostState::Idle;
    default:
        return HostState::Unreachable;
    }
}

InventoryModel::Node* InventoryModel::nodeOf(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

QModelIndex InventoryModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, nodeOf(parent)->children.at(size_t(row)).get());
}

QModelIndex InventoryModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    Node* parentNode = nodeOf(child)->parent;
    if (!parentNode || parentNode == m_root.get())
        return {};
    return createIndex(parentNode->row, 0, parentNode);
}

int InventoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.column() > 0 ? 0 : int(nodeOf(parent)->children.size());
}

int InventoryModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant InventoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node* node = nodeOf(index);
    const StateEntry state = m_states.value(node->name);
    const bool isHost = node->kind != NodeKind::Group;
    if (role == KindRole)
        return int(node->kind);
    if (role == NameRole)
        return node->name;
    if (role == StateRole)
        return isHost ? int(state.state) : QVariant();
    if (role == ParentGroupRole)
        return node->parent && node->parent != m_root.get() ? node->parent->name : QString();
    const engine::Host* host = isHost && m_inventory ? m_inventory->host(node->name) : nullptr;
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == NameColumn)
            return node->kind == NodeKind::Local ? tr("localhost (this machine)") : node->name;
        if (index.column() == AddressColumn && host) {
            const engine::Host resolved = m_inventory->resolvedHost(node->name);
            QString text = resolved.address();
            if (!resolved.user().isEmpty())
                text.prepend(resolved.user() + QLatin1Char('@'));
            if (resolved.port() != 22)
                text += QLatin1Char(':') + QString::number(resolved.port());
            return text;
        }
        if (index.column() == AddressColumn && node->kind == NodeKind::Local)
            return tr("local process");
        if (index.column() == StateColumn && isHost)
            return stateName(state.state);
        return {};
    case Qt::ToolTipRole:
        if (isHost)
            return state.message.isEmpty()
                       ? stateName(state.state)
                       : stateName(state.state) + QStringLiteral("\n") + state.message;
        return tr("group %1").arg(node->name);
    case Qt::DecorationRole: {
        if (index.column() != NameColumn)
            return {};
        QStyle* style = QApplication::style();
        if (node->kind == NodeKind::Group)
            return style->standardIcon(QStyle::SP_DirIcon);
        if (node->kind == NodeKind::Local)
            return style->standardIcon(QStyle::SP_ComputerIcon);
        switch (state.state) {
        case HostState::Connected:
            return style->standardIcon(QStyle::SP_DialogApplyButton);
        case HostState::Unreachable:
        case HostState::AuthFailed:
        case HostState::BecomeFailed:
        case HostState::NoAnswer:
            return style->standardIcon(QStyle::SP_MessageBoxCritical);
        case HostState::HostKeyUnknown:
            return style->standardIcon(QStyle::SP_MessageBoxQuestion);
        case HostState::HostKeyChanged:
        case HostState::HostKeyRevoked:
            return style->standardIcon(QStyle::SP_MessageBoxWarning);
        case HostState::NeverConnected:
        case HostState::Idle:
            return style->standardIcon(QStyle::SP_DriveNetIcon);
        }
        return {};
    }
    default:
        return {};
    }
}

QVariant InventoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case AddressColumn:
        return tr("Address");
    case StateColumn:
        return tr("State");
    default:
        return {};
    }
}

} // namespace hostdeck::ui

namespace hostdeck::ui {

Qt::ItemFlags InventoryModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled; // the top level: out of a group
    Qt::ItemFlags flags = QAbstractItemModel::flags(index);
    switch (nodeOf(index)->kind) {
    case NodeKind::Host:
        return flags | Qt::ItemIsDragEnabled;
    case NodeKind::Group:
        return flags | Qt::ItemIsDropEnabled;
    case NodeKind::Local:
        break;
    }
    return flags;
}

QStringList InventoryModel::mimeTypes() const
{
    return {mimeType()};
}

QMimeData* InventoryModel::mimeData(const QModelIndexList& indexes) const
{
    QJsonArray hosts;
    QSet<QString> seen;
    for (const QModelIndex& index : indexes) {
        const Node* node = nodeOf(index);
        if (!index.isValid() || node->kind != NodeKind::Host)
            continue;
        const QString group = index.data(ParentGroupRole).toString();
        if (seen.contains(node->name + QLatin1Char('\x1f') + group))
            continue;
        seen.insert(node->name + QLatin1Char('\x1f') + group);
        hosts.append(
            QJsonObject{{QStringLiteral("host"), node->name}, {QStringLiteral("group"), group}});
    }
    if (hosts.isEmpty())
        return nullptr;
    auto* data = new QMimeData;
    data->setData(mimeType(), QJsonDocument(hosts).toJson(QJsonDocument::Compact));
    return data;
}

bool InventoryModel::canDropMimeData(const QMimeData* data, Qt::DropAction action, int, int,
                                     const QModelIndex& parent) const
{
    if (!data || !data->hasFormat(mimeType()) ||
        (action != Qt::MoveAction && action != Qt::CopyAction))
        return false;
    return !parent.isValid() || nodeOf(parent)->kind == NodeKind::Group;
}

bool InventoryModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                                  const QModelIndex& parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    QList<Membership::HostRef> hosts;
    for (const QJsonValue& value : QJsonDocument::fromJson(data->data(mimeType())).array()) {
        const QJsonObject entry = value.toObject();
        hosts << Membership::HostRef{entry.value(QStringLiteral("host")).toString(),
                                     entry.value(QStringLiteral("group")).toString()};
    }
    if (hosts.isEmpty())
        return false;
    emit hostsDropped(hosts, parent.isValid() ? nodeOf(parent)->name : QString(),
                      action == Qt::CopyAction);
    // The dock edits the inventory and resets the model; removeRows (not implemented) refuses,
    // so a move never takes rows out of the view on its own.
    return true;
}

Qt::DropActions InventoryModel::supportedDropActions() const
{
    return Qt::MoveAction | Qt::CopyAction;
}

Qt::DropActions InventoryModel::supportedDragActions() const
{
    return Qt::MoveAction | Qt::CopyAction;
}

} // namespace hostdeck::ui
