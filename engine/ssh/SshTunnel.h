#pragma once

#include "engine/ssh/SshChannelClient.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>

class QSocketNotifier;

namespace hostdeck::engine {

class SshChannel;
class SshConnection;

/// A direct-tcpip channel through a jump host, exposed as one end of a socketpair: the next
/// session is given the other end (SSH_OPTIONS_FD) and this object pumps bytes between the
/// socket and the channel without blocking, with back-pressure both ways.
class SshTunnel : public QObject, public SshChannelClient
{
    Q_OBJECT
public:
    SshTunnel(SshConnection* via, QString host, quint16 port, QObject* parent = nullptr);
    ~SshTunnel() override;

    /// Creates the socketpair and asks the jump connection for the channel.
    void open();

signals:
    /// The channel is open; `fd` is the session's end (its new owner closes it).
    void opened(int fd);
    /// Before opened(): the tunnel could not be made. After: the channel broke.
    void failed(const hostdeck::engine::Error& error);

private:
    void channelOpened() override;
    void channelStdout(const QByteArray& data) override;
    void channelStderr(const QByteArray& data) override;
    void channelDrained() override;
    void channelEof() override;
    void channelFinished(const TransportExit& exit) override;
    void channelFailed(const Error& error) override;

    void onLocalReadable();
    void flushToLocal();
    void closeLocal();

    QPointer<SshConnection> m_via;
    QString m_host;
    quint16 m_port;
    SshChannel* m_channel = nullptr;
    int m_localFd = -1;   ///< our end
    int m_sessionFd = -1; ///< handed out in opened()
    QSocketNotifier* m_readNotifier = nullptr;
    QSocketNotifier* m_writeNotifier = nullptr;
    QByteArray m_toLocal;
    bool m_remoteEof = false;
    bool m_opened = false;
};

} // namespace hostdeck::engine
