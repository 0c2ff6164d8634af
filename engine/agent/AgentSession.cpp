#include "engine/agent/AgentSession.h"

#include "engine/agent/Bytecode.h"
#include "engine/util/Lzma.h"
#include "engine/util/RemoteText.h"
#include "engine/wire/DataCodec.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>

namespace hostdeck::engine {

Q_LOGGING_CATEGORY(lcSession, "hostdeck.engine.session")

namespace {
constexpr qsizetype kStderrKeep = 4096;
/// After the agent's stdout closed: how long to wait for its exit status before calling the
/// connection lost anyway (the process may close its output and go on running).
constexpr int kOutputGraceMs = 200;
const QString kAgentTool = QStringLiteral("_agent");

/// SYNC bodies prepared once per module source and variant: a fan-out to N hosts would otherwise
/// xz the same sources N times. Shared by sessions on any thread. With bytecode built for the
/// module, the body carries the xz'd source and the code as attachments (PROTOCOL.md §3, SYNC).
wire::PreparedBody preparedSync(const ToolModule& module, qsizetype compressMin, bool bytecode)
{
    static QMutex mutex;
    static QHash<QString, wire::PreparedBody> cache;
    const QString key = QStringLiteral("%1/%2/%3/%4/%5")
                            .arg(module.name)
                            .arg(qHash(module.source))
                            .arg(module.source.size())
                            .arg(compressMin)
                            .arg(bytecode);
    QMutexLocker lock(&mutex);
    auto it = cache.constFind(key);
    if (it != cache.constEnd())
        return it.value();
    const QByteArray code =
        bytecode && !module.custom
            ? Bytecode::forSource(QStringLiteral("tools/") + module.name, module.source)
            : QByteArray();
    if (!code.isEmpty()) {
        const wire::EncodedBody body = wire::encodeBody(
            QJsonObject{{QStringLiteral("module"), module.name},
                        {QStringLiteral("packed"), QJsonObject{{QStringLiteral("$bin"), 0}}},
                        {QStringLiteral("code"), QJsonObject{{QStringLiteral("$bin"), 1}}}},
            {Bytecode::packedSource(QStringLiteral("tools/") + module.name, module.source), code});
        return cache.insert(key, wire::prepareBody(body.bytes, 0, body.attachments)).value();
    }
    const QJsonObject body{{QStringLiteral("module"), module.name},
                           {QStringLiteral("source"), QString::fromUtf8(module.source)}};
    return cache.insert(key, wire::prepareBody(wire::encodeValue(body), compressMin)).value();
}

/// What a host printed, as it may appear in a message: bounded, control characters escaped.
QString excerpt(const QString& text)
{
    const QString trimmed = text.trimmed();
    return sanitizeRemoteText(trimmed.size() > 600 ? trimmed.left(600) + QStringLiteral("…")
                                                   : trimmed);
}
} // namespace

AgentSession::AgentSession(std::unique_ptr<Transport> transport,
                           std::shared_ptr<const ToolRegistry> tools, Options options,
                           QObject* parent)
    : QObject(parent), m_transport(std::move(transport)), m_tools(std::move(tools)),
      m_options(std::move(options)),
      m_decoder(wire::DecodeLimits{m_options.maxFrame, m_options.maxDepth, m_options.maxElements}),
      m_liveness([this] { sendPing(); }, [this] { onSilent(); })
{
    qRegisterMetaType<CallResult>();
    qRegisterMetaType<LogRecord>();
    m_decoder.setPolicy([this](const wire::FrameHeader& header) { return planBody(header); });
    m_become = BecomeWatch(m_options.bootstrap.becomeMethod);
    m_readyTimer.setSingleShot(true);
    connect(&m_readyTimer, &QTimer::timeout, this, &AgentSession::onReadyTimeout);
    m_outputGrace.setSingleShot(true);
    m_outputGrace.setInterval(kOutputGraceMs);
    connect(&m_outputGrace, &QTimer::timeout, this, &AgentSession::onOutputGraceOver);
    connect(m_transport.get(), &Transport::started, this, &AgentSession::onStarted);
    connect(m_transport.get(), &Transport::dataReceived, this, &AgentSession::onData);
    connect(m_transport.get(), &Transport::stderrReceived, this, &AgentSession::onStderr);
    connect(m_transport.get(), &Transport::outputClosed, this, &AgentSession::onOutputClosed);
    connect(m_transport.get(), &Transport::failed, this, &AgentSession::onTransportFailed);
    connect(m_transport.get(), &Transport::finished, this, &AgentSession::onTransportFinished);
}

AgentSession::~AgentSession()
{
    m_transport->disconnect(this);
    const auto pending = std::exchange(m_pending, {});
    for (AgentCall* call : pending)
        call->finish(errorResult(ErrorKind::ConnectionLost,
                                 QStringLiteral("connection lost: session destroyed")));
}

QString AgentSession::targetName() const
{
    return m_transport->targetName();
}

QString AgentSession::interpreterName() const
{
    return m_options.bootstrap.interpreter.join(QLatin1Char(' '));
}

QString AgentSession::stderrExcerpt() const
{
    return excerpt(QString::fromUtf8(m_stderr));
}

CallResult AgentSession::errorResult(ErrorKind kind, QString message, QString type)
{
    CallResult result;
    result.error.kind = kind;
    result.error.message = std::move(message);
    result.error.type = std::move(type);
    return result;
}

void AgentSession::start()
{
    if (m_state != State::NotStarted)
        return;
    m_state = State::Starting;
    if (const QString problem = Bootstrap::problem(m_options.bootstrap); !problem.isEmpty()) {
        fail(makeError(
            ErrorKind::InvalidArgument,
            QStringLiteral("cannot start an agent on %1: %2").arg(targetName(), problem)));
        return;
    }
    m_holdWrites = m_options.bootstrap.become;
    m_readyTimer.start(m_options.readyTimeout);
    m_transport->start(Bootstrap::command(m_options.bootstrap));
    // Pipeline: payload, BOOT and CONFIG go out now; the loader reads exactly the payload, the
    // boot stage says READY and reads BOOT, and the agent reads the frames after it. Under sudo,
    // writes wait for the loader's marker.
    writeRaw(Bootstrap::payload());
    writeRaw(Bootstrap::bootFrame(m_options.bootstrap.bytecode));
    QJsonObject config{{QStringLiteral("log_level"), m_options.logLevel},
                       {QStringLiteral("compress_min"), qint64(m_options.compressMin)},
                       {QStringLiteral("max_frame"), qint64(m_options.maxFrame)}};
    if (!m_options.environment.isEmpty())
        config.insert(QStringLiteral("env"), m_options.environment);
    const quint64 id = m_nextId++;
    m_pendingSyncs.insert(id, QString()); // internal request: reply checked, not surfaced
    sendFrame(wire::FrameType::Config, id, config);
    if (!m_preStart.isEmpty())
        writeRaw(std::exchange(m_preStart, {}));
}

void AgentSession::onStarted()
{
    qCDebug(lcSession) << "interpreter started on" << targetName();
}

void AgentSession::writeRaw(const QByteArray& bytes)
{
    if (m_state == State::NotStarted)
        m_preStart.append(bytes); // calls made before start(): sent after the payload and CONFIG
    else if (m_holdWrites)
        m_held.append(bytes);
    else
        m_transport->write(bytes);
}

void AgentSession::releaseHeldWrites()
{
    if (!m_holdWrites)
        return;
    m_holdWrites = false;
    m_transport->write(std::exchange(m_held, {}));
}

void AgentSession::sendFrame(wire::FrameType type, quint64 id, const QJsonValue& body)
{
    const wire::EncodedBody encoded = wire::encodeBody(body);
    writeRaw(
        wire::encodeFrame(type, id, encoded.bytes, m_options.compressMin, encoded.attachments));
}

void AgentSession::setLogLevel(int level)
{
    m_options.logLevel = level;
    if (m_state == State::Closed)
        return;
    const quint64 id = m_nextId++;
    m_pendingSyncs.insert(id, QString());
    sendFrame(wire::FrameType::Config, id, QJsonObject{{QStringLiteral("log_level"), level}});
}

const CallError* AgentSession::ensureSynced(const QString& module)
{
    for (const QString& name : m_tools->syncOrder(module)) {
        const auto failed = m_syncFailures.constFind(name);
        if (failed != m_syncFailures.constEnd())
            return &failed.value();
        if (m_synced.contains(name))
            continue;
        const ToolModule* mod = m_tools->module(name);
        if (!mod)
            continue;
        m_synced.insert(name);
        const quint64 id = m_nextId++;
        m_pendingSyncs.insert(id, name);
        writeRaw(wire::encodePrepared(
            wire::FrameType::Sync, id,
            preparedSync(*mod, m_options.compressMin, m_options.bootstrap.bytecode)));
    }
    return nullptr;
}

const CallError* AgentSession::syncFailureFor(const CallRequest& request) const
{
    const auto module = m_tools->moduleForTool(request.tool);
    if (!module)
        return nullptr;
    for (const QString& name : m_tools->syncOrder(*module)) {
        const auto failed = m_syncFailures.constFind(name);
        if (failed != m_syncFailures.constEnd())
            return &failed.value();
    }
    return nullptr;
}

AgentCall* AgentSession::call(CallRequest request)
{
    auto* call = new AgentCall(this, m_nextId++, std::move(request));
    const CallRequest& req = call->request();
    if (m_state == State::Closed) {
        completeLater(call, errorResult(m_closeReason.kind, m_closeReason.message));
        return call;
    }
    // Extra modules (describe) go out whatever became of them: the call reports each one's
    // state itself, so one broken module does not fail the description of the others.
    for (const QString& module : req.syncModules)
        ensureSynced(module);
    if (req.tool != kAgentTool) {
        const auto module = m_tools->moduleForTool(req.tool);
        if (!module) {
            completeLater(
                call,
                errorResult(ErrorKind::Usage,
                            QStringLiteral("unknown tool '%1' (known tools: %2)")
                                .arg(req.tool, m_tools->toolNames().join(QStringLiteral(", ")))));
            return call;
        }
        if (const CallError* failure = ensureSynced(*module)) {
            CallResult result;
            result.error = *failure;
            completeLater(call, std::move(result));
            return call;
        }
    }
    if (!req.render.isEmpty()) {
        // A templated call (PROTOCOL.md §3): the agent renders with the _expr helper.
        if (const CallError* failure = ensureSynced(QStringLiteral("_expr"))) {
            CallResult result;
            result.error = *failure;
            completeLater(call, std::move(result));
            return call;
        }
    }
    m_pending.insert(call->id(), call);
    const wire::EncodedBody body =
        req.render.isEmpty()
            ? wire::encodeCall(req.tool, req.method, req.args, req.check, req.attachments)
            : wire::encodeBody(QJsonObject{{QStringLiteral("tool"), req.tool},
                                           {QStringLiteral("method"), req.method},
                                           {QStringLiteral("args"), req.args},
                                           {QStringLiteral("check"), req.check},
                                           {QStringLiteral("render"), req.render}},
                               req.attachments);
    writeRaw(wire::encodeFrame(wire::FrameType::Call, call->id(), body.bytes, m_options.compressMin,
                               body.attachments));
    if (req.timeout.count() > 0) {
        const quint64 id = call->id();
        QTimer::singleShot(req.timeout, call, [this, id] { onTimeout(id); });
    }
    return call;
}

AgentCall* AgentSession::reject(CallRequest request, CallError error)
{
    auto* call = new AgentCall(this, m_nextId++, std::move(request));
    CallResult result;
    result.error = std::move(error);
    completeLater(call, std::move(result));
    return call;
}

void AgentSession::onTimeout(quint64 id)
{
    AgentCall* call = m_pending.value(id);
    if (!call)
        return;
    if (m_state != State::Closed)
        sendFrame(wire::FrameType::Cancel, id, QJsonObject{});
    complete(id, errorResult(ErrorKind::Timeout,
                             QStringLiteral("%1.%2 on %3 timed out after %4 s")
                                 .arg(call->request().tool, call->request().method, targetName())
                                 .arg(double(call->request().timeout.count()) / 1000.0)));
}

void AgentSession::cancelCall(quint64 id)
{
    if (!m_pending.contains(id))
        return;
    if (m_state != State::Closed)
        sendFrame(wire::FrameType::Cancel, id, QJsonObject{});
    complete(id, errorResult(ErrorKind::Cancelled, QStringLiteral("cancelled"),
                             QStringLiteral("Cancelled")));
}

void AgentSession::completeLater(AgentCall* call, CallResult result)
{
    QMetaObject::invokeMethod(
        call, [call, result = std::move(result)]() mutable { call->finish(std::move(result)); },
        Qt::QueuedConnection);
}

void AgentSession::complete(quint64 id, CallResult result)
{
    AgentCall* call = m_pending.take(id);
    if (call)
        call->finish(std::move(result));
}

void AgentSession::onData(const QByteArray& data)
{
    m_liveness.heard();
    if (m_state == State::Starting) {
        onHandshakeStep(m_handshake.feed(data));
        return;
    }
    if (m_state != State::Ready)
        return;
    m_decoder.append(data);
    if (!m_drainQueued)
        drainFrames(); // else the queued drain reads it, in order
}

void AgentSession::onHandshakeStep(const Handshake::Step& step)
{
    using Outcome = Handshake::Outcome;
    switch (step.outcome) {
    case Outcome::NeedMore:
        return;
    case Outcome::LoaderWaiting:
        releaseHeldWrites();
        return;
    case Outcome::Ready:
        m_readyTimer.stop();
        releaseHeldWrites();
        m_state = State::Ready;
        m_pythonVersion = step.pythonVersion;
        m_agentPid = step.pid;
        m_logTokens = kLogBurst;
        m_logClock.start();
        m_liveness.start(m_options.liveness);
        emit ready();
        if (!step.rest.isEmpty() && m_state == State::Ready) {
            m_decoder.append(step.rest);
            drainFrames();
        }
        return;
    case Outcome::TooOld:
        fail(makeError(
            ErrorKind::Bootstrap,
            QStringLiteral("Python %1 at '%2' on %3 is too old: Hostdeck needs Python >= 3.8")
                .arg(step.pythonVersion, interpreterName(), targetName())));
        return;
    case Outcome::Garbage:
        fail(makeError(
            ErrorKind::Protocol,
            QStringLiteral("garbage instead of READY from '%1' on %2: \"%3\"")
                .arg(interpreterName(), targetName(), excerpt(m_handshake.noiseExcerpt()))));
        return;
    case Outcome::BadReady:
        fail(makeError(ErrorKind::Protocol,
                       QStringLiteral("bad handshake from '%1' on %2: %3")
                           .arg(interpreterName(), targetName(), step.problem)));
        return;
    }
}

void AgentSession::onStderr(const QByteArray& data)
{
    m_liveness.heard();
    if (m_stderr.size() < kStderrKeep)
        m_stderr.append(data.left(kStderrKeep - m_stderr.size()));
    if (m_state == State::Starting && m_options.bootstrap.become)
        onBecomeStep(m_become.feed(data));
}

QString AgentSession::becomeName() const
{
    const QString user = m_options.bootstrap.becomeUser.isEmpty() ? QStringLiteral("root")
                                                                  : m_options.bootstrap.becomeUser;
    return m_options.bootstrap.becomeMethod == BecomeMethod::Su
               ? QStringLiteral("su to %1").arg(user)
               : QStringLiteral("sudo");
}

void AgentSession::onBecomeStep(const BecomeWatch::Step& step)
{
    using Outcome = BecomeWatch::Outcome;
    const bool su = m_options.bootstrap.becomeMethod == BecomeMethod::Su;
    const auto rejected = [this] {
        if (m_becomeAnswered && m_options.becomePasswordRejected)
            m_options.becomePasswordRejected();
    };
    switch (step.outcome) {
    case Outcome::NeedMore:
        return;
    case Outcome::Prompt:
        answerBecomePrompt(step.text);
        return;
    case Outcome::AskedAgain:
        rejected();
        if (su)
            fail(makeError(ErrorKind::Become,
                           QStringLiteral("%1 on %2 asked again after the password (\"%3\"): "
                                          "only one password can be given")
                               .arg(becomeName(), targetName(), excerpt(step.text))));
        else
            fail(makeError(ErrorKind::Become,
                           QStringLiteral("wrong sudo password on %1").arg(targetName())));
        return;
    case Outcome::Refused:
        fail(makeError(
            ErrorKind::Become,
            QStringLiteral("sudo refused on %1: %2").arg(targetName(), excerpt(step.text))));
        return;
    case Outcome::Failed: {
        rejected();
        QString message = QStringLiteral("%1 on %2 failed").arg(becomeName(), targetName());
        message += step.text.isEmpty() ? QStringLiteral(" (exit %1)").arg(step.exitCode)
                                       : QStringLiteral(": \"%1\"").arg(excerpt(step.text));
        if (m_becomeAnswered)
            message += QStringLiteral(" (after the password was given)");
        fail(makeError(ErrorKind::Become, message));
        return;
    }
    }
}

void AgentSession::answerBecomePrompt(const QString& prompt)
{
    Q_UNUSED(prompt); // su's or sudo's wording: the request says what is asked for
    const QString what = becomeName();
    if (!m_options.becomePassword) {
        fail(makeError(ErrorKind::Become,
                       QStringLiteral("%1 on %2 asks for a password and none is configured")
                           .arg(what, targetName())));
        return;
    }
    QPointer<AgentSession> self(this);
    m_options.becomePassword([self, what](std::optional<SecretBuffer> secret) {
        if (!self || self->m_state != State::Starting)
            return;
        if (!secret) {
            self->fail(makeError(
                ErrorKind::Become,
                QStringLiteral("%1 on %2 asks for a password and none is configured (store "
                               "one: hostdeck-cli secret set -i INVENTORY HOST sudo-password)")
                    .arg(what, self->targetName())));
            return;
        }
        QByteArray line(secret->data(), secret->size());
        line.append('\n');
        self->m_becomeAnswered = true;
        self->m_transport->write(line); // straight to sudo's / the su stage's stdin, never held
        SecretBuffer::wipe(line);
    });
}

void AgentSession::onTransportFailed(const Error& error)
{
    if (m_state == State::Starting && error.kind == ErrorKind::NotFound) {
        fail(makeError(ErrorKind::Bootstrap,
                       QStringLiteral("python interpreter '%1' not found on %2 (%3)")
                           .arg(interpreterName(), targetName(), error.message)));
        return;
    }
    if (m_state == State::Ready && error.kind == ErrorKind::Cancelled) {
        // The connection under a live session was closed by someone else (another session on
        // it found the host silent, or the connection was shut down): for this session that is
        // a lost connection, not a cancellation by the user.
        fail(makeError(ErrorKind::ConnectionLost,
                       QStringLiteral("connection lost: %1").arg(error.message)));
        return;
    }
    fail(error);
}

void AgentSession::onTransportFinished(const TransportExit& exit)
{
    if (m_state == State::Closed)
        return;
    if (m_state == State::Starting) {
        QString message;
        if (exit.exitCode == 127 || m_stderr.contains("command not found") ||
            m_stderr.contains("No such file"))
            message = QStringLiteral("python interpreter '%1' not found on %2")
                          .arg(interpreterName(), targetName());
        else
            message = QStringLiteral("interpreter '%1' on %2 %3 before READY")
                          .arg(interpreterName(), targetName(), exit.description);
        const QString output =
            excerpt(m_handshake.noiseExcerpt() + QLatin1Char('\n') + QString::fromUtf8(m_stderr));
        if (!output.isEmpty())
            message += QStringLiteral(": \"%1\"").arg(output);
        fail(makeError(ErrorKind::Bootstrap, message));
        return;
    }
    QString message =
        QStringLiteral("connection lost: agent on %1 %2").arg(targetName(), exit.description);
    if (!m_stderr.isEmpty())
        message += QStringLiteral(" (stderr: %1)").arg(stderrExcerpt());
    fail(makeError(ErrorKind::ConnectionLost, message));
}

void AgentSession::onOutputClosed()
{
    if (m_state == State::Closed || m_outputGrace.isActive())
        return;
    m_outputGrace.start(); // the exit status usually follows at once: report that if it does
}

void AgentSession::onOutputGraceOver()
{
    if (m_state == State::Closed)
        return;
    if (m_state == State::Starting) {
        QString message = QStringLiteral("interpreter '%1' on %2 closed its output before READY")
                              .arg(interpreterName(), targetName());
        const QString output =
            excerpt(m_handshake.noiseExcerpt() + QLatin1Char('\n') + QString::fromUtf8(m_stderr));
        if (!output.isEmpty())
            message += QStringLiteral(": \"%1\"").arg(output);
        fail(makeError(ErrorKind::Bootstrap, message));
        return;
    }
    fail(makeError(
        ErrorKind::ConnectionLost,
        QStringLiteral("connection lost: agent on %1 closed its output").arg(targetName())));
}

void AgentSession::onReadyTimeout()
{
    if (m_state != State::Starting)
        return;
    const double seconds = double(m_options.readyTimeout.count()) / 1000.0;
    if (m_handshake.noiseBytes() > 0)
        fail(
            makeError(ErrorKind::Protocol,
                      QStringLiteral("garbage instead of READY from '%1' on %2 within %3 s: \"%4\"")
                          .arg(interpreterName(), targetName())
                          .arg(seconds)
                          .arg(excerpt(m_handshake.noiseExcerpt()))));
    else
        fail(makeError(ErrorKind::Bootstrap, QStringLiteral("no READY from '%1' on %2 within %3 s")
                                                 .arg(interpreterName(), targetName())
                                                 .arg(seconds)));
}

void AgentSession::close()
{
    if (m_state == State::Closed)
        return;
    if (m_state == State::NotStarted) {
        fail(makeError(ErrorKind::Closed, QStringLiteral("session closed")));
        return;
    }
    m_transport->closeWrite();
    fail(makeError(ErrorKind::Closed, QStringLiteral("session closed")));
}

void AgentSession::abort()
{
    if (m_state == State::Closed)
        return;
    fail(makeError(ErrorKind::ConnectionLost, QStringLiteral("connection lost: session aborted")));
}

void AgentSession::fail(const Error& reason, bool unresponsive)
{
    if (m_state == State::Closed)
        return;
    const bool graceful = reason.kind == ErrorKind::Closed; // stdin closed: let the agent exit
    m_state = State::Closed;
    m_closeReason = reason;
    m_readyTimer.stop();
    m_outputGrace.stop();
    m_liveness.stop();
    m_decoder = wire::FrameDecoder(); // what the host sent and nobody will read
    if (unresponsive)
        m_transport->abortUnresponsive();
    else if (!graceful)
        m_transport->abort();
    failAll(reason);
    emit closed(reason);
}

void AgentSession::failAll(const Error& reason)
{
    m_pendingSyncs.clear();
    const auto pending = std::exchange(m_pending, {});
    for (AgentCall* call : pending)
        call->finish(errorResult(reason.kind, reason.message));
}

} // namespace hostdeck::engine
