// What AgentSession does with what the agent sends: frames decoded within limits a slice per
// event-loop turn, replies, chunks, logs, pongs, and the liveness probe.
#include "engine/agent/AgentSession.h"

#include "engine/util/RemoteText.h"
#include "engine/wire/DataCodec.h"

#include <QJsonObject>
#include <QLoggingCategory>

namespace hostdeck::engine {

Q_DECLARE_LOGGING_CATEGORY(lcSession)

namespace {
/// Bytes decoded (read, decompressed, parsed) per event-loop turn before other events get theirs.
constexpr qsizetype kWorkPerTurn = 4 * 1024 * 1024;
/// What a frame costs beyond its body (so that a flood of tiny frames yields too).
constexpr qsizetype kWorkPerFrame = 64;
constexpr qsizetype kMaxInternalReply = 1024 * 1024; ///< replies to SYNC and CONFIG
constexpr qsizetype kMaxPong = 4096;
constexpr qsizetype kMaxLogBody = 1024 * 1024;

QString mebibytes(qint64 bytes)
{
    return bytes % (1024 * 1024) == 0 ? QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024))
                                      : QStringLiteral("%1 bytes").arg(bytes);
}
} // namespace

void AgentSession::scheduleDrain()
{
    if (m_drainQueued)
        return;
    m_drainQueued = true;
    QMetaObject::invokeMethod(this, &AgentSession::drainFrames, Qt::QueuedConnection);
}

void AgentSession::drainFrames()
{
    m_drainQueued = false;
    qsizetype work = kWorkPerTurn;
    QPointer<AgentSession> self(this);
    while (m_state == State::Ready) {
        auto next = m_decoder.next(&work);
        if (!next) {
            failProtocol(next.error().message);
            return;
        }
        if (!next->has_value()) {
            if (m_decoder.hasWork())
                scheduleDrain(); // the rest on a later turn: other hosts and timers go first
            return;
        }
        work -= (*next)->body.size() + kWorkPerFrame;
        handleFrame(**next);
        if (!self)
            return;
    }
}

void AgentSession::failProtocol(const QString& problem)
{
    fail(makeError(
        ErrorKind::Protocol,
        QStringLiteral("protocol error from agent on %1: %2").arg(targetName(), problem)));
}

Result<wire::BodyPlan> AgentSession::planBody(const wire::FrameHeader& header)
{
    wire::BodyPlan plan;
    if (!wire::isAgentFrameType(header.type))
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("it sent a request (frame type %1); the controller never "
                                        "answers agent requests")
                             .arg(int(header.type)));
    switch (header.type) {
    case wire::FrameType::Pong:
        plan.maxDecoded = kMaxPong;
        return plan;
    case wire::FrameType::Log: {
        const qint64 now = m_logClock.elapsed();
        m_logTokens = qMin(kLogBurst, m_logTokens + (now - m_logRefilledMs) * kLogRate / 1000);
        m_logRefilledMs = now;
        if (m_logTokens < kMaxLogBody) {
            // Over the rate: read past the record without decoding it.
            if (m_logsDropped++ == 0 || now - m_logWarnedMs >= 10000) {
                m_logWarnedMs = now;
                qCWarning(lcSession).noquote()
                    << "agent on" << targetName() << "logs faster than" << mebibytes(kLogRate)
                    << "per second:" << m_logsDropped << "records dropped so far";
            }
            plan.skip = true;
            return plan;
        }
        plan.maxDecoded = kMaxLogBody;
        return plan;
    }
    default:
        break;
    }
    if (m_pendingSyncs.contains(header.id)) {
        plan.maxDecoded = kMaxInternalReply;
        return plan;
    }
    AgentCall* call = m_pending.value(header.id);
    if (!call) {
        plan.skip = true; // a late reply to a call that timed out or was cancelled
        return plan;
    }
    const qint64 limit =
        call->request().maxReceive == 0 ? m_options.callBytes : call->request().maxReceive;
    if (limit < 0)
        return plan;
    plan.maxDecoded = qMax<qint64>(limit - call->m_received, 0);
    // Named only when a frame goes over it: formatting the name for every frame cost a sequential
    // call about 5 % of the controller's work. The call may be gone by then (timed out).
    plan.describeCap = [this, id = header.id] {
        const AgentCall* over = m_pending.value(id);
        if (!over)
            return QStringLiteral("the limit per call");
        const qint64 cap =
            over->request().maxReceive == 0 ? m_options.callBytes : over->request().maxReceive;
        return QStringLiteral("the limit of %1 per call for %2.%3")
            .arg(mebibytes(cap), over->request().tool, over->request().method);
    };
    return plan;
}

void AgentSession::handleFrame(const wire::Frame& frame)
{
    if (frame.type == wire::FrameType::Pong)
        return; // its bytes were the sign of life
    if (frame.type == wire::FrameType::Log)
        m_logTokens -= frame.body.size();
    else if (AgentCall* call = m_pending.value(frame.id))
        call->m_received += frame.body.size();
    auto decoded = wire::decodeBody(frame.body, frame.attachments);
    if (!decoded) {
        failProtocol(decoded.error().message);
        return;
    }
    switch (frame.type) {
    case wire::FrameType::Log:
        handleLog(*decoded);
        return;
    case wire::FrameType::Chunk: {
        if (AgentCall* call = m_pending.value(frame.id)) {
            const QJsonObject o = decoded->toObject();
            emit call->chunk(sanitizeRemoteText(o.value(QStringLiteral("stream")).toString(),
                                                TextShape::SingleLine),
                             o.value(QStringLiteral("data")));
        }
        return;
    }
    case wire::FrameType::Result:
    case wire::FrameType::Error:
        handleReply(frame, *decoded);
        return;
    default:
        return;
    }
}

void AgentSession::handleLog(const QJsonValue& body)
{
    const QJsonObject o = body.toObject();
    LogRecord record;
    record.level = o.value(QStringLiteral("level")).toInt();
    record.logger =
        sanitizeRemoteText(o.value(QStringLiteral("logger")).toString(), TextShape::SingleLine);
    record.message = sanitizeRemoteText(o.value(QStringLiteral("message")).toString());
    record.file =
        sanitizeRemoteText(o.value(QStringLiteral("file")).toString(), TextShape::SingleLine);
    record.line = o.value(QStringLiteral("line")).toInt();
    record.time = o.value(QStringLiteral("time")).toDouble();
    emit logReceived(record);
}

CallError AgentSession::remoteError(const QJsonValue& body) const
{
    const QJsonObject o = body.toObject();
    CallError error;
    error.type =
        sanitizeRemoteText(o.value(QStringLiteral("type")).toString(), TextShape::SingleLine);
    error.kind =
        error.type == QStringLiteral("Cancelled") ? ErrorKind::Cancelled : ErrorKind::Remote;
    error.message = sanitizeRemoteText(o.value(QStringLiteral("message")).toString());
    for (const QJsonValue& entry : o.value(QStringLiteral("traceback")).toArray()) {
        QJsonObject frame = entry.toObject();
        for (const QString& key :
             {QStringLiteral("file"), QStringLiteral("function"), QStringLiteral("code")})
            frame.insert(key,
                         sanitizeRemoteText(frame.value(key).toString(), TextShape::SingleLine));
        error.traceback.append(frame);
    }
    error.details = o.value(QStringLiteral("details")).toObject();
    return error;
}

void AgentSession::handleReply(const wire::Frame& frame, const QJsonValue& body)
{
    if (m_pendingSyncs.contains(frame.id)) {
        const QString module = m_pendingSyncs.take(frame.id);
        if (frame.type != wire::FrameType::Error)
            return;
        CallError failure = remoteError(body);
        failure.kind = ErrorKind::Remote;
        failure.message =
            module.isEmpty()
                ? QStringLiteral("agent refused its configuration: %1").arg(failure.message)
                : QStringLiteral("tool module '%1' failed to load on %2: %3")
                      .arg(module, targetName(), failure.message);
        qCWarning(lcSession).noquote() << failure.message;
        if (!module.isEmpty())
            m_syncFailures.insert(module, failure);
        return;
    }
    AgentCall* call = m_pending.value(frame.id);
    if (!call)
        return; // late reply to a call that was cancelled or timed out
    CallResult result;
    if (frame.type == wire::FrameType::Result) {
        result.ok = true;
        result.value = body;
    } else {
        result.error = remoteError(body);
        // A call into a module that failed to load: say why it failed (with its traceback)
        // rather than that the agent does not know the tool.
        if (result.error.type == QStringLiteral("UnknownTool")) {
            if (const CallError* failure = syncFailureFor(call->request()))
                result.error = *failure;
        }
    }
    complete(frame.id, std::move(result));
}

void AgentSession::sendPing()
{
    if (m_state != State::Ready)
        return;
    // Ids of pings come from the request counter, so they never collide with a call's.
    m_pingId = m_nextId++;
    writeRaw(wire::encodeFrame(wire::FrameType::Ping, m_pingId, QByteArrayLiteral("{}")));
}

void AgentSession::onSilent()
{
    if (m_state != State::Ready)
        return;
    const double seconds = double(m_options.liveness.count()) / 1000.0;
    qCWarning(lcSession).noquote() << "no answer from" << targetName() << "for" << seconds << "s";
    fail(makeError(ErrorKind::NoAnswer,
                   QStringLiteral("no answer from %1 for %2 s").arg(targetName()).arg(seconds)),
         true);
}

} // namespace hostdeck::engine
