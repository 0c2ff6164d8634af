#pragma once

#include "runner/EngineClient.h"
#include "tools/ToolCatalog.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace hostdeck::ui {

class HistoryRecorder;
class RunView;

/// What the user asked to run.
struct RunLaunch
{
    QList<engine::HostTarget> hosts;
    MethodInfo method;
    QJsonObject args;
    bool check = false;
    QString pattern;
    QString inventory;
    int concurrency = 100;
};

/// Connects runs to their views and to the history: engine batches go to the run's model and,
/// in one transaction per batch, to the history recorder (null: nothing is recorded).
class RunCoordinator final : public QObject
{
    Q_OBJECT
public:
    RunCoordinator(engine::EngineClient* engine, HistoryRecorder* recorder,
                   QObject* parent = nullptr);

    quint64 start(const RunLaunch& launch, RunView* view);
    void cancel(quint64 runId);
    bool isRunning(quint64 runId) const { return m_runs.contains(runId); }
    int runningCount() const { return int(m_runs.size()); }
    qint64 historyId(quint64 runId) const { return m_historyIds.value(runId, 0); }

signals:
    void progress(quint64 runId, const hostdeck::engine::RunSummary& summary);
    void finished(quint64 runId, const hostdeck::engine::RunSummary& summary);

private:
    void onResults(quint64 runId, const QList<engine::HostResult>& results);
    void onOutput(quint64 runId, const QList<engine::HostOutput>& output);
    void onFinished(quint64 runId, const engine::RunSummary& summary);

    QPointer<engine::EngineClient> m_engine;
    QPointer<HistoryRecorder> m_recorder;
    QHash<quint64, QPointer<RunView>> m_runs;
    QHash<quint64, qint64> m_historyIds;
};

} // namespace hostdeck::ui
