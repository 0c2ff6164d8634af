#pragma once

#include "agent/AgentCall.h"
#include "agent/Bootstrap.h"
#include "agent/Handshake.h"
#include "agent/ToolRegistry.h"
#include "transport/Transport.h"
#include "util/SecretBuffer.h"
#include "wire/FrameCodec.h"

#include <QHash>
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
/// finished() — a result, a remote error, a timeout, a cancellation or a connection loss.
class AgentSession final : public QObject
{
    Q_OBJECT
public:
    /// Asked for the sudo password when sudo prompts; answer with the secret or nullopt.
    using SecretRequest = std::function<void(std::function<void(std::optional<SecretBuffer>)>)>;

    struct Options
    {
        Bootstrap::Options bootstrap;
        std::chrono::milliseconds readyTimeout{30000};
        qsizetype maxFrame = wire::kDefaultMaxFrame;
        qsizetype compressMin = 0;  ///< 0 = never compress (local); 4096 over SSH
        int logLevel = 30;          ///< forward records at or above this level
        SecretRequest sudoPassword; ///< for become; empty = NOPASSWD expected
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
    void onStarted();
    void onData(const QByteArray& data);
    void onStderr(const QByteArray& data);
    void onTransportFailed(const Error& error);
    void onTransportFinished(const TransportExit& exit);
    void onReadyTimeout();
    void onHandshakeStep(const Handshake::Step& step);
    void drainFrames();
    void handleFrame(const wire::Frame& frame);
    void sendFrame(wire::FrameType type, quint64 id, const QJsonValue& body);
    void writeRaw(const QByteArray& bytes);
    void releaseHeldWrites();
    bool ensureSynced(const QString& module, QString* problem);
    void completeLater(AgentCall* call, CallResult result);
    void complete(quint64 id, CallResult result);
    void failAll(const Error& reason);
    void fail(const Error& reason);
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
    quint64 m_nextId = 1;
    QHash<quint64, AgentCall*> m_pending;
    QHash<quint64, QString> m_pendingSyncs;
    QSet<QString> m_synced;
    QHash<QString, QString> m_syncFailures;
    bool m_holdWrites = false;
    QByteArray m_held;
    QByteArray m_preStart;
    QByteArray m_stderr;
    int m_sudoPrompts = 0;
    QString m_pythonVersion;
    qint64 m_agentPid = 0;
    Error m_closeReason;
};

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::LogRecord)
