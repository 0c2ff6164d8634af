#include "engine/ssh/SshTransport.h"

#include "engine/ssh/RemoteCommand.h"
#include "engine/ssh/SshChannel.h"
#include "engine/ssh/SshConnection.h"

namespace hostdeck::engine {

SshTransport::SshTransport(SshConnection* connection, QObject* parent)
    : Transport(parent), m_connection(connection),
      m_target(connection ? connection->targetName() : QString())
{
}

SshTransport::~SshTransport()
{
    if (m_connection && m_channel)
        m_connection->releaseChannel(m_channel);
}

QString SshTransport::targetName() const
{
    return m_target;
}

void SshTransport::start(const Command& command)
{
    if (m_started)
        return;
    m_started = true;
    if (!m_connection) {
        m_done = true;
        const Error error =
            makeError(ErrorKind::Connect, QStringLiteral("no SSH connection to %1").arg(m_target));
        QMetaObject::invokeMethod(
            this, [this, error]() { emit failed(error); }, Qt::QueuedConnection);
        return;
    }
    m_channel = m_connection->openExecChannel(RemoteCommand::commandLine(command), this);
}

void SshTransport::write(const QByteArray& data)
{
    if (m_channel)
        m_channel->write(data);
}

qint64 SshTransport::bytesToWrite() const
{
    return m_channel ? m_channel->bytesToWrite() : 0;
}

void SshTransport::closeWrite()
{
    if (m_channel)
        m_channel->closeWrite();
}

void SshTransport::abort()
{
    if (m_channel)
        m_channel->abort();
}

void SshTransport::abortUnresponsive()
{
    abort();
    // The connection that carried a silent agent is as suspect as the agent (a stopped sshd
    // keeps the TCP connection up): drop it, so that the next session connects anew.
    if (m_connection)
        m_connection->disconnectFromHost();
}

void SshTransport::channelOpened()
{
    emit started();
}

void SshTransport::channelStdout(const QByteArray& data)
{
    emit dataReceived(data);
}

void SshTransport::channelStderr(const QByteArray& data)
{
    emit stderrReceived(data);
}

void SshTransport::channelEof()
{
    if (!m_done)
        emit outputClosed();
}

void SshTransport::channelFinished(const TransportExit& exit)
{
    m_channel = nullptr;
    if (std::exchange(m_done, true))
        return;
    emit finished(exit);
}

void SshTransport::channelFailed(const Error& error)
{
    m_channel = nullptr;
    if (std::exchange(m_done, true))
        return;
    emit failed(error);
}

} // namespace hostdeck::engine
