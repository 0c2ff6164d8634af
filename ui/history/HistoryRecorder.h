#pragma once

#include "engine/history/HistoryRun.h"
#include "engine/runner/HostResult.h"

#include <QObject>

namespace hostdeck::engine {
class RunHandle;
class RunHistory;
struct RunEvent;
} // namespace hostdeck::engine

namespace hostdeck::ui {

/// The one place runs are written to the history database, shared by every window that starts
/// runs (the main window's coordinator, the template editor's diff and deploy). Without a
/// database it records nothing and every call is a cheap no-op.
class HistoryRecorder final : public QObject
{
    Q_OBJECT
public:
    explicit HistoryRecorder(QObject* parent = nullptr);

    void setHistory(engine::RunHistory* history) { m_history = history; }
    engine::RunHistory* history() const { return m_history; }

    /// Records `run` from its events: the run (from run.started: plan, targets, options), each
    /// host's record, the summary. `recorded` tells the history id once it is stored.
    void record(engine::RunHandle* run);

    /// Stores a new run; 0 when there is no database or it refused (historyError says why).
    qint64 begin(const engine::HistoryRun& run, const QStringList& secretParams);
    void addResults(qint64 historyId, const QList<engine::HostResult>& results);
    void finish(qint64 historyId, const engine::RunSummary& summary);

signals:
    void recorded(quint64 runId, qint64 historyId);
    void historyChanged();
    void historyError(const QString& message);

private:
    engine::RunHistory* m_history = nullptr;
};

} // namespace hostdeck::ui
