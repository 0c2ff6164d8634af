#pragma once

#include "engine/agent/AgentSession.h"
#include "engine/runner/HostTarget.h"
#include "engine/runner/TransportFactory.h"

#include <QObject>
#include <QTimer>

#include <chrono>
#include <map>
#include <memory>

namespace hostdeck::engine {

class CredentialProvider;

/// What the pool tells about a host's connection.
enum class HostLinkState
{
    Connected, ///< an agent became ready
    Idle,      ///< the pool closed the host's agents and connection after the idle time
    Failed     ///< the agent or the connection failed: the error says how (kind as data)
};

/// The one owner of every host's connection and agents (lives on the engine thread). Per host
/// name: its link (the SSH connection) and its agent sessions (one per interpreter/become
/// variant), reused across runs. One idle rule: agents unused for `idleTimeout` are closed, and
/// a host left without agents loses its connection too (no keep-alives for nothing). A failed
/// or closed agent is replaced on next use; a failed connection is replaced with it.
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
    };

    /// `credentials` answers become (sudo/su) password requests; may be null (none then).
    SessionPool(std::unique_ptr<TransportFactory> factory,
                std::shared_ptr<const ToolRegistry> tools,
                std::shared_ptr<CredentialProvider> credentials, Options options,
                QObject* parent = nullptr);
    ~SessionPool() override;

    /// The live session for `target`, starting one if needed. Never null.
    AgentSession* acquire(const HostTarget& target);
    /// Close and forget every session and connection.
    void closeAll();
    /// Close sessions idle longer than the idle time now (the timer does it every few seconds).
    void sweepIdle();
    int size() const;      ///< live agent sessions
    int hostCount() const; ///< hosts with a session or a connection
    std::shared_ptr<const ToolRegistry> tools() const { return m_tools; }
    void setTools(std::shared_ptr<const ToolRegistry> tools);
    const Options& options() const { return m_options; }
    void setLogLevel(int level);

signals:
    /// A session's agent forwarded a log record.
    void logReceived(const QString& host, const hostdeck::engine::LogRecord& record);
    /// A host's agent became ready, went idle, or failed (`error` says why, by kind).
    void hostStateChanged(const QString& host, hostdeck::engine::HostLinkState state,
                          const hostdeck::engine::Error& error);

private:
    struct Slot
    {
        std::unique_ptr<AgentSession> session;
        qint64 lastUsedMs = 0;
    };
    struct Entry
    {
        HostLink link;
        std::map<QString, Slot> sessions; ///< by sessionKey()
    };
    AgentSession::Options sessionOptions(const HostTarget& target);
    static void dispose(std::unique_ptr<AgentSession>& session);

    std::unique_ptr<TransportFactory> m_factory;
    std::shared_ptr<const ToolRegistry> m_tools;
    std::shared_ptr<CredentialProvider> m_credentials;
    Options m_options;
    std::map<QString, Entry> m_hosts; ///< by host name
    QTimer m_idleTimer;
};

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::HostLinkState)
