#pragma once

#include "engine/transport/Transport.h"

#include <QProcess>

#include <memory>

class QSocketNotifier;

namespace hostdeck::engine {

/// Runs the command as a local child process (QProcess, no shell). Used for the local machine and
/// for wrappers such as `chroot DIR python3` or `sudo`.
///
/// The child's stdout is a pipe of our own rather than QProcess's: QProcess notices the end of
/// stdout only when the process exits, and an agent that closes its output but stays alive must
/// count as a lost connection at once (outputClosed()). Its stdin is one too: a write goes into
/// the pipe at once, where QProcess would keep it until an event-loop turn later (a sequential
/// call paid that turn every time).
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
    /// Writes what is queued for stdin as far as the pipe takes it; the rest waits for the pipe.
    void flushInput();
    void closeInput();

    QProcess m_process;
    QString m_program;
    int m_outFd = -1;
    std::unique_ptr<QSocketNotifier> m_outNotifier;
    int m_inFd = -1;
    std::unique_ptr<QSocketNotifier> m_inNotifier; ///< enabled while input waits for the pipe
    QByteArray m_input;                            ///< queued for stdin, from m_inputOffset
    qsizetype m_inputOffset = 0;
    bool m_closeInputRequested = false;
    bool m_done = false;
};

} // namespace hostdeck::engine
