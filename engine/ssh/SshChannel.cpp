#include "engine/ssh/SshChannel.h"

#include "engine/ssh/SshLog.h"

#include <libssh/libssh.h>

#include <sys/ioctl.h>

#include <algorithm>

namespace hostdeck::engine {

namespace {
constexpr qsizetype ReadChunk = 64 * 1024;
constexpr qsizetype MaxReadPerPump = 1024 * 1024; // then let the other channels have a turn
constexpr qsizetype WriteChunk = 256 * 1024;
// libssh keeps its packet buffers at the size of the largest packet a session sent (up to 64 KiB
// each). A session's first bytes (loader, agent, tool modules: ~40 KB) go out in small packets so
// that an idle pooled connection stays small; bulk data after them gets full-size packets.
constexpr qsizetype StartChunk = 8 * 1024;
constexpr qsizetype StartBytes = 64 * 1024;
constexpr qsizetype LowWater = 256 * 1024;
constexpr int MaxOpenRetries = 5;
// libssh reads the socket 4 KiB per poll; a 32 KiB packet takes several reads before the channel
// has data. Keep feeding it while the kernel holds bytes instead of one event-loop turn per 4 KiB.
constexpr int MaxEmptyReadsWhileSocketHasData = 256;

bool socketHasData(int fd)
{
    int available = 0;
    return fd >= 0 && ::ioctl(fd, FIONREAD, &available) == 0 && available > 0;
}
} // namespace

SshChannel::SshChannel(Kind kind, QByteArray target, quint16 port, SshChannelClient* client,
                       std::function<void()> kick)
    : m_kind(kind), m_target(std::move(target)), m_port(port), m_client(client),
      m_kick(std::move(kick))
{
}

SshChannel::~SshChannel()
{
    release();
}

void SshChannel::release()
{
    if (m_channel) {
        // Our CLOSE must reach the server even when it closed first: until then OpenSSH keeps
        // the session slot (MaxSessions) busy. libssh sends it at most once.
        if (ssh_is_connected(ssh_channel_get_session(m_channel)) && m_state != State::Queued)
            ssh_channel_close(m_channel);
        ssh_channel_free(m_channel);
        m_channel = nullptr;
    }
}

QString SshChannel::what() const
{
    return m_kind == Kind::Exec
               ? QStringLiteral("command channel")
               : QStringLiteral("forward to %1:%2").arg(QString::fromUtf8(m_target)).arg(m_port);
}

void SshChannel::write(const QByteArray& data)
{
    if (data.isEmpty() || m_closeWriteRequested || m_state == State::Done)
        return;
    if (m_inputOffset > 0 && m_inputOffset >= m_input.size() / 2) {
        m_input.remove(0, m_inputOffset);
        m_inputOffset = 0;
    }
    m_input.append(data);
    if (bytesToWrite() >= LowWater)
        m_aboveLowWater = true;
    m_kick();
}

void SshChannel::closeWrite()
{
    if (m_closeWriteRequested)
        return;
    m_closeWriteRequested = true;
    m_kick();
}

void SshChannel::abort()
{
    if (m_state == State::Done)
        return;
    m_abortRequested = true;
    m_kick();
}

void SshChannel::fail(const Error& error, Events& events)
{
    if (m_state == State::Done)
        return;
    m_state = State::Done;
    release();
    events.push_back([this, error]() {
        if (m_client)
            m_client->channelFailed(error);
    });
}

void SshChannel::finish(const TransportExit& exit, Events& events)
{
    m_state = State::Done;
    release();
    events.push_back([this, exit]() {
        if (m_client)
            m_client->channelFinished(exit);
    });
}

bool SshChannel::pump(ssh_session_struct* session, Events& events)
{
    if (m_state == State::Done)
        return false;
    if (m_abortRequested) {
        if (m_channel && m_state == State::Open && m_kind == Kind::Exec)
            ssh_channel_request_send_signal(m_channel, "TERM"); // no reply wanted: does not block
        finish({-1, true, QStringLiteral("aborted")}, events);
        return true;
    }
    if (m_state == State::Queued)
        return false;
    if (m_state != State::Open)
        return pumpOpen(session, events);

    const int fd = ssh_get_fd(session);
    bool progressed = pumpWrite(events);
    if (m_state == State::Done)
        return true;
    progressed |= pumpRead(events, fd, false, m_stdoutEof);
    if (m_state == State::Done)
        return true;
    if (m_kind == Kind::Exec)
        progressed |= pumpRead(events, fd, true, m_stderrEof);
    else
        m_stderrEof = true;
    if (m_state == State::Done)
        return true;
    // Reading processed what arrived, window adjusts included: a writer that was waiting for the
    // window goes on now, not after the next socket event (which may never come).
    if (bytesToWrite() > 0 && ssh_channel_window_size(m_channel) > 0) {
        progressed |= pumpWrite(events);
        if (m_state == State::Done)
            return true;
    }
    if (m_stdoutEof && !m_eofReported) {
        m_eofReported = true;
        events.push_back([this]() {
            if (m_client)
                m_client->channelEof();
        });
    }
    if (ssh_get_status(session) & (SSH_CLOSED | SSH_CLOSED_ERROR))
        return progressed; // the connection notices and fails every channel with its reason
    if (m_stdoutEof && m_stderrEof && ssh_channel_is_closed(m_channel)) {
        const int status = ssh_channel_get_exit_status(m_channel);
        if (m_kind == Kind::Forward)
            finish({0, false, QStringLiteral("forward closed")}, events);
        else if (status >= 0)
            finish({status, false, QStringLiteral("exited with code %1").arg(status)}, events);
        else
            finish(
                {-1, true, QStringLiteral("terminated without exit status (killed by a signal?)")},
                events);
        return true;
    }
    return progressed;
}

bool SshChannel::pumpOpen(ssh_session_struct* session, Events& events)
{
    if (!m_channel) {
        m_channel = ssh_channel_new(session);
        if (!m_channel) {
            fail(makeError(ErrorKind::ConnectionLost,
                           QStringLiteral("cannot create a channel: %1")
                               .arg(QString::fromUtf8(ssh_get_error(session)))),
                 events);
            return true;
        }
    }
    int rc = SSH_OK;
    if (m_state == State::Opening) {
        rc = m_kind == Kind::Exec ? ssh_channel_open_session(m_channel)
                                  : ssh_channel_open_forward(m_channel, m_target.constData(),
                                                             m_port, "127.0.0.1", 0);
        if (rc == SSH_AGAIN)
            return false;
        if (rc != SSH_OK && m_kind == Kind::Exec && m_openAttempts < MaxOpenRetries &&
            ssh_is_connected(session)) {
            // OpenSSH frees a closed session's MaxSessions slot only after its main loop turn:
            // an open right behind our CLOSE can be refused. Try again shortly.
            ++m_openAttempts;
            ssh_channel_free(m_channel);
            m_channel = nullptr;
            m_state = State::Queued;
            m_notBefore = QDeadlineTimer(20 * m_openAttempts);
            return true;
        }
        if (rc != SSH_OK) {
            fail(makeError(ErrorKind::ConnectionLost,
                           QStringLiteral("cannot open %1: %2")
                               .arg(what(), QString::fromUtf8(ssh_get_error(session)))),
                 events);
            return true;
        }
        m_state = m_kind == Kind::Exec ? State::Requesting : State::Open;
    }
    if (m_state == State::Requesting) {
        rc = ssh_channel_request_exec(m_channel, m_target.constData());
        if (rc == SSH_AGAIN) {
            // The request is on its way: the command's input may follow it at once, as far as the
            // window allows (OpenSSH opens a session's window only when its command starts; other
            // servers give one with the channel). The server reads a channel's messages in order,
            // so the input reaches the command once it runs.
            return pumpWrite(events);
        }
        if (rc != SSH_OK) {
            fail(makeError(ErrorKind::ConnectionLost,
                           QStringLiteral("the server refused to run the command: %1")
                               .arg(QString::fromUtf8(ssh_get_error(session)))),
                 events);
            return true;
        }
        m_state = State::Open;
    }
    events.push_back([this]() {
        if (m_client)
            m_client->channelOpened();
    });
    return true;
}

bool SshChannel::pumpWrite(Events& events)
{
    bool progressed = false;
    while (bytesToWrite() > 0) {
        const qsizetype window = qsizetype(ssh_channel_window_size(m_channel));
        const qsizetype count =
            std::min({window, bytesToWrite(), m_written < StartBytes ? StartChunk : WriteChunk});
        if (count <= 0)
            break; // the peer has not consumed enough yet: its window adjust wakes us
        const int written =
            ssh_channel_write(m_channel, m_input.constData() + m_inputOffset, uint32_t(count));
        if (written == SSH_ERROR &&
            (ssh_channel_is_closed(m_channel) || ssh_channel_is_eof(m_channel))) {
            // The command stopped reading (it exited or closed its stdin): like a write to a
            // closed pipe, the data goes nowhere, and how the command ended is the real news,
            // which the read side reports once the close arrives.
            m_input.clear();
            m_inputOffset = 0;
            break;
        }
        if (written == SSH_ERROR) {
            fail(makeError(ErrorKind::ConnectionLost,
                           QStringLiteral("writing to the %1 failed").arg(what())),
                 events);
            return true;
        }
        if (written <= 0)
            break;
        m_inputOffset += written;
        m_written += written;
        progressed = true;
    }
    if (bytesToWrite() == 0) {
        m_input.clear();
        m_inputOffset = 0;
    }
    if (m_aboveLowWater && bytesToWrite() < LowWater) {
        m_aboveLowWater = false;
        events.push_back([this]() {
            if (m_client)
                m_client->channelDrained();
        });
    }
    if (bytesToWrite() == 0 && m_closeWriteRequested && !m_eofSent) {
        m_eofSent = true;
        ssh_channel_send_eof(m_channel);
        progressed = true;
    }
    return progressed;
}

bool SshChannel::pumpRead(Events& events, int fd, bool stderrStream, bool& eof)
{
    if (eof)
        return false;
    bool progressed = false;
    qsizetype total = 0;
    int emptyReads = 0;
    while (total < MaxReadPerPump) {
        QByteArray buffer(ReadChunk, Qt::Uninitialized);
        const int n = ssh_channel_read_nonblocking(m_channel, buffer.data(),
                                                   uint32_t(buffer.size()), stderrStream ? 1 : 0);
        if (n == SSH_EOF) {
            eof = true;
            return true;
        }
        if (n == SSH_ERROR) {
            if (ssh_channel_is_closed(m_channel)) { // closed without EOF: no more data either way
                eof = true;
                return true;
            }
            fail(makeError(ErrorKind::ConnectionLost,
                           QStringLiteral("reading from the %1 failed").arg(what())),
                 events);
            return true;
        }
        if (n <= 0) {
            if (ssh_channel_is_closed(m_channel)) {
                eof = true; // closed without EOF
                break;
            }
            if (!stderrStream && ++emptyReads < MaxEmptyReadsWhileSocketHasData &&
                socketHasData(fd))
                continue; // a packet is still arriving: let libssh read on
            break;
        }
        buffer.truncate(n);
        total += n;
        progressed = true;
        events.push_back([this, stderrStream, data = std::move(buffer)]() {
            if (!m_client)
                return;
            if (stderrStream)
                m_client->channelStderr(data);
            else
                m_client->channelStdout(data);
        });
    }
    return progressed;
}

} // namespace hostdeck::engine
