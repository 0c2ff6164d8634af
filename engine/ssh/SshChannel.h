#pragma once

#include "engine/ssh/SshChannelClient.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QString>

#include <functional>
#include <vector>

struct ssh_session_struct;
struct ssh_channel_struct;

namespace hostdeck::engine {

/// One channel of an SshConnection: an exec session or a direct-tcpip forward. Owned and pumped
/// by the connection on its thread; the client only queues input and requests, never calls libssh.
class SshChannel
{
public:
    enum class Kind
    {
        Exec,
        Forward
    };
    enum class State
    {
        Queued,
        Opening,
        Requesting,
        Open,
        Done
    };
    using Events = std::vector<std::function<void()>>;

    /// Exec: `target` is the command line. Forward: `target` is the host, `port` the port.
    SshChannel(Kind kind, QByteArray target, quint16 port, SshChannelClient* client,
               std::function<void()> kick);
    ~SshChannel();
    SshChannel(const SshChannel&) = delete;
    SshChannel& operator=(const SshChannel&) = delete;

    // --- client side: queue and return at once ---
    void write(const QByteArray& data);
    void closeWrite();
    void abort();
    qint64 bytesToWrite() const { return m_input.size() - m_inputOffset; }
    void detach() { m_client = nullptr; }

    // --- connection side ---
    State state() const { return m_state; }
    bool holdsSlot() const
    {
        return m_state == State::Opening || m_state == State::Requesting || m_state == State::Open;
    }
    /// True while this channel's next pump calls into libssh in a way that reads the socket.
    /// After EOF on both streams nothing does (libssh answers EOF from its own state), so the
    /// connection must make libssh read the CLOSE and exit status itself.
    bool readsSocket() const
    {
        return m_state == State::Opening || m_state == State::Requesting ||
               (m_state == State::Open && !(m_stdoutEof && m_stderrEof));
    }
    void begin() { m_state = State::Opening; }
    /// A refused open is retried after a pause: false until then.
    bool mayBegin() const { return m_notBefore.hasExpired(); }
    qint64 beginInMs() const { return m_notBefore.remainingTime(); }
    /// Does every non-blocking step it can; true when anything progressed.
    bool pump(ssh_session_struct* session, Events& events);
    /// Fails the channel now (connection lost / closed).
    void fail(const Error& error, Events& events);
    SshChannelClient* client() const { return m_client; }

private:
    bool pumpOpen(ssh_session_struct* session, Events& events);
    bool pumpWrite(Events& events);
    bool pumpRead(Events& events, int fd, bool stderrStream, bool& eof);
    void finish(const TransportExit& exit, Events& events);
    void release();
    QString what() const;

    Kind m_kind;
    QByteArray m_target;
    quint16 m_port;
    SshChannelClient* m_client;
    std::function<void()> m_kick;
    State m_state = State::Queued;
    ssh_channel_struct* m_channel = nullptr;
    QByteArray m_input;
    qsizetype m_inputOffset = 0;
    qsizetype m_written = 0; ///< bytes sent so far: the first ones go in small packets
    bool m_closeWriteRequested = false;
    bool m_eofSent = false;
    bool m_abortRequested = false;
    bool m_stdoutEof = false;
    bool m_stderrEof = false;
    bool m_eofReported = false;
    bool m_aboveLowWater = false;
    int m_openAttempts = 0;
    QDeadlineTimer m_notBefore{0};
};

} // namespace hostdeck::engine
