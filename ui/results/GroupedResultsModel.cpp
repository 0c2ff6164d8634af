#include "ui/results/GroupedResultsModel.h"

#include "ui/results/RunResultsModel.h"

#include <QAbstractProxyModel>

#include <algorithm>

namespace hostdeck::ui {

GroupedResultsModel::GroupedResultsModel(QObject* parent) : QAbstractTableModel(parent) {}

void GroupedResultsModel::setSourceModel(QAbstractItemModel* rows)
{
    if (m_rows)
        disconnect(m_rows, nullptr, this, nullptr);
    m_rows = rows;
    // The results behind the rows (through any proxies).
    QAbstractItemModel* source = rows;
    while (auto* proxy = qobject_cast<QAbstractProxyModel*>(source))
        source = proxy->sourceModel();
    m_source = qobject_cast<RunResultsModel*>(source);
    if (rows) {
        connect(rows, &QAbstractItemModel::rowsInserted, this, &GroupedResultsModel::rebuild);
        connect(rows, &QAbstractItemModel::rowsRemoved, this, &GroupedResultsModel::rebuild);
        connect(rows, &QAbstractItemModel::dataChanged, this, &GroupedResultsModel::rebuild);
        connect(rows, &QAbstractItemModel::modelReset, this, &GroupedResultsModel::rebuild);
        connect(rows, &QAbstractItemModel::layoutChanged, this, &GroupedResultsModel::rebuild);
    }
    rebuild();
}

void GroupedResultsModel::setActive(bool active)
{
    m_active = active;
    rebuild();
}

void GroupedResultsModel::rebuild()
{
    if (!m_active && m_groups.isEmpty())
        return;
    // Groups change shape as results stream in; a reset per engine batch is cheap enough here.
    beginResetModel();
    m_groups.clear();
    QHash<QString, int> bySignature;
    if (m_source && m_rows && m_active) {
        for (int shown = 0; shown < m_rows->rowCount(); ++shown) {
            const int r = m_rows->index(shown, 0).data(RunResultsModel::RowRole).toInt();
            const RunResultsModel::Row& row = m_source->row(r);
            if (!row.done)
                continue;
            const QString signature = ResultText::signature(row.result);
            auto it = bySignature.find(signature);
            if (it == bySignature.end()) {
                it = bySignature.insert(signature, int(m_groups.size()));
                m_groups << Group{signature, {}};
            }
            m_groups[*it].sourceRows << r;
        }
    }
    std::stable_sort(m_groups.begin(), m_groups.end(), [](const Group& a, const Group& b) {
        return a.sourceRows.size() > b.sourceRows.size();
    });
    endResetModel();
}

int GroupedResultsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_groups.size());
}

int GroupedResultsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GroupedResultsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        !m_source)
        return {};
    const Group& group = m_groups.at(index.row());
    const RunResultsModel::Row& first = m_source->row(group.sourceRows.constFirst());
    QStringList hosts;
    for (int r : group.sourceRows)
        hosts << m_source->row(r).result.host;
    if (role == HostsRole)
        return hosts;
    if (role == FirstRowRole)
        return group.sourceRows.constFirst();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case CountColumn:
        return int(group.sourceRows.size());
    case StatusColumn:
        return ResultText::statusName(ResultText::status(first.result),
                                      m_source->isCheck() || first.result.check);
    case SummaryColumn:
        return ResultText::summary(first.result, m_source->toolMethod());
    case HostsColumn:
        return role == Qt::ToolTipRole ? hosts.join(QLatin1Char('\n'))
                                       : hosts.join(QStringLiteral(", "));
    default:
        return {};
    }
}

QVariant GroupedResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CountColumn:
        return tr("Hosts");
    case StatusColumn:
        return tr("Status");
    case SummaryColumn:
        return tr("Result");
    case HostsColumn:
        return tr("Host list");
    default:
        return {};
    }
}

} // namespace hostdeck::ui
