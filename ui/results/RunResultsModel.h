#pragma once

#include "engine/runner/HostResult.h"
#include "engine/runner/RunEvent.h"
#include "ui/results/ResultText.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>

namespace hostdeck::ui {

/// The hosts of one run as table rows. Rows appear when a host first sends output or its
/// result; every batch from the engine is one beginInsertRows (new hosts) plus one coalesced
/// dataChanged (hosts already shown).
class RunResultsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        HostColumn,
        StatusColumn,
        ChangedColumn,
        DurationColumn,
        SummaryColumn,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1,
        StatusRole,
        HostRole,
        RowRole ///< the row in this model (what a proxy row stands for)
    };

    struct Row
    {
        engine::HostResult result;
        bool done = false;
        engine::HostPhase phase = engine::HostPhase::Pending;
        qint64 phaseAtMs = 0;    ///< run time the phase began
        qint64 startedAtMs = -1; ///< run time the host left `pending`
        qint64 connectAtMs = -1; ///< run time it began connecting (and starting its agent)
        qint64 runAtMs = -1;     ///< run time its program began
        qint64 endAtMs = -1;     ///< run time its record arrived
        QString stdoutText;
        QString stderrText;
        QList<QJsonValue> progress;
    };

    explicit RunResultsModel(QObject* parent = nullptr);

    /// A run's events: a row per target from run.started (pending), phases, output, results.
    void addEvents(const QList<engine::RunEvent>& events);
    void addResults(const QList<engine::HostResult>& results);
    void addOutput(const QList<engine::HostOutput>& output);
    void clear();
    /// Repaints the running hosts' elapsed time (a view calls it every second while it runs).
    void tick();
    /// Status colours for a dark (true) or light background; repaints the status column.
    void setDarkPalette(bool dark);
    bool isDarkPalette() const { return m_dark; }
    bool isCheck() const { return m_check; }
    void setCheck(bool check) { m_check = check; }
    /// The run's start info (targets, plan, options) from run.started; empty for old runs.
    const QJsonObject& runInfo() const { return m_info; }
    /// A run from the history: its stored start info (check mode follows its options).
    void setRunInfo(const QJsonObject& info, const QDateTime& startedAt);
    /// When run.started arrived (the history's time for a stored run).
    QDateTime startedAt() const { return m_startedAt; }
    /// "Tool.method" of the run's plan (for the per-tool summaries); empty when unknown.
    QString toolMethod() const;
    /// The longest run time a row knows (the timeline's scale), in ms.
    qint64 spanMs() const;

    const Row& row(int index) const { return m_rows.at(index); }
    int rowOf(const QString& host) const { return m_byHost.value(host, -1); }
    QList<engine::HostResult> results() const; ///< finished hosts, in row order

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    /// Output arrived for a host (the detail pane follows the selected one live).
    void outputAppended(const QString& host);

private:
    /// Rows for the hosts not shown yet, in one insert.
    void ensureRows(const QStringList& hosts);
    void emitChanged(int first, int last);

    QList<Row> m_rows;
    QHash<QString, int> m_byHost;
    bool m_dark = false;
    bool m_check = false;
    QJsonObject m_info;
    QDateTime m_startedAt;
    QElapsedTimer m_runClock; ///< started at run.started: elapsed time of running hosts
};

} // namespace hostdeck::ui
