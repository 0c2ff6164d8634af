#include "ui/results/ResultsFilterModel.h"

#include "ui/results/ResultText.h"
#include "ui/results/RunResultsModel.h"

namespace hostdeck::ui {

ResultsFilterModel::ResultsFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(RunResultsModel::SortRole);
    setFilterKeyColumn(RunResultsModel::HostColumn);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void ResultsFilterModel::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    invalidateRowsFilter();
}

bool ResultsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (!QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent))
        return false;
    if (m_mode == Mode::All)
        return true;
    const auto status = ResultText::Status(
        sourceModel()->index(sourceRow, 0, sourceParent).data(RunResultsModel::StatusRole).toInt());
    if (m_mode == Mode::Failed)
        return ResultText::isFailure(status);
    return status == ResultText::Status::Changed;
}

} // namespace hostdeck::ui
