#pragma once

#include "transport/Transport.h"

#include <QProcess>

namespace hostdeck::engine {

/// Runs the command as a local child process (QProcess, no shell). Used for the local machine and
/// for wrappers such as `chroot DIR python3` or `sudo`.
class LocalTransport final : public Transport
{
    Q_OBJECT
public:
    explicit LocalTransport(QObject* parent = nullptr);
    ~LocalTransport() override;

    QString targetName() const override { return QStringLiteral("local"); }
    void start(const Command& command) override;
    void write(const QByteArray& data) override;
    qint64 bytesToWrite() const override;
    void closeWrite() override;
    void abort() override;

    qint64 processId() const { return m_process.processId(); }

private:
    void onErrorOccurred(QProcess::ProcessError error);
    void onFinished(int exitCode, QProcess::ExitStatus status);

    QProcess m_process;
    QString m_program;
    bool m_done = false;
};

} // namespace hostdeck::engine
