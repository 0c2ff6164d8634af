#include "runner/FanOutRun.h"

#include "runner/SessionPool.h"

namespace hostdeck::engine {

FanOutRun::FanOutRun(SessionPool* pool, QList<HostTarget> hosts, CallRequest request,
                     Options options, QObject* parent)
    : QObject(parent), m_pool(pool), m_queue(hosts.begin(), hosts.end()),
      m_request(std::move(request)), m_options(options)
{
    qRegisterMetaType<HostResult>();
    qRegisterMetaType<HostOutput>();
    qRegisterMetaType<RunSummary>();
    qRegisterMetaType<QList<HostResult>>();
    qRegisterMetaType<QList<HostOutput>>();
    m_summary.total = int(hosts.size());
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(m_options.batchInterval);
    connect(&m_batchTimer, &QTimer::timeout, this, &FanOutRun::flush);
}

void FanOutRun::start()
{
    if (m_started)
        return;
    m_started = true;
    m_clock.start();
    if (m_options.concurrency < 1)
        m_options.concurrency = 1;
    launchMore();
    finishIfDone();
}

void FanOutRun::launchMore()
{
    while (!m_cancelled && !m_queue.empty() && m_inFlight.size() < m_options.concurrency) {
        HostTarget target = std::move(m_queue.front());
        m_queue.pop_front();
        launch(target);
    }
}

void FanOutRun::launch(const HostTarget& target)
{
    const QString host = target.name;
    if (!m_pool) {
        HostResult r;
        r.host = host;
        r.error.kind = ErrorKind::Cancelled;
        r.error.message = QStringLiteral("engine stopped");
        record(std::move(r));
        return;
    }
    QElapsedTimer started;
    started.start();
    AgentCall* call = m_pool->acquire(target)->call(m_request);
    const quint64 serial = ++m_serial;
    m_inFlight.insert(serial, call);
    connect(call, &AgentCall::chunk, this,
            [this, host](const QString& stream, const QJsonValue& data) {
                m_outputBatch.append(HostOutput{host, stream, data});
                if (!m_batchTimer.isActive())
                    m_batchTimer.start();
            });
    connect(call, &AgentCall::finished, this,
            [this, host, serial, started](const CallResult& result) {
                m_inFlight.remove(serial);
                HostResult r;
                r.host = host;
                r.ok = result.ok;
                r.value = result.value;
                r.error = result.error;
                r.changed = result.ok && result.value.isObject() &&
                            result.value.toObject().value(QStringLiteral("changed")).toBool();
                r.durationMs = started.elapsed();
                record(std::move(r));
                launchMore();
                finishIfDone();
            });
}

void FanOutRun::record(HostResult result)
{
    m_summary.add(result);
    m_resultBatch.append(std::move(result));
    if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

void FanOutRun::flush()
{
    m_batchTimer.stop();
    m_summary.elapsedMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    if (!m_outputBatch.isEmpty())
        emit outputReady(std::exchange(m_outputBatch, {}));
    if (!m_resultBatch.isEmpty()) {
        emit resultsReady(std::exchange(m_resultBatch, {}));
        emit progress(m_summary);
    }
}

void FanOutRun::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    while (!m_queue.empty()) {
        HostResult r;
        r.host = m_queue.front().name;
        r.error.kind = ErrorKind::Cancelled;
        r.error.message = QStringLiteral("cancelled before start");
        m_queue.pop_front();
        record(std::move(r));
    }
    const auto inFlight =
        m_inFlight; // cancel() finishes calls synchronously, which edits m_inFlight
    for (const QPointer<AgentCall>& call : inFlight) {
        if (call)
            call->cancel();
    }
    finishIfDone();
}

void FanOutRun::finishIfDone()
{
    if (m_finished || !m_started || !m_queue.empty() || !m_inFlight.isEmpty())
        return;
    m_finished = true;
    flush();
    m_summary.elapsedMs = m_clock.elapsed();
    emit finished(m_summary);
}

} // namespace hostdeck::engine
