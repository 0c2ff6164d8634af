#pragma once

#include "ui/template/TemplateOutcome.h"

#include <QAbstractTableModel>

namespace hostdeck::ui {

/// Rows = hosts of a template diff/deploy, in the order they were listed; thin adapter over
/// TemplateOutcome values.
class TemplateOutcomeModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        HostColumn,
        OutcomeColumn,
        ChangedColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role
    {
        DiffRole = Qt::UserRole + 1,
        StateRole
    };

    using QAbstractTableModel::QAbstractTableModel;

    /// Starts over with one pending row per host.
    void reset(const QStringList& hosts, bool check);
    void update(const TemplateOutcome& outcome);
    const TemplateOutcome* outcome(int row) const;
    int rowOf(const QString& host) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<TemplateOutcome> m_rows;
};

} // namespace hostdeck::ui
