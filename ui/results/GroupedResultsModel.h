#pragma once

#include <QAbstractTableModel>
#include <QPointer>

namespace hostdeck::ui {

class RunResultsModel;

/// "Group identical results": the finished hosts of a run folded by identical outcome (what the
/// user reads: status and value without timings, or the error) into one row with a count and the
/// host list. Its rows come from a RunResultsModel or a filter over one, so the grouped view
/// shows what the table's filter shows. Follows its source.
class GroupedResultsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        CountColumn,
        StatusColumn,
        SummaryColumn,
        HostsColumn,
        ColumnCount
    };
    enum Role
    {
        HostsRole = Qt::UserRole + 1,
        FirstRowRole
    };

    explicit GroupedResultsModel(QObject* parent = nullptr);
    /// `rows`: a RunResultsModel, or a proxy (ResultsFilterModel) over one.
    void setSourceModel(QAbstractItemModel* rows);
    /// Only an active model follows its source (the grouped view is hidden most of the time,
    /// and regrouping on every batch of a big run is wasted work on the GUI thread).
    void setActive(bool active);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Group
    {
        QString signature;
        QList<int> sourceRows;
    };
    void rebuild();

    QPointer<QAbstractItemModel> m_rows;
    QPointer<RunResultsModel> m_source;
    QList<Group> m_groups;
    bool m_active = true;
};

} // namespace hostdeck::ui
