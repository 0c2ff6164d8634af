#pragma once

#include "transport/Transport.h"

#include <QProcess>

#include <memory>

class QSocketNotifier;

namespace hostdeck::engine {

/// Runs the command as a local child process (QProcess, no shell). Used for the local machine and
/// for wrappers such as `chroot DIR python3` or `sudo`.
///
/// The child's stdout is a pipe of our own rather than QProcess's: QProcess notices the end of
/// stdout only when the process exits, and an agent that closes its output but stays alive must
/// count as a lost connection at once (outputClosed()).
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
    /// Reads what stdout has (at most a slice unless `all`); false once it reached EOF.
    bool readOutput(bool all);
    void closeOutput();

    QProcess m_process;
    QString m_program;
    int m_outFd = -1;
    std::unique_ptr<QSocketNotifier> m_outNotifier;
    bool m_done = false;
};

} // namespace hostdeck::engine
