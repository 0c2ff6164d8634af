#include "ui/results/JsonTreeModel.h"

#include <QJsonArray>
#include <QJsonObject>

namespace hostdeck::ui {

JsonTreeModel::JsonTreeModel(QObject* parent)
    : QAbstractItemModel(parent), m_root(std::make_unique<Node>())
{
}

JsonTreeModel::~JsonTreeModel() = default;

void JsonTreeModel::setValue(const QJsonValue& value)
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    auto top = std::make_unique<Node>();
    top->key = QStringLiteral("value");
    top->parent = m_root.get();
    build(top.get(), value);
    m_root->children.push_back(std::move(top));
    endResetModel();
}

void JsonTreeModel::build(Node* node, const QJsonValue& value)
{
    auto addChild = [node](const QString& key, const QJsonValue& child) {
        auto item = std::make_unique<Node>();
        item->key = key;
        item->parent = node;
        item->row = int(node->children.size());
        build(item.get(), child);
        node->children.push_back(std::move(item));
    };
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        // {"$bytes": ...} is the protocol's bytes encoding: show it as one value.
        if (object.size() == 1 && object.contains(QStringLiteral("$bytes"))) {
            node->type = QStringLiteral("bytes");
            node->value = QStringLiteral("%1 bytes")
                              .arg(QByteArray::fromBase64(
                                       object.value(QStringLiteral("$bytes")).toString().toLatin1())
                                       .size());
            return;
        }
        node->type = QStringLiteral("object (%1)").arg(object.size());
        for (auto it = object.begin(); it != object.end(); ++it)
            addChild(it.key(), it.value());
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        node->type = QStringLiteral("list (%1)").arg(array.size());
        for (int i = 0; i < array.size(); ++i)
            addChild(QStringLiteral("[%1]").arg(i), array.at(i));
    } else {
        node->value = value;
        node->type = value.isString()   ? QStringLiteral("string")
                     : value.isBool()   ? QStringLiteral("bool")
                     : value.isDouble() ? QStringLiteral("number")
                                        : QStringLiteral("null");
    }
}

JsonTreeModel::Node* JsonTreeModel::nodeOf(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

QModelIndex JsonTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, nodeOf(parent)->children.at(size_t(row)).get());
}

QModelIndex JsonTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    Node* parentNode = nodeOf(child)->parent;
    if (!parentNode || parentNode == m_root.get())
        return {};
    return createIndex(parentNode->row, 0, parentNode);
}

int JsonTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.column() > 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int JsonTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant JsonTreeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node* node = nodeOf(index);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case KeyColumn:
        return node->key;
    case ValueColumn:
        if (node->value.isBool())
            return node->value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        if (node->value.isNull() && node->children.empty() && node->type == QStringLiteral("null"))
            return QStringLiteral("null");
        if (role == Qt::DisplayRole && node->value.isString())
            return node->value.toString().left(500).replace(QLatin1Char('\n'), QChar(0x23CE));
        return node->value.toVariant();
    case TypeColumn:
        return node->type;
    default:
        return {};
    }
}

QVariant JsonTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case ValueColumn:
        return tr("Value");
    case TypeColumn:
        return tr("Type");
    default:
        return {};
    }
}

} // namespace hostdeck::ui
