#include "engine/transport/LocalTransport.h"

#include <QPointer>
#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace hostdeck::engine {

namespace {
constexpr qsizetype kReadPiece = 64 * 1024;
/// Bytes read per notification before other events get their turn.
constexpr qsizetype kReadSlice = 1024 * 1024;

/// A write into a pipe whose reader is gone must fail with EPIPE, not kill the controller: what
/// QProcess does before its own writes (for the whole process, once).
void ignoreSigpipe()
{
    static const bool done = [] {
        struct sigaction ignore;
        std::memset(&ignore, 0, sizeof(ignore));
        ignore.sa_handler = SIG_IGN;
        ::sigaction(SIGPIPE, &ignore, nullptr);
        return true;
    }();
    Q_UNUSED(done);
}
} // namespace

LocalTransport::LocalTransport(QObject* parent) : Transport(parent)
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    connect(&m_process, &QProcess::started, this, &Transport::started);
    connect(&m_process, &QProcess::readyReadStandardError, this,
            [this] { emit stderrReceived(m_process.readAllStandardError()); });
    connect(&m_process, &QProcess::errorOccurred, this, &LocalTransport::onErrorOccurred);
    connect(&m_process, &QProcess::finished, this, &LocalTransport::onFinished);
}

LocalTransport::~LocalTransport()
{
    m_done = true; // no signals from a dying object
    m_process.disconnect(this);
    closeOutput();
    closeInput();
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
    int fds[2] = {-1, -1};
    int in[2] = {-1, -1};
    if (::pipe2(fds, O_CLOEXEC) != 0 || ::pipe2(in, O_CLOEXEC) != 0) {
        const int error = errno;
        for (int fd : {fds[0], fds[1]}) {
            if (fd >= 0)
                ::close(fd);
        }
        m_done = true;
        const Error failure =
            makeError(ErrorKind::Io, QStringLiteral("cannot start '%1': no pipe (%2)")
                                         .arg(m_program, qt_error_string(error)));
        QMetaObject::invokeMethod(
            this, [this, failure] { emit failed(failure); }, Qt::QueuedConnection);
        return;
    }
    const int writeEnd = fds[1];
    const int inputEnd = in[0];
    m_process.setStandardInputFile(QProcess::nullDevice());
    m_process.setStandardOutputFile(QProcess::nullDevice());
    // In the child, between fork and exec: only async-signal-safe calls. QProcess has set up its
    // redirections by then; ours replace them.
    m_process.setChildProcessModifier([writeEnd, inputEnd] {
        if (inputEnd == STDIN_FILENO)
            ::fcntl(STDIN_FILENO, F_SETFD, 0);
        else
            ::dup2(inputEnd, STDIN_FILENO);
        if (writeEnd == STDOUT_FILENO)
            ::fcntl(STDOUT_FILENO, F_SETFD, 0);
        else
            ::dup2(writeEnd, STDOUT_FILENO);
    });
    m_process.start(QIODevice::ReadWrite | QIODevice::Unbuffered);
    ::close(writeEnd); // the child has its copy: EOF comes when it (and its heirs) close theirs
    ::close(inputEnd);
    ignoreSigpipe();
    m_inFd = in[1];
    ::fcntl(m_inFd, F_SETFL, ::fcntl(m_inFd, F_GETFL) | O_NONBLOCK);
    m_inNotifier = std::make_unique<QSocketNotifier>(m_inFd, QSocketNotifier::Write);
    m_inNotifier->setEnabled(false);
    connect(m_inNotifier.get(), &QSocketNotifier::activated, this, &LocalTransport::flushInput);
    flushInput(); // what was written before start()
    m_outFd = fds[0];
    ::fcntl(m_outFd, F_SETFL, ::fcntl(m_outFd, F_GETFL) | O_NONBLOCK);
    m_outNotifier = std::make_unique<QSocketNotifier>(m_outFd, QSocketNotifier::Read);
    connect(m_outNotifier.get(), &QSocketNotifier::activated, this, [this] {
        QPointer<LocalTransport> self(this);
        if (!readOutput(false) && self && !m_done) {
            closeOutput();
            emit outputClosed();
        }
    });
}

bool LocalTransport::readOutput(bool all)
{
    if (m_outFd < 0)
        return false;
    QByteArray data;
    bool open = true;
    // What is left at exit is read in one go (bounded: a grandchild may still be writing).
    const qsizetype limit = all ? 16 * kReadSlice : kReadSlice;
    while (data.size() < limit) {
        const qsizetype at = data.size();
        data.resize(at + kReadPiece);
        const ssize_t n = ::read(m_outFd, data.data() + at, size_t(kReadPiece));
        data.resize(at + qMax<qsizetype>(n, 0));
        if (n > 0 && (all || n == kReadPiece))
            continue;
        if (n > 0)
            break; // the pipe is empty for now: spare the read that would say so (EAGAIN)
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        open = false; // EOF, or an error that ends the stream the same way
        break;
    }
    if (!data.isEmpty()) {
        QPointer<LocalTransport> self(this);
        emit dataReceived(data);
        if (!self)
            return false;
    }
    return open;
}

void LocalTransport::closeOutput()
{
    m_outNotifier.reset();
    if (m_outFd >= 0) {
        ::close(m_outFd);
        m_outFd = -1;
    }
}

void LocalTransport::write(const QByteArray& data)
{
    if (data.isEmpty() || m_closeInputRequested || m_done)
        return;
    if (m_inputOffset > 0 && m_inputOffset >= m_input.size() / 2) {
        m_input.remove(0, m_inputOffset);
        m_inputOffset = 0;
    }
    m_input.append(data);
    if (m_inFd >= 0 && !m_inNotifier->isEnabled())
        flushInput();
}

void LocalTransport::flushInput()
{
    while (m_inFd >= 0 && m_inputOffset < m_input.size()) {
        const ssize_t n = ::write(m_inFd, m_input.constData() + m_inputOffset,
                                  size_t(m_input.size() - m_inputOffset));
        if (n > 0) {
            m_inputOffset += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            m_inNotifier->setEnabled(true); // the pipe is full: go on when it drains
            return;
        }
        // EPIPE and the like: the process stopped reading. Like a write to a closed pipe, the
        // data goes nowhere; how the process ended is the news, which finished() brings.
        m_input.clear();
        m_inputOffset = 0;
        break;
    }
    if (m_inputOffset >= m_input.size()) {
        m_input.clear();
        m_inputOffset = 0;
    }
    if (m_inNotifier)
        m_inNotifier->setEnabled(false);
    if (m_closeInputRequested && m_input.isEmpty())
        closeInput();
}

void LocalTransport::closeInput()
{
    m_inNotifier.reset();
    if (m_inFd >= 0) {
        ::close(m_inFd);
        m_inFd = -1;
    }
}

qint64 LocalTransport::bytesToWrite() const
{
    return m_input.size() - m_inputOffset;
}

void LocalTransport::closeWrite()
{
    m_closeInputRequested = true;
    if (m_input.size() == m_inputOffset)
        closeInput(); // else once the queued input is written
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
    closeOutput();
    closeInput();
    emit failed(
        makeError(ErrorKind::NotFound,
                  QStringLiteral("cannot start '%1': %2").arg(m_program, m_process.errorString())));
}

void LocalTransport::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_done)
        return;
    // Deliver output that arrived together with the exit before announcing it.
    QPointer<LocalTransport> self(this);
    readOutput(true);
    if (!self || m_done)
        return;
    closeOutput();
    closeInput();
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
