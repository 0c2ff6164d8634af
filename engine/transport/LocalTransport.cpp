#include "transport/LocalTransport.h"

namespace hostdeck::engine {

LocalTransport::LocalTransport(QObject* parent) : Transport(parent)
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    connect(&m_process, &QProcess::started, this, &Transport::started);
    connect(&m_process, &QProcess::readyReadStandardOutput, this,
            [this] { emit dataReceived(m_process.readAllStandardOutput()); });
    connect(&m_process, &QProcess::readyReadStandardError, this,
            [this] { emit stderrReceived(m_process.readAllStandardError()); });
    connect(&m_process, &QProcess::errorOccurred, this, &LocalTransport::onErrorOccurred);
    connect(&m_process, &QProcess::finished, this, &LocalTransport::onFinished);
}

LocalTransport::~LocalTransport()
{
    m_done = true; // no signals from a dying object
    m_process.disconnect(this);
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(1000); // reaps a child we just SIGKILLed: bounded, never -1
    }
}

void LocalTransport::start(const Command& command)
{
    m_program = command.program;
    m_process.setProgram(command.program);
    m_process.setArguments(command.arguments);
    m_process.start(QIODevice::ReadWrite | QIODevice::Unbuffered);
}

void LocalTransport::write(const QByteArray& data)
{
    // QProcess keeps what is written while it is still starting and sends it once started.
    if (m_process.state() != QProcess::NotRunning)
        m_process.write(data);
}

qint64 LocalTransport::bytesToWrite() const
{
    return m_process.bytesToWrite();
}

void LocalTransport::closeWrite()
{
    m_process.closeWriteChannel();
}

void LocalTransport::abort()
{
    if (m_process.state() != QProcess::NotRunning)
        m_process.kill();
}

void LocalTransport::onErrorOccurred(QProcess::ProcessError error)
{
    if (m_done || error != QProcess::FailedToStart)
        return; // crashes and pipe errors end in finished()
    m_done = true;
    emit failed(
        makeError(ErrorKind::NotFound,
                  QStringLiteral("cannot start '%1': %2").arg(m_program, m_process.errorString())));
}

void LocalTransport::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_done)
        return;
    // Deliver output that arrived together with the exit before announcing it.
    if (const QByteArray rest = m_process.readAllStandardOutput(); !rest.isEmpty())
        emit dataReceived(rest);
    if (const QByteArray rest = m_process.readAllStandardError(); !rest.isEmpty())
        emit stderrReceived(rest);
    m_done = true;
    TransportExit exit;
    exit.crashed = status == QProcess::CrashExit;
    exit.exitCode = exit.crashed ? -1 : exitCode;
    exit.description = exit.crashed ? QStringLiteral("killed by a signal")
                                    : QStringLiteral("exited with code %1").arg(exitCode);
    emit finished(exit);
}

} // namespace hostdeck::engine
