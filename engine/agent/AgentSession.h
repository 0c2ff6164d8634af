#pragma once

#include "engine/agent/AgentCall.h"
#include "engine/agent/BecomeWatch.h"
#include "engine/agent/Bootstrap.h"
#include "engine/agent/Handshake.h"
#include "engine/agent/LivenessMonitor.h"
#include "engine/agent/ToolRegistry.h"
#include "engine/transport/Transport.h"
#include "engine/util/SecretBuffer.h"
#include "engine/wire/FrameCodec.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace hostdeck::engine {

/// A log record forwarded by the agent (PROTOCOL.md LOG).
struct LogRecord
{
    int level = 0;
    QString logger;
    QString message;
    QString file;
    int line = 0;
    double time = 0;
};

/// One agent on one target: bootstraps the interpreter through a Transport, then multiplexes
/// concurrent calls over the framed protocol. Never blocks; every call ends in exactly one
/// finished() — a result, a remote error, a timeout, a cancellation, a connection loss or no
/// answer within the liveness bound. What the host sends is decoded within limits (frame size,
/// JSON depth and elements, bytes per call) a slice per event-loop turn, so one host can neither
/// exhaust the controller's memory nor hold up other sessions; text it sends that ends up in a
/// message (handshake noise, stderr, errors, logs) has its control characters escaped.
class AgentSession final : public QObject
{
    Q_OBJECT
public:
    /// Asked for the become password when sudo or su prompts; answer with the secret or nullopt.
    using SecretRequest = std::function<void(std::function<void(std::optional<SecretBuffer>)>)>;

    struct Options
    {
        Bootstrap::Options bootstrap;
        std::chrono::milliseconds readyTimeout{30000};
        /// Longest silence from a ready agent before its session is given up (NoAnswer): the
        /// session pings after a third of it. 0 = off.
        std::chrono::milliseconds liveness{30000};
        qsizetype maxFrame = wire::kDefaultMaxFrame;
        int maxDepth = wire::kDefaultMaxDepth;             ///< JSON nesting per body
        qsizetype maxElements = wire::kDefaultMaxElements; ///< JSON values and keys per body
        /// Decoded bytes a host may send for one call (CallRequest::maxReceive overrides).
        qint64 callBytes = qint64(128) * 1024 * 1024;
        qsizetype compressMin = 0;    ///< 0 = never compress (local); 4096 over SSH
        int logLevel = 30;            ///< forward records at or above this level
        SecretRequest becomePassword; ///< for become; empty = no password expected
        /// Told when sudo or su refused the password becomePassword gave (ask anew next time).
        std::function<void()> becomePasswordRejected;
        /// Variables for every process the tools start (the host's `environment`; CONFIG env).
        QJsonObject environment;
    };

    enum class State
    {
        NotStarted,
        Starting,
        Ready,
        Closed
    };

    AgentSession(std::unique_ptr<Transport> transport, std::shared_ptr<const ToolRegistry> tools,
                 Options options, QObject* parent = nullptr);
    ~AgentSession() override;

    void start();
    /// Calls made before READY are queued. The returned object is never null.
    AgentCall* call(CallRequest request);
    /// A call refused on the controller: it finishes (queued) with `error` and sends nothing.
    AgentCall* reject(CallRequest request, CallError error);
    /// Fail the call with `cancelled` and tell the agent.
    void cancelCall(quint64 id);
    /// Close stdin; the agent exits and pending calls fail with "session closed".
    void close();
    /// Kill the transport now (tests, hard cancel).
    void abort();
    /// Ask the agent to forward log records at or above `level`.
    void setLogLevel(int level);

    State state() const { return m_state; }
    QString targetName() const;
    QString pythonVersion() const { return m_pythonVersion; }
    qint64 agentPid() const { return m_agentPid; }
    const Error& closeReason() const { return m_closeReason; }
    int pendingCount() const { return int(m_pending.size()); }

signals:
    void ready();
    void closed(const hostdeck::engine::Error& reason);
    void logReceived(const hostdeck::engine::LogRecord& record);

private:
    static constexpr qint64 kLogBurst = qint64(4) * 1024 * 1024; ///< LOG bytes at once
    static constexpr qint64 kLogRate = qint64(1) * 1024 * 1024;  ///< LOG bytes per second

    void onStarted();
    void onData(const QByteArray& data);
    void onStderr(const QByteArray& data);
    void onBecomeStep(const BecomeWatch::Step& step);
    void answerBecomePrompt(const QString& prompt);
    QString becomeName() const;
    void onTransportFailed(const Error& error);
    void onTransportFinished(const TransportExit& exit);
    void onOutputClosed();
    void onOutputGraceOver();
    void onSilent();
    void sendPing();
    void onReadyTimeout();
    void onHandshakeStep(const Handshake::Step& step);
    void drainFrames();
    void scheduleDrain();
    Result<wire::BodyPlan> planBody(const wire::FrameHeader& header);
    void handleFrame(const wire::Frame& frame);
    void handleLog(const QJsonValue& body);
    void handleReply(const wire::Frame& frame, const QJsonValue& body);
    CallError remoteError(const QJsonValue& body) const;
    void failProtocol(const QString& problem);
    void sendFrame(wire::FrameType type, quint64 id, const QJsonValue& body);
    void writeRaw(const QByteArray& bytes);
    void releaseHeldWrites();
    /// Sends the SYNCs `module` needs; the failure of one that did not load, if any.
    const CallError* ensureSynced(const QString& module);
    const CallError* syncFailureFor(const CallRequest& request) const;
    void completeLater(AgentCall* call, CallResult result);
    void complete(quint64 id, CallResult result);
    void failAll(const Error& reason);
    void fail(const Error& reason, bool unresponsive = false);
    void onTimeout(quint64 id);
    QString interpreterName() const;
    QString stderrExcerpt() const;
    static CallResult errorResult(ErrorKind kind, QString message, QString type = {});

    std::unique_ptr<Transport> m_transport;
    std::shared_ptr<const ToolRegistry> m_tools;
    Options m_options;
    State m_state = State::NotStarted;
    Handshake m_handshake;
    wire::FrameDecoder m_decoder;
    QTimer m_readyTimer;
    QTimer m_outputGrace; ///< after stdout closed: wait briefly for the exit status
    LivenessMonitor m_liveness;
    bool m_drainQueued = false;
    quint64 m_pingId = 0;
    qint64 m_logTokens = 0; ///< bytes of LOG bodies the host may still send now
    QElapsedTimer m_logClock;
    qint64 m_logRefilledMs = 0;
    qint64 m_logWarnedMs = 0;
    qint64 m_logsDropped = 0;
    quint64 m_nextId = 1;
    QHash<quint64, AgentCall*> m_pending;
    QHash<quint64, QString> m_pendingSyncs;
    QSet<QString> m_synced;
    QHash<QString, CallError> m_syncFailures; ///< module -> why it failed to load
    bool m_holdWrites = false;
    QByteArray m_held;
    QByteArray m_preStart;
    QByteArray m_stderr;
    BecomeWatch m_become;
    bool m_becomeAnswered = false; ///< a password went to sudo / su
    QString m_pythonVersion;
    qint64 m_agentPid = 0;
    Error m_closeReason;
};

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::LogRecord)
