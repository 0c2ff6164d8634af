#pragma once

#include "engine/ssh/SshChannel.h"
#include "engine/ssh/SshSettings.h"
#include "engine/util/Result.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <vector>

class QHostInfo;
class QSocketNotifier;
struct ssh_session_struct;

namespace hostdeck::engine {

class CredentialProvider;
class HostKeyDecider;
class SshAuthenticator;
class SshTunnel;

/// One SSH connection (one libssh session) to one host, multiplexing up to MaxChannels channels;
/// more are queued until a slot frees. Entirely non-blocking on the thread it lives on: the
/// socket is watched with QSocketNotifier, timers only for the connect timeout and keep-alive.
/// Jump hosts (ProxyJump) are reached through nested SshConnections and direct-tcpip channels.
///
/// connectToHost() -> connected() or failed(); after failed() (also a later connection loss)
/// every channel has failed and the object is finished: make a new one to reconnect.
class SshConnection : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        Resolving,
        Connecting,
        Tunneling,
        Handshaking,
        AwaitingHostKeyDecision,
        Authenticating,
        Ready,
        Failed,
    };
    static constexpr int MaxChannels = 10; ///< OpenSSH's default MaxSessions

    /// `credentials` and `decider` may be null (no passwords / Strict refuses unknown keys);
    /// they must outlive the connection.
    explicit SshConnection(SshSettings settings, CredentialProvider* credentials = nullptr,
                           HostKeyDecider* decider = nullptr, QObject* parent = nullptr);
    ~SshConnection() override;

    void connectToHost();
    /// Closes the connection; open channels fail with a Cancelled error.
    void disconnectFromHost();

    State state() const { return m_state; }
    bool isReady() const { return m_state == State::Ready; }
    const Error& error() const { return m_error; }
    const SshSettings& settings() const { return m_settings; }
    QString targetName() const { return m_settings.targetName(); }
    /// Milliseconds from connectToHost() to authenticated (-1 before).
    qint64 connectDurationMs() const { return m_connectMs; }
    int channelCount() const { return int(m_channels.size()); }
    int activeChannelCount() const;

    /// Starts a command channel (connecting first if needed). The channel belongs to the
    /// connection; the client must call releaseChannel() before it goes away.
    SshChannel* openExecChannel(const QByteArray& commandLine, SshChannelClient* client);
    /// Opens a direct-tcpip channel to host:port as seen from this server.
    SshChannel* openForwardChannel(const QString& host, quint16 port, SshChannelClient* client);
    /// The client is gone: abort the channel and never call it again.
    void releaseChannel(SshChannel* channel);

signals:
    void connected();
    void failed(const hostdeck::engine::Error& error);

private:
    SshChannel* addChannel(std::unique_ptr<SshChannel> channel);
    void schedulePump();
    void pump();
    bool step();
    bool stepReady();
    void startTcp();
    void onResolved(const QHostInfo& info);
    void tryNextAddress();
    void onTcpConnected();
    void startTunnel();
    void startSession(int fd);
    bool stepHandshake();
    bool verifyHostKey();
    void beginAuth();
    void onConnectTimeout();
    void onKeepAlive();
    void failConnection(const Error& error);
    void updateNotifiers();
    void clearNotifiers();
    void dispatchEvents();
    void pauseDeadline();
    void resumeDeadline();
    QString phaseText() const;

    SshSettings m_settings;
    CredentialProvider* m_credentials;
    HostKeyDecider* m_decider;
    State m_state = State::Idle;
    Error m_error;
    ssh_session_struct* m_session = nullptr;
    int m_fd = -1;       ///< the fd the notifiers watch (ssh_get_fd)
    int m_socketFd = -1; ///< the socket handed to libssh (SSH_OPTIONS_FD); we close it
    int m_tcpFd = -1;    ///< while the TCP connect is in progress
    QList<QHostAddress> m_addresses;
    int m_addressIndex = -1;
    QString m_lastTcpError;
    QSocketNotifier* m_readNotifier = nullptr;
    QSocketNotifier* m_writeNotifier = nullptr;
    QSocketNotifier* m_tcpNotifier = nullptr;
    QTimer m_deadline;
    int m_deadlineRemaining = -1;
    QTimer m_keepAlive;
    QTimer m_pumpTimer;
    std::unique_ptr<SshAuthenticator> m_auth;
    QPointer<SshConnection> m_jump;
    QPointer<SshTunnel> m_tunnel;
    std::vector<std::unique_ptr<SshChannel>> m_channels;
    SshChannel::Events m_events;
    QElapsedTimer m_clock;
    qint64 m_connectMs = -1;
    int m_lookupId = -1;
    bool m_inPump = false;
    bool m_readable = false;
    bool m_writable = false;
    bool m_destroying = false;
};

} // namespace hostdeck::engine
