#pragma once

#include "engine/history/HistoryRun.h"

#include <QAbstractTableModel>

namespace hostdeck::ui {

/// Stored runs, newest first: time, tool, mode (run or check), origin, targets, arguments,
/// outcome.
class HistoryModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,
        ToolColumn,
        CheckColumn, ///< "Mode": run or check
        OriginColumn,
        TargetsColumn,
        ArgsColumn,
        OutcomeColumn,
        ColumnCount
    };
    enum Role
    {
        RunIdRole = Qt::UserRole + 1,
        SearchTextRole, ///< everything a search matches: tool, mode, origin, hosts, arguments
        FailedRole,     ///< the run had failed, unreachable or timed out hosts
        CheckRole,
        OriginRole
    };
    /// The arguments on one line (`argv=sh -c … cwd=/tmp`), long values shortened.
    static QString argsText(const QJsonObject& args);

    explicit HistoryModel(QObject* parent = nullptr);

    void setRuns(const QList<engine::HistoryRun>& runs);
    const engine::HistoryRun& run(int row) const { return m_runs.at(row); }
    int rowOfId(qint64 id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<engine::HistoryRun> m_runs;
};

} // namespace hostdeck::ui
