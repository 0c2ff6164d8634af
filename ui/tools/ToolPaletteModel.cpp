#include "ui/tools/ToolPaletteModel.h"

#include <QApplication>
#include <QFont>
#include <QStyle>

namespace hostdeck::ui {

// internalId: 0 for a tool row, tool row + 1 for a method row.

ToolPaletteModel::ToolPaletteModel(QObject* parent) : QAbstractItemModel(parent) {}

void ToolPaletteModel::setCatalog(const engine::ToolCatalog& catalog)
{
    beginResetModel();
    m_catalog = catalog;
    m_rows.clear();
    const QList<engine::ToolInfo>& tools = m_catalog.tools();
    for (int t = 0; t < tools.size(); ++t) {
        ToolRow row{t, {}};
        for (int m = 0; m < tools.at(t).methods.size(); ++m) {
            if (!tools.at(t).methods.at(m).internal)
                row.methods << m;
        }
        if (!row.methods.isEmpty() || tools.at(t).methods.isEmpty())
            m_rows << row;
    }
    endResetModel();
}

const engine::ToolInfo& ToolPaletteModel::toolAt(int row) const
{
    return m_catalog.tools().at(m_rows.at(row).tool);
}

QModelIndex ToolPaletteModel::indexOf(const QString& tool, const QString& method) const
{
    for (int t = 0; t < m_rows.size(); ++t) {
        const engine::ToolInfo& info = toolAt(t);
        if (info.name != tool)
            continue;
        const QList<int>& methods = m_rows.at(t).methods;
        for (int m = 0; m < methods.size(); ++m) {
            if (info.methods.at(methods.at(m)).name == method)
                return createIndex(m, 0, quintptr(t + 1));
        }
    }
    return {};
}

QModelIndex ToolPaletteModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, quintptr(0));
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex ToolPaletteModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int ToolPaletteModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_rows.size());
    if (parent.column() != 0 || parent.internalId() != 0)
        return 0;
    return int(m_rows.at(parent.row()).methods.size());
}

int ToolPaletteModel::columnCount(const QModelIndex&) const
{
    return 1;
}

QVariant ToolPaletteModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const bool isTool = index.internalId() == 0;
    const int row = isTool ? index.row() : int(index.internalId() - 1);
    const engine::ToolInfo& tool = toolAt(row);
    const engine::MethodInfo* method =
        isTool ? nullptr : &tool.methods.at(m_rows.at(row).methods.at(index.row()));
    switch (role) {
    case Qt::DisplayRole:
        if (method)
            return method->name;
        return tool.custom ? tool.name + tr(" (custom)") : tool.name;
    case Qt::ToolTipRole:
        return method ? method->doc : tool.doc;
    case Qt::DecorationRole:
        if (isTool && tool.custom)
            return QApplication::style()->standardIcon(QStyle::SP_FileDialogDetailedView);
        return {};
    case Qt::FontRole:
        if (isTool) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case ToolRole:
        return tool.name;
    case MethodRole:
        return method ? method->name : QString();
    case CustomRole:
        return tool.custom;
    case SearchTextRole:
        // A method matches on its full name and doc, a tool on its name (so "exec" shows Exec).
        return method ? method->fullName() + QLatin1Char(' ') + method->summary() : tool.name;
    default:
        return {};
    }
}

} // namespace hostdeck::ui
