#pragma once

#include <QAbstractItemModel>
#include <QJsonValue>

#include <memory>
#include <vector>

namespace hostdeck::ui {

/// A JSON value as a tree (key, value, type) for the detail pane.
class JsonTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        KeyColumn,
        ValueColumn,
        TypeColumn,
        ColumnCount
    };

    explicit JsonTreeModel(QObject* parent = nullptr);
    ~JsonTreeModel() override;

    void setValue(const QJsonValue& value);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Node
    {
        QString key;
        QJsonValue value; ///< scalars only; containers keep children
        QString type;
        Node* parent = nullptr;
        int row = 0;
        std::vector<std::unique_ptr<Node>> children;
    };
    static void build(Node* node, const QJsonValue& value);
    Node* nodeOf(const QModelIndex& index) const;

    std::unique_ptr<Node> m_root;
};

} // namespace hostdeck::ui
