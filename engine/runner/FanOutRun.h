#pragma once

#include "agent/AgentCall.h"
#include "runner/HostResult.h"
#include "runner/HostTarget.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>

namespace hostdeck::engine {

class SessionPool;

/// Runs one call on many hosts with a concurrency limit. Results and live output are delivered in
/// batches (every `batchInterval`) so a GUI gets one update per batch, not one per host. A failing
/// host never delays or cancels the others; cancel() stops the whole run.
class FanOutRun final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int concurrency = 100;
        std::chrono::milliseconds batchInterval{50};
    };

    FanOutRun(SessionPool* pool, QList<HostTarget> hosts, CallRequest request, Options options,
              QObject* parent = nullptr);

    void start();
    void cancel();
    bool isFinished() const { return m_finished; }
    const RunSummary& summary() const { return m_summary; }

signals:
    void resultsReady(const QList<hostdeck::engine::HostResult>& results);
    void outputReady(const QList<hostdeck::engine::HostOutput>& output);
    void progress(const hostdeck::engine::RunSummary& summary);
    void finished(const hostdeck::engine::RunSummary& summary);

private:
    void launchMore();
    void launch(const HostTarget& target);
    void record(HostResult result);
    void flush();
    void finishIfDone();

    QPointer<SessionPool> m_pool;
    std::deque<HostTarget> m_queue;
    CallRequest m_request;
    Options m_options;
    QHash<quint64, QPointer<AgentCall>> m_inFlight; ///< by launch serial (host names may repeat)
    quint64 m_serial = 0;
    QList<HostResult> m_resultBatch;
    QList<HostOutput> m_outputBatch;
    QTimer m_batchTimer;
    QElapsedTimer m_clock;
    RunSummary m_summary;
    bool m_started = false;
    bool m_cancelled = false;
    bool m_finished = false;
};

} // namespace hostdeck::engine
