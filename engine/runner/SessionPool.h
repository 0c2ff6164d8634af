#pragma once

#include "agent/AgentSession.h"
#include "runner/HostTarget.h"
#include "runner/TransportFactory.h"

#include <QObject>
#include <QTimer>
#include <map>

#include <chrono>
#include <functional>
#include <memory>

namespace hostdeck::engine {

/// One persistent agent per host, reused across runs. A session that failed or closed is dropped
/// and a new one is started on next use; sessions idle longer than `idleTimeout` are closed.
/// Lives on the engine thread.
class SessionPool final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds idleTimeout{std::chrono::minutes(10)};
        std::chrono::milliseconds readyTimeout{std::chrono::seconds(30)};
        /// AgentSession::Options::liveness of every session (0 = off).
        std::chrono::milliseconds liveness{std::chrono::seconds(30)};
        int logLevel = 30;
        AgentSession::SecretRequest sudoPassword; ///< may be empty
        /// Per-host sudo password source (e.g. the keychain); when set it wins over sudoPassword.
        std::function<AgentSession::SecretRequest(const HostTarget&)> sudoPasswordFor;
    };

    SessionPool(std::unique_ptr<TransportFactory> factory,
                std::shared_ptr<const ToolRegistry> tools, Options options,
                QObject* parent = nullptr);
    ~SessionPool() override;

    /// The live session for `target`, starting one if needed. Never null.
    AgentSession* acquire(const HostTarget& target);
    /// Close and forget every session.
    void closeAll();
    int size() const { return int(m_sessions.size()); }
    std::shared_ptr<const ToolRegistry> tools() const { return m_tools; }
    void setTools(std::shared_ptr<const ToolRegistry> tools);

signals:
    /// A session's agent forwarded a log record.
    void logReceived(const QString& host, const hostdeck::engine::LogRecord& record);
    /// A session became ready or closed (for per-host state in the UI).
    void hostStateChanged(const QString& host, bool connected, const QString& message);

private:
    struct Entry
    {
        std::unique_ptr<AgentSession> session;
        QString host;
        qint64 lastUsedMs = 0;
    };
    void sweepIdle();

    std::unique_ptr<TransportFactory> m_factory;
    std::shared_ptr<const ToolRegistry> m_tools;
    Options m_options;
    std::map<QString, Entry> m_sessions; ///< by HostTarget::sessionKey()
    QTimer m_idleTimer;
};

} // namespace hostdeck::engine
