#pragma once

#include "engine/runner/RunEvent.h"
#include "engine/runner/RunRequest.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <memory>
#include <vector>

namespace hostdeck::engine {

class AgentSession;
class DecisionClock;
class SessionPool;

/// One run on the engine thread (RUN-MODEL "Run"): targets in rollout batches (`serial`), at
/// most `forks` hosts at once, each host's program over its pooled agent, one ordered event
/// stream delivered in batches (every 50 ms, so a GUI gets one update per batch). Guarantees:
/// every target gets exactly one host.result and the run exactly one run.finished; a failing
/// host never stops the others; cancel() and the run deadline end it whatever the hosts do.
class Run final : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kOutputLimit = 4 * 1024 * 1024; ///< step.output bytes per call

    Run(quint64 id, RunRequest request, SessionPool* pool,
        std::shared_ptr<const ToolCatalog> catalog, QObject* parent = nullptr);
    ~Run() override;

    void start();
    void cancel();
    quint64 id() const { return m_id; }
    bool isFinished() const { return m_finished; }
    const RunSummary& summary() const { return m_summary; }
    const RunRequest& request() const { return m_request; }
    int peakInFlight() const { return m_peakInFlight; }
    /// Time a host waited for a person (a host-key decision) is not counted in its duration.
    void setDecisionClock(std::shared_ptr<const DecisionClock> clock) { m_decisions = clock; }

signals:
    void events(const QList<hostdeck::engine::RunEvent>& batch);
    void finished(const hostdeck::engine::RunSummary& summary);

private:
    class Host;
    friend class Host;

    void emitEvent(RunEvent event);
    void flush();
    void launchMore();
    void launch(Host* host);
    void hostDone(Host* host, HostResult record);
    void endQueued(HostStatus status, ErrorKind kind, const QString& message);
    void onDeadline();
    void finishBatchIfDone();
    void finishIfDone();
    void refuse(const Error& error);
    std::chrono::milliseconds timeoutFor(const CallRequest& request) const;

    quint64 m_id;
    RunRequest m_request;
    QPointer<SessionPool> m_pool;
    std::shared_ptr<const ToolCatalog> m_catalog;
    std::shared_ptr<const DecisionClock> m_decisions;
    std::vector<std::unique_ptr<Host>> m_hosts;
    std::deque<Host*> m_queue; ///< the current batch's hosts not started yet
    std::deque<Host*> m_later; ///< hosts of later batches
    QList<int> m_batches;
    int m_batchIndex = 0;
    int m_batchLeft = 0;   ///< hosts of the current batch not done
    int m_batchFailed = 0; ///< of the current batch: failed, unreachable, timed out
    int m_batchSize = 0;
    int m_inFlight = 0;
    int m_peakInFlight = 0;
    QList<RunEvent> m_pending;
    QTimer m_flushTimer;
    QTimer m_deadline;
    QElapsedTimer m_clock;
    RunSummary m_summary;
    bool m_started = false;
    bool m_stopping = false;
    bool m_finished = false;
};

} // namespace hostdeck::engine
