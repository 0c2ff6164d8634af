#include "engine/runner/Run.h"

#include "engine/agent/ArgumentCheck.h"
#include "engine/agent/CallTimeout.h"
#include "engine/runner/DecisionClock.h"
#include "engine/runner/SessionPool.h"
#include "engine/util/RemoteText.h"

#include <QJsonArray>
#include <QLoggingCategory>

#include <algorithm>

namespace hostdeck::engine {

namespace {
Q_LOGGING_CATEGORY(lcRun, "hostdeck.engine.run")
constexpr std::chrono::milliseconds kBatchInterval{50};
constexpr qsizetype kMaxBatchEvents = 500;
} // namespace

/// One target of the run: its state, its program and the calls the program made.
class Run::Host final : public HostContext
{
public:
    Host(Run* run, HostTarget target) : m_run(run), m_target(std::move(target)) {}

    const HostTarget& target() const override { return m_target; }
    const RunOptions& options() const override { return m_run->m_request.options; }
    /// The host's own time: what it spent waiting for a host-key decision does not count.
    qint64 elapsedMs() const override
    {
        if (!m_clock.isValid())
            return 0;
        return std::max<qint64>(0, m_clock.elapsed() - (decisionWaitMs() - m_waitBaseMs));
    }

    AgentCall* call(CallRequest request, const QString& step, std::optional<bool> become) override
    {
        request.check = request.checkOverride.value_or(request.check || options().check);
        if (request.timeout.count() <= 0)
            request.timeout = m_run->timeoutFor(request);
        // The host's session from the pool: a step after a lost connection gets a new one; a
        // step that becomes (or not) unlike the target has its own agent of the host.
        AgentSession* session = nullptr;
        if (become && *become != m_target.become && m_run->m_pool) {
            HostTarget variant = m_target;
            variant.become = *become;
            session = m_run->m_pool->acquire(variant);
        } else {
            session = this->session();
        }
        Q_ASSERT(session); // launch() refuses hosts once the pool is gone
        AgentCall* call = nullptr;
        const ToolCatalog* catalog = m_run->m_catalog.get();
        const std::optional<MethodInfo> method =
            catalog ? catalog->method(request.tool, request.method) : std::nullopt;
        Status checked = Ok{};
        const bool templates = !request.render.isEmpty();
        if (catalog && !catalog->isEmpty() && request.tool != QStringLiteral("_agent"))
            checked = method ? ArgumentCheck::check(*method, request.args, templates)
                             : ArgumentCheck::check(*catalog, request.tool, request.method,
                                                    request.args, templates);
        if (!checked) {
            CallError error;
            error.kind = checked.error().kind;
            error.message = checked.error().message;
            call = session->reject(std::move(request), std::move(error));
        } else {
            call = session->call(std::move(request));
        }
        m_calls.append(call);
        auto bytes = std::make_shared<qsizetype>(0);
        QObject::connect(call, &AgentCall::chunk, m_run,
                         [this, step, bytes](const QString& stream, const QJsonValue& data) {
                             onChunk(step, stream, data, *bytes);
                         });
        return call;
    }

    AgentSession* session() override
    {
        if (!m_session || m_session->state() == AgentSession::State::Closed)
            m_session = m_run->m_pool ? m_run->m_pool->acquire(m_target) : m_session.data();
        return m_session.data();
    }

    void progress(const QJsonValue& data, const QString& step) override
    {
        if (m_done)
            return;
        RunEvent event;
        event.type = RunEvent::Type::StepOutput;
        event.host = m_target.name;
        event.step = step;
        event.stream = QStringLiteral("progress");
        event.data = data;
        m_run->emitEvent(std::move(event));
    }

    void stepFinished(const HostResult& record) override
    {
        if (m_done)
            return;
        RunEvent event;
        event.type = RunEvent::Type::StepResult;
        event.host = m_target.name;
        event.record = record;
        event.record.host = m_target.name;
        event.step = record.step;
        m_run->emitEvent(std::move(event));
    }

    void finish(HostResult record) override
    {
        if (m_done)
            return;
        m_done = true;
        record.host = m_target.name;
        record.check = options().check;
        if (record.durationMs == 0)
            record.durationMs = elapsedMs();
        m_run->hostDone(this, std::move(record));
    }

    void begin(AgentSession* session, std::unique_ptr<HostProgram> program)
    {
        m_clock.start();
        m_waitBaseMs = decisionWaitMs();
        m_session = session;
        m_started = true;
        if (session->state() == AgentSession::State::Ready) {
            setPhase(HostPhase::Running);
        } else {
            setPhase(HostPhase::Connecting);
            QObject::connect(session, &AgentSession::ready, m_run, [this] {
                if (!m_done)
                    setPhase(HostPhase::Running);
            });
        }
        m_program = std::move(program);
        m_program->start(this);
    }

    /// Ends the host now (cancel, deadline): its record says why; its calls are cancelled.
    void stop(HostStatus status, ErrorKind kind, const QString& message)
    {
        if (m_done)
            return;
        HostResult record = HostResult::notRun(m_target.name, status, kind, message);
        record.durationMs = elapsedMs();
        finish(std::move(record)); // first: the calls' own endings are ignored after this
        const auto calls = m_calls;
        for (const QPointer<AgentCall>& call : calls) {
            if (call)
                call->cancel();
        }
    }

    void setPhase(HostPhase phase)
    {
        m_phase = phase;
        RunEvent event;
        event.type = RunEvent::Type::HostState;
        event.host = m_target.name;
        event.phase = phase;
        m_run->emitEvent(std::move(event));
    }

    void releaseProgram()
    {
        if (m_program)
            m_program.release()->deleteLater(); // it may be on the stack (finish from a slot)
    }

    bool isDone() const { return m_done; }
    bool isStarted() const { return m_started; }

private:
    qint64 decisionWaitMs() const
    {
        return m_run->m_decisions ? m_run->m_decisions->waitedMs(m_target.name) : 0;
    }

    void onChunk(const QString& step, const QString& stream, const QJsonValue& data,
                 qsizetype& bytes)
    {
        if (m_done || bytes > kOutputLimit)
            return;
        const qsizetype size = data.isString() ? data.toString().size() : 64;
        bytes += size;
        RunEvent event;
        event.type = RunEvent::Type::StepOutput;
        event.host = m_target.name;
        event.step = step;
        event.stream = stream;
        if (bytes > kOutputLimit)
            event.data = QStringLiteral("\n[output truncated: more than %1 MiB]\n")
                             .arg(kOutputLimit / (1024 * 1024));
        else if (data.isString())
            event.data = sanitizeRemoteText(data.toString()); // control characters escaped
        else
            event.data = data;
        m_run->emitEvent(std::move(event));
    }

    Run* m_run;
    HostTarget m_target;
    QPointer<AgentSession> m_session;
    std::unique_ptr<HostProgram> m_program;
    QList<QPointer<AgentCall>> m_calls;
    QElapsedTimer m_clock;
    qint64 m_waitBaseMs = 0;
    HostPhase m_phase = HostPhase::Pending;
    bool m_started = false;
    bool m_done = false;
};

Run::Run(quint64 id, RunRequest request, SessionPool* pool,
         std::shared_ptr<const ToolCatalog> catalog, QObject* parent)
    : QObject(parent), m_id(id), m_request(std::move(request)), m_pool(pool),
      m_catalog(std::move(catalog))
{
    qRegisterMetaType<RunEvent>();
    qRegisterMetaType<QList<RunEvent>>();
    qRegisterMetaType<RunSummary>();
    m_summary.total = int(m_request.targets.size());
    m_summary.check = m_request.options.check;
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kBatchInterval);
    connect(&m_flushTimer, &QTimer::timeout, this, &Run::flush);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &Run::onDeadline);
    for (const HostTarget& target : std::as_const(m_request.targets))
        m_hosts.push_back(std::make_unique<Host>(this, target));
}

Run::~Run()
{
    for (auto& host : m_hosts)
        host->releaseProgram();
}

void Run::emitEvent(RunEvent event)
{
    event.runId = m_id;
    event.timeMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    m_pending.append(std::move(event));
    if (m_pending.size() >= kMaxBatchEvents)
        flush();
    else if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void Run::flush()
{
    m_flushTimer.stop();
    if (!m_pending.isEmpty())
        emit events(std::exchange(m_pending, {}));
}

std::chrono::milliseconds Run::timeoutFor(const CallRequest& request) const
{
    const std::optional<MethodInfo> method =
        m_catalog ? m_catalog->method(request.tool, request.method) : std::nullopt;
    return callTimeout(method ? method->raw : QJsonObject{}, request.args,
                       m_request.options.callTimeout);
}

void Run::start()
{
    if (m_started)
        return;
    m_started = true;
    m_clock.start();
    const RunOptions& options = m_request.options;
    QJsonArray targets;
    for (const HostTarget& target : std::as_const(m_request.targets))
        targets.append(target.name);
    RunEvent started;
    started.type = RunEvent::Type::RunStarted;
    started.info = {{QStringLiteral("targets"), targets},
                    {QStringLiteral("plan"),
                     m_request.plan ? m_request.plan->toJson(m_catalog ? *m_catalog : ToolCatalog{})
                                    : QJsonObject{}},
                    {QStringLiteral("options"), options.toJson()},
                    {QStringLiteral("origin"), options.origin},
                    {QStringLiteral("pattern"), m_request.pattern},
                    {QStringLiteral("inventory"), m_request.inventory}};
    emitEvent(std::move(started));
    for (auto& host : m_hosts)
        host->setPhase(HostPhase::Pending);

    if (!m_request.plan) {
        refuse(makeError(ErrorKind::Usage, QStringLiteral("the run has nothing to do")));
        return;
    }
    if (Status serial = RunOptions::validateSerial(options.serial); !serial) {
        refuse(serial.error());
        return;
    }
    if (m_catalog && !m_catalog->isEmpty()) {
        if (Status valid = m_request.plan->validate(*m_catalog); !valid) {
            refuse(valid.error());
            return;
        }
    } else {
        qCWarning(lcRun) << "no tool descriptions: arguments are not checked before sending";
    }
    if (options.deadline.count() > 0)
        m_deadline.start(options.deadline);
    m_batches = options.batchSizes(int(m_hosts.size()));
    for (auto& host : m_hosts)
        m_later.push_back(host.get());
    m_batchIndex = -1;
    finishBatchIfDone(); // opens the first batch
    finishIfDone();
}

void Run::refuse(const Error& error)
{
    m_summary.refused = error;
    for (auto& host : m_hosts)
        host->finish(HostResult::notRun(host->target().name, HostStatus::Failed, error.kind,
                                        QStringLiteral("not run: ") + error.message));
    finishIfDone();
}

void Run::launchMore()
{
    const int forks = std::max(1, m_request.options.forks);
    while (!m_stopping && !m_queue.empty() && m_inFlight < forks) {
        Host* host = m_queue.front();
        m_queue.pop_front();
        launch(host);
    }
}

void Run::launch(Host* host)
{
    if (!m_pool) {
        host->finish(HostResult::notRun(host->target().name, HostStatus::Cancelled,
                                        ErrorKind::Cancelled, QStringLiteral("engine stopped")));
        return;
    }
    ++m_inFlight;
    m_peakInFlight = std::max(m_peakInFlight, m_inFlight);
    AgentSession* session = m_pool->acquire(host->target());
    host->begin(session, m_request.plan->programFor(host->target()));
}

void Run::hostDone(Host* host, HostResult record)
{
    if (host->isStarted())
        --m_inFlight;
    host->releaseProgram();
    m_summary.add(record);
    if (record.status == HostStatus::Failed || record.status == HostStatus::Unreachable ||
        record.status == HostStatus::TimedOut)
        ++m_batchFailed;
    const bool inBatch = host->isStarted();
    RunEvent result;
    result.type = RunEvent::Type::HostResult;
    result.host = host->target().name;
    result.record = std::move(record);
    emitEvent(std::move(result));
    host->setPhase(HostPhase::Done);
    if (inBatch && m_batchLeft > 0)
        --m_batchLeft;
    if (m_stopping) {
        finishIfDone();
        return;
    }
    finishBatchIfDone();
    launchMore();
    finishIfDone();
}

void Run::finishBatchIfDone()
{
    if (m_stopping || m_batchLeft > 0 || !m_queue.empty())
        return;
    if (m_batchIndex >= 0 && m_batchSize > 0 && !m_later.empty()) {
        const double failedPercent = 100.0 * double(m_batchFailed) / double(m_batchSize);
        const std::optional<double>& limit = m_request.options.maxFailPercentage;
        const bool overLimit =
            limit ? failedPercent > *limit
                  : (!m_request.options.serial.isEmpty() && m_batchFailed == m_batchSize);
        if (overLimit) {
            const QString why =
                limit ? QStringLiteral("rollout stopped: %1 of %2 hosts of batch %3 failed "
                                       "(%4% > max_fail_percentage %5%)")
                            .arg(m_batchFailed)
                            .arg(m_batchSize)
                            .arg(m_batchIndex + 1)
                            .arg(failedPercent, 0, 'f', 1)
                            .arg(*limit)
                      : QStringLiteral("rollout stopped: every host of batch %1 failed")
                            .arg(m_batchIndex + 1);
            m_stopping = true;
            while (!m_later.empty()) {
                Host* host = m_later.front();
                m_later.pop_front();
                host->finish(HostResult::notRun(host->target().name, HostStatus::Skipped,
                                                ErrorKind::Cancelled, why));
            }
            return;
        }
    }
    if (m_later.empty())
        return;
    ++m_batchIndex;
    m_batchSize = m_batches.value(m_batchIndex, int(m_later.size()));
    m_batchLeft = m_batchSize;
    m_batchFailed = 0;
    for (int i = 0; i < m_batchSize && !m_later.empty(); ++i) {
        m_queue.push_back(m_later.front());
        m_later.pop_front();
    }
    launchMore();
}

void Run::endQueued(HostStatus status, ErrorKind kind, const QString& message)
{
    std::deque<Host*> waiting;
    waiting.insert(waiting.end(), m_queue.begin(), m_queue.end());
    waiting.insert(waiting.end(), m_later.begin(), m_later.end());
    m_queue.clear();
    m_later.clear();
    for (Host* host : waiting)
        host->finish(HostResult::notRun(host->target().name, status, kind, message));
}

void Run::cancel()
{
    if (m_finished || !m_started)
        return;
    m_stopping = true;
    endQueued(HostStatus::Cancelled, ErrorKind::Cancelled,
              QStringLiteral("cancelled before start"));
    for (auto& host : m_hosts) {
        if (host->isStarted())
            host->stop(HostStatus::Cancelled, ErrorKind::Cancelled, QStringLiteral("cancelled"));
    }
    finishIfDone();
}

void Run::onDeadline()
{
    if (m_finished)
        return;
    const QString seconds =
        QString::number(double(m_request.options.deadline.count()) / 1000.0, 'g', 6);
    m_stopping = true;
    endQueued(HostStatus::TimedOut, ErrorKind::Timeout,
              QStringLiteral("not started: the run deadline of %1 s passed").arg(seconds));
    for (auto& host : m_hosts) {
        if (host->isStarted())
            host->stop(HostStatus::TimedOut, ErrorKind::Timeout,
                       QStringLiteral("the run deadline of %1 s passed").arg(seconds));
    }
    finishIfDone();
}

void Run::finishIfDone()
{
    if (m_finished || !m_started)
        return;
    for (const auto& host : m_hosts) {
        if (!host->isDone())
            return;
    }
    m_finished = true;
    m_deadline.stop();
    m_summary.elapsedMs = m_clock.elapsed();
    RunEvent done;
    done.type = RunEvent::Type::RunFinished;
    done.summary = m_summary;
    emitEvent(std::move(done));
    flush();
    emit finished(m_summary);
}

} // namespace hostdeck::engine
