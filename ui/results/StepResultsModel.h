#pragma once

#include "engine/runner/HostResult.h"

#include <QAbstractTableModel>

namespace hostdeck::ui {

/// The steps of one host of a recipe run (HostResult::steps), one row each, in the order they
/// ran: name, status, changed, duration.
class StepResultsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        StepColumn,
        StatusColumn,
        ChangedColumn,
        DurationColumn,
        ColumnCount
    };

    explicit StepResultsModel(QObject* parent = nullptr);

    /// Replaces the rows with `steps`; unchanged steps keep their rows (a refresh of the same
    /// host does not lose the selection).
    void setSteps(const QList<engine::HostResult>& steps);
    const QList<engine::HostResult>& steps() const { return m_steps; }
    const engine::HostResult& step(int row) const { return m_steps.at(row); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<engine::HostResult> m_steps;
};

} // namespace hostdeck::ui
