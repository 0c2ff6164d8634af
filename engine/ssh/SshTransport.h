#pragma once

#include "engine/ssh/SshChannelClient.h"
#include "engine/transport/Transport.h"

#include <QPointer>

namespace hostdeck::engine {

class SshChannel;
class SshConnection;

/// Runs one command on one channel of a shared SshConnection (see Transport for the contract).
/// The command goes through the remote login shell as `exec 'prog' 'arg'...`, every word
/// single-quoted. If the connection is not up yet, start() connects it; a connection failure
/// arrives here as failed() with the connection's error (kind Unreachable/Auth/HostKey/Timeout),
/// a loss after start as failed() with kind Connection.
class SshTransport : public Transport, private SshChannelClient
{
    Q_OBJECT
public:
    explicit SshTransport(SshConnection* connection, QObject* parent = nullptr);
    ~SshTransport() override;

    QString targetName() const override;
    void start(const Command& command) override;
    void write(const QByteArray& data) override;
    qint64 bytesToWrite() const override;
    void closeWrite() override;
    void abort() override;
    void abortUnresponsive() override;

private:
    void channelOpened() override;
    void channelStdout(const QByteArray& data) override;
    void channelStderr(const QByteArray& data) override;
    void channelEof() override;
    void channelFinished(const TransportExit& exit) override;
    void channelFailed(const Error& error) override;

    QPointer<SshConnection> m_connection;
    QString m_target;
    SshChannel* m_channel = nullptr;
    bool m_started = false;
    bool m_done = false;
};

} // namespace hostdeck::engine
