#pragma once

#include "engine/runner/EngineClient.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace hostdeck::ui {

class HistoryRecorder;
class RunView;

/// Starts the main window's runs on the engine's run service and connects each run's one event
/// stream to its view, to the history (one transaction per batch) and to the progress counts.
class RunCoordinator final : public QObject
{
    Q_OBJECT
public:
    RunCoordinator(engine::EngineClient* engine, HistoryRecorder* recorder,
                   QObject* parent = nullptr);

    quint64 start(engine::RunRequest request, RunView* view);
    void cancel(quint64 runId);
    bool isRunning(quint64 runId) const { return m_runs.contains(runId); }
    int runningCount() const { return int(m_runs.size()); }
    qint64 historyId(quint64 runId) const { return m_historyIds.value(runId, 0); }
    /// The handle of a run still going (null once it finished).
    engine::RunHandle* handle(quint64 runId) const { return m_runs.value(runId); }

signals:
    void progress(quint64 runId, const hostdeck::engine::RunSummary& summary);
    void finished(quint64 runId, const hostdeck::engine::RunSummary& summary);
    /// A host's record arrived (the inventory shows what the run found).
    void hostFinished(const hostdeck::engine::HostResult& record);

private:
    QPointer<engine::EngineClient> m_engine;
    QPointer<HistoryRecorder> m_recorder;
    QHash<quint64, QPointer<engine::RunHandle>> m_runs;
    QHash<quint64, qint64> m_historyIds;
};

} // namespace hostdeck::ui
