#include "engine/ssh/SshTunnel.h"

#include "engine/ssh/SshChannel.h"
#include "engine/ssh/SshConnection.h"
#include "engine/ssh/SshLog.h"

#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace hostdeck::engine {

namespace {
constexpr qint64 ChannelHighWater =
    1024 * 1024; // stop reading the socket while this much is queued
constexpr qsizetype ReadChunk = 64 * 1024;
} // namespace

SshTunnel::SshTunnel(SshConnection* via, QString host, quint16 port, QObject* parent)
    : QObject(parent), m_via(via), m_host(std::move(host)), m_port(port)
{
}

SshTunnel::~SshTunnel()
{
    if (m_via && m_channel)
        m_via->releaseChannel(m_channel);
    closeLocal();
    if (m_sessionFd >= 0)
        ::close(m_sessionFd); // never handed out
}

void SshTunnel::open()
{
    int fds[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
        const Error error =
            makeError(ErrorKind::Connect, QStringLiteral("cannot create a socket pair: %1")
                                              .arg(QString::fromLocal8Bit(std::strerror(errno))));
        QMetaObject::invokeMethod(
            this, [this, error]() { emit failed(error); }, Qt::QueuedConnection);
        return;
    }
    m_localFd = fds[0];
    m_sessionFd = fds[1];
    m_channel = m_via->openForwardChannel(m_host, m_port, this); // a jump failure fails it too
}

void SshTunnel::channelOpened()
{
    m_opened = true;
    m_readNotifier = new QSocketNotifier(m_localFd, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &SshTunnel::onLocalReadable);
    m_writeNotifier = new QSocketNotifier(m_localFd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &SshTunnel::flushToLocal);
    emit opened(std::exchange(m_sessionFd, -1));
}

void SshTunnel::onLocalReadable()
{
    if (!m_channel)
        return;
    char buffer[ReadChunk];
    for (;;) {
        if (m_channel->bytesToWrite() >= ChannelHighWater) {
            m_readNotifier->setEnabled(false); // channelDrained() turns it back on
            return;
        }
        const ssize_t n = ::read(m_localFd, buffer, sizeof(buffer));
        if (n > 0) {
            m_channel->write(QByteArray(buffer, qsizetype(n)));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        m_readNotifier->setEnabled(false); // the session closed its end
        m_channel->closeWrite();
        return;
    }
}

void SshTunnel::channelDrained()
{
    if (m_readNotifier)
        m_readNotifier->setEnabled(true);
}

void SshTunnel::channelStdout(const QByteArray& data)
{
    m_toLocal.append(data);
    flushToLocal();
}

void SshTunnel::channelStderr(const QByteArray& data)
{
    Q_UNUSED(data); // direct-tcpip channels have no stderr
}

void SshTunnel::flushToLocal()
{
    while (!m_toLocal.isEmpty() && m_localFd >= 0) {
        const ssize_t n = ::write(m_localFd, m_toLocal.constData(), size_t(m_toLocal.size()));
        if (n > 0) {
            m_toLocal.remove(0, qsizetype(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        m_toLocal.clear(); // the session end is gone
        break;
    }
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(!m_toLocal.isEmpty());
    if (m_toLocal.isEmpty() && m_remoteEof && m_localFd >= 0)
        ::shutdown(m_localFd, SHUT_WR);
}

void SshTunnel::channelEof()
{
    m_remoteEof = true;
    flushToLocal();
}

void SshTunnel::channelFinished(const TransportExit& exit)
{
    Q_UNUSED(exit);
    m_channel = nullptr;
    m_remoteEof = true;
    flushToLocal();
    if (!m_opened)
        emit failed(
            makeError(ErrorKind::Connect,
                      QStringLiteral("the tunnel to %1:%2 closed").arg(m_host).arg(m_port)));
}

void SshTunnel::channelFailed(const Error& error)
{
    m_channel = nullptr;
    closeLocal(); // the session on the other end sees EOF and fails
    if (!m_opened) {
        Error opening = error;
        if (opening.kind == ErrorKind::ConnectionLost)
            opening.kind = ErrorKind::Connect;
        emit failed(opening);
    }
}

void SshTunnel::closeLocal()
{
    delete m_readNotifier;
    delete m_writeNotifier;
    m_readNotifier = nullptr;
    m_writeNotifier = nullptr;
    if (m_localFd >= 0) {
        ::close(m_localFd);
        m_localFd = -1;
    }
}

} // namespace hostdeck::engine
