#include "engine/ssh/SshConnection.h"

#include "engine/ssh/HostKeyDecider.h"
#include "engine/ssh/HostKeyVerifier.h"
#include "engine/ssh/SshAuthenticator.h"
#include "engine/ssh/SshLog.h"
#include "engine/ssh/SshTunnel.h"

#include <QFile>
#include <QHostInfo>
#include <QSocketNotifier>

#include <libssh/libssh.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hostdeck::engine {

namespace {
constexpr int MaxPumpRounds = 64;

QString sshError(ssh_session session)
{
    const QString text = QString::fromUtf8(ssh_get_error(session)).trimmed();
    return text.isEmpty() ? QStringLiteral("no detail from libssh") : text;
}
} // namespace

SshConnection::SshConnection(SshSettings settings, CredentialProvider* credentials,
                             HostKeyDecider* decider, QObject* parent)
    : QObject(parent), m_settings(std::move(settings)), m_credentials(credentials),
      m_decider(decider)
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &SshConnection::onConnectTimeout);
    connect(&m_keepAlive, &QTimer::timeout, this, &SshConnection::onKeepAlive);
    m_pumpTimer.setSingleShot(true);
    m_pumpTimer.setInterval(0);
    connect(&m_pumpTimer, &QTimer::timeout, this, &SshConnection::pump);
}

SshConnection::~SshConnection()
{
    m_destroying = true;
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
    // Channels die with the connection; their clients hear about it now, synchronously.
    const Error closed = makeError(ErrorKind::Cancelled,
                                   QStringLiteral("connection to %1 closed").arg(targetName()));
    for (auto& channel : m_channels) {
        SshChannelClient* client = channel->client();
        channel->detach();
        channel->fail(closed, m_events);
        if (client)
            client->channelFailed(closed);
    }
    m_events.clear();
    m_channels.clear();
    m_auth.reset();
    clearNotifiers();
    if (m_session) {
        ssh_disconnect(m_session);
        ssh_free(m_session);
    }
    if (m_socketFd >= 0)
        ::close(m_socketFd); // given with SSH_OPTIONS_FD: libssh does not close it
    if (m_tcpFd >= 0)
        ::close(m_tcpFd);
}

int SshConnection::activeChannelCount() const
{
    int count = 0;
    for (const auto& channel : m_channels)
        count += channel->holdsSlot() ? 1 : 0;
    return count;
}

// --- channels ------------------------------------------------------------------------------

SshChannel* SshConnection::openExecChannel(const QByteArray& commandLine, SshChannelClient* client)
{
    return addChannel(std::make_unique<SshChannel>(SshChannel::Kind::Exec, commandLine, 0, client,
                                                   [this]() { schedulePump(); }));
}

SshChannel* SshConnection::openForwardChannel(const QString& host, quint16 port,
                                              SshChannelClient* client)
{
    return addChannel(std::make_unique<SshChannel>(SshChannel::Kind::Forward, host.toUtf8(), port,
                                                   client, [this]() { schedulePump(); }));
}

SshChannel* SshConnection::addChannel(std::unique_ptr<SshChannel> channel)
{
    SshChannel* raw = channel.get();
    m_channels.push_back(std::move(channel));
    if (m_state == State::Idle)
        connectToHost();
    schedulePump();
    return raw;
}

void SshConnection::releaseChannel(SshChannel* channel)
{
    if (!channel || m_destroying)
        return;
    channel->detach();
    channel->abort();
}

// --- connecting ----------------------------------------------------------------------------

void SshConnection::connectToHost()
{
    if (m_state != State::Idle)
        return;
    m_clock.start();
    if (m_settings.connectTimeout.count() > 0)
        m_deadline.start(int(m_settings.connectTimeout.count()));
    if (!m_settings.jumpHosts.isEmpty()) {
        startTunnel();
        return;
    }
    startTcp();
}

void SshConnection::startTcp()
{
    m_state = State::Resolving;
    QHostAddress literal;
    if (literal.setAddress(m_settings.host)) {
        m_addresses = {literal};
        QTimer::singleShot(0, this, &SshConnection::tryNextAddress);
        return;
    }
    m_lookupId = QHostInfo::lookupHost(m_settings.host, this, &SshConnection::onResolved);
}

void SshConnection::onResolved(const QHostInfo& info)
{
    m_lookupId = -1;
    if (m_state != State::Resolving)
        return;
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        failConnection(makeError(
            ErrorKind::Connect,
            QStringLiteral("cannot resolve %1: %2").arg(m_settings.host, info.errorString())));
        return;
    }
    m_addresses = info.addresses();
    tryNextAddress();
}

void SshConnection::tryNextAddress()
{
    if (m_state != State::Resolving && m_state != State::Connecting)
        return;
    delete m_tcpNotifier;
    m_tcpNotifier = nullptr;
    if (m_tcpFd >= 0) {
        ::close(m_tcpFd);
        m_tcpFd = -1;
    }
    m_state = State::Connecting;
    while (++m_addressIndex < m_addresses.size()) {
        const QHostAddress& address = m_addresses.at(m_addressIndex);
        sockaddr_storage storage{};
        socklen_t length = 0;
        if (address.protocol() == QAbstractSocket::IPv4Protocol) {
            auto* in = reinterpret_cast<sockaddr_in*>(&storage);
            in->sin_family = AF_INET;
            in->sin_port = htons(m_settings.port);
            in->sin_addr.s_addr = htonl(address.toIPv4Address());
            length = sizeof(sockaddr_in);
        } else {
            auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
            in6->sin6_family = AF_INET6;
            in6->sin6_port = htons(m_settings.port);
            const Q_IPV6ADDR bytes = address.toIPv6Address();
            std::memcpy(&in6->sin6_addr, &bytes, sizeof(bytes));
            length = sizeof(sockaddr_in6);
        }
        const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            m_lastTcpError = QString::fromLocal8Bit(std::strerror(errno));
            continue;
        }
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
        if (::connect(fd, reinterpret_cast<sockaddr*>(&storage), length) == 0 ||
            errno == EINPROGRESS) {
            m_tcpFd = fd;
            m_tcpNotifier = new QSocketNotifier(fd, QSocketNotifier::Write, this);
            connect(m_tcpNotifier, &QSocketNotifier::activated, this,
                    &SshConnection::onTcpConnected);
            return;
        }
        m_lastTcpError = QString::fromLocal8Bit(std::strerror(errno));
        ::close(fd);
    }
    failConnection(makeError(ErrorKind::Connect, QStringLiteral("cannot connect to %1 port %2: %3")
                                                     .arg(m_settings.host)
                                                     .arg(m_settings.port)
                                                     .arg(m_lastTcpError)));
}

void SshConnection::onTcpConnected()
{
    int error = 0;
    socklen_t length = sizeof(error);
    if (::getsockopt(m_tcpFd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        error = errno;
    if (error != 0) {
        m_lastTcpError = QString::fromLocal8Bit(std::strerror(error));
        tryNextAddress();
        return;
    }
    delete m_tcpNotifier;
    m_tcpNotifier = nullptr;
    const int fd = std::exchange(m_tcpFd, -1);
    startSession(fd);
}

void SshConnection::startTunnel()
{
    m_state = State::Tunneling;
    const SshEndpoint hop = m_settings.jumpHosts.last();
    SshSettings jumpSettings = m_settings.forJumpHost(hop);
    jumpSettings.jumpHosts = m_settings.jumpHosts.mid(0, m_settings.jumpHosts.size() - 1);
    jumpSettings.connectTimeout = std::chrono::milliseconds(0); // our own deadline covers the chain
    m_jump = new SshConnection(jumpSettings, m_credentials, m_decider, this);
    m_tunnel = new SshTunnel(m_jump, m_settings.host, m_settings.port, this);
    connect(m_tunnel, &SshTunnel::opened, this, [this](int fd) { startSession(fd); });
    connect(
        m_tunnel, &SshTunnel::failed, this,
        [this, via = jumpSettings.targetName()](const Error& error) {
            if (m_state == State::Failed)
                return;
            const QString prefix = m_state == State::Ready
                                       ? QStringLiteral("connection to %1 lost: jump host %2: ")
                                       : QStringLiteral("cannot reach %1 through jump host %2: ");
            failConnection(makeError(error.kind, prefix.arg(targetName(), via) + error.message));
        });
    m_tunnel->open();
}

void SshConnection::startSession(int fd)
{
    m_state = State::Handshaking;
    m_session = ssh_new();
    if (!m_session) {
        ::close(fd);
        failConnection(
            makeError(ErrorKind::Connect, QStringLiteral("cannot create an SSH session")));
        return;
    }
    m_socketFd = fd;
    const QByteArray host = m_settings.host.toUtf8();
    const QByteArray user = m_settings.effectiveUser().toUtf8();
    // The host key is checked by HostKeyVerifier (all files, markers, alias); libssh gets ssh's
    // offer order (a host whose known key is ECDSA is asked for ECDSA first) and no known_hosts
    // of its own: it would reorder the offer from its partial reading of one file.
    const QByteArray hostKeyAlgorithms =
        HostKeyVerifier::preferredAlgorithms(m_settings).toLatin1();
    const char* const noKnownHosts = "/dev/null";
    const unsigned int port = m_settings.port;
    const int zero = 0;
    socket_t socketFd = fd;
    ssh_options_set(m_session, SSH_OPTIONS_HOST, host.constData());
    ssh_options_set(m_session, SSH_OPTIONS_PORT, &port);
    ssh_options_set(m_session, SSH_OPTIONS_USER, user.constData());
    ssh_options_set(m_session, SSH_OPTIONS_PROCESS_CONFIG, &zero); // config was resolved by us
    ssh_options_set(m_session, SSH_OPTIONS_KNOWNHOSTS, noKnownHosts);
    ssh_options_set(m_session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, noKnownHosts);
    ssh_options_set(m_session, SSH_OPTIONS_HOSTKEYS, hostKeyAlgorithms.constData());
    if (!m_settings.agentSocket.isEmpty()) {
        const QByteArray agent = QFile::encodeName(m_settings.agentSocket);
        ssh_options_set(m_session, SSH_OPTIONS_IDENTITY_AGENT, agent.constData());
    }
    ssh_options_set(m_session, SSH_OPTIONS_FD, &socketFd); // still ours to close after ssh_free
    ssh_set_blocking(m_session, 0);
    schedulePump();
}

bool SshConnection::stepHandshake()
{
    const int rc = ssh_connect(m_session);
    if (rc == SSH_AGAIN)
        return false;
    if (rc != SSH_OK) {
        failConnection(
            makeError(ErrorKind::Connect, QStringLiteral("SSH handshake with %1 failed: %2")
                                              .arg(targetName(), sshError(m_session))));
        return false;
    }
    return verifyHostKey();
}

bool SshConnection::verifyHostKey()
{
    const HostKeyCheck check = HostKeyVerifier::check(m_session, m_settings);
    switch (check.outcome) {
    case HostKeyCheck::Outcome::Known:
        beginAuth();
        return true;
    case HostKeyCheck::Outcome::Refused:
        failConnection(check.error);
        return false;
    case HostKeyCheck::Outcome::Unknown:
        break;
    }
    if (m_settings.hostKeyPolicy == HostKeyPolicy::AcceptNew) {
        const Status recorded = HostKeyVerifier::record(m_session, m_settings);
        if (!recorded) {
            failConnection(
                makeError(ErrorKind::HostKeyUnknown, check.error.message +
                                                         QStringLiteral("; recording it failed: ") +
                                                         recorded.error().message));
            return false;
        }
        qCInfo(lcSsh).noquote() << "recorded new host key for" << targetName()
                                << check.question.fingerprint;
        beginAuth();
        return true;
    }
    if (!m_decider) {
        failConnection(check.error);
        return false;
    }
    m_state = State::AwaitingHostKeyDecision;
    pauseDeadline();
    QPointer<SshConnection> self(this);
    m_decider->decide(
        check.question, this, [self, message = check.error](HostKeyDecision decision) {
            if (!self || self->m_state != State::AwaitingHostKeyDecision)
                return;
            if (decision == HostKeyDecision::Reject) {
                self->failConnection(
                    makeError(ErrorKind::HostKeyUnknown,
                              message.message + QStringLiteral(": rejected by the user")));
                return;
            }
            if (decision == HostKeyDecision::AcceptAndSave) {
                const Status recorded = HostKeyVerifier::record(self->m_session, self->m_settings);
                if (!recorded)
                    qCWarning(lcSsh).noquote() << recorded.error().message;
            }
            self->resumeDeadline();
            self->beginAuth();
            self->schedulePump();
        });
    return false;
}

void SshConnection::beginAuth()
{
    m_state = State::Authenticating;
    QPointer<SshConnection> self(this);
    m_auth =
        std::make_unique<SshAuthenticator>(m_session, m_settings, m_credentials, this, [self]() {
            if (self) {
                self->resumeDeadline();
                self->schedulePump();
            }
        });
}

void SshConnection::pauseDeadline()
{
    if (m_deadline.isActive()) {
        m_deadlineRemaining = m_deadline.remainingTime();
        m_deadline.stop();
    }
}

void SshConnection::resumeDeadline()
{
    if (m_deadlineRemaining >= 0) {
        m_deadline.start(m_deadlineRemaining);
        m_deadlineRemaining = -1;
    }
}

QString SshConnection::phaseText() const
{
    switch (m_state) {
    case State::Idle:
    case State::Resolving:
        return QStringLiteral("resolving the host name");
    case State::Connecting:
        return QStringLiteral("waiting for the TCP connection");
    case State::Tunneling:
        return QStringLiteral("opening the tunnel through the jump host");
    case State::Handshaking:
        return QStringLiteral("waiting for the SSH handshake (no answer from the server)");
    case State::AwaitingHostKeyDecision:
        return QStringLiteral("waiting for the host key decision");
    case State::Authenticating:
        return QStringLiteral("authenticating");
    case State::Ready:
    case State::Failed:
        break;
    }
    return QStringLiteral("connecting");
}

void SshConnection::onConnectTimeout()
{
    if (m_state == State::Ready || m_state == State::Failed)
        return;
    failConnection(makeError(ErrorKind::Connect,
                             QStringLiteral("connecting to %1 timed out after %2 ms while %3")
                                 .arg(targetName())
                                 .arg(m_settings.connectTimeout.count())
                                 .arg(phaseText())));
}

void SshConnection::onKeepAlive()
{
    if (m_state != State::Ready)
        return;
    ssh_send_ignore(m_session, ""); // also processes whatever arrived
    schedulePump();
}

void SshConnection::disconnectFromHost()
{
    if (m_state == State::Failed)
        return;
    failConnection(makeError(ErrorKind::Cancelled,
                             QStringLiteral("connection to %1 closed").arg(targetName())));
}

void SshConnection::failConnection(const Error& error)
{
    if (m_state == State::Failed)
        return;
    const bool wasReady = m_state == State::Ready;
    m_state = State::Failed;
    m_error = error;
    m_deadline.stop();
    m_keepAlive.stop();
    qCInfo(lcSsh).noquote() << targetName() << "failed:" << error.message;
    Error channelError = error;
    if (wasReady)
        channelError.kind =
            error.kind == ErrorKind::Cancelled ? ErrorKind::Cancelled : ErrorKind::ConnectionLost;
    for (auto& channel : m_channels)
        channel->fail(channelError, m_events); // frees the libssh channels before the session
    m_auth.reset();
    clearNotifiers();
    if (m_session) {
        ssh_disconnect(m_session);
        ssh_free(m_session);
        m_session = nullptr;
        m_fd = -1;
    }
    if (m_socketFd >= 0) {
        ::close(m_socketFd); // given with SSH_OPTIONS_FD: libssh does not close it
        m_socketFd = -1;
    }
    if (m_tcpFd >= 0) {
        ::close(m_tcpFd);
        m_tcpFd = -1;
    }
    delete m_tcpNotifier;
    m_tcpNotifier = nullptr;
    if (m_tunnel)
        m_tunnel->deleteLater();
    if (m_jump)
        m_jump->deleteLater();
    m_events.push_back([this, error]() { emit failed(error); });
    schedulePump(); // dispatches the events from the event loop
}

// --- the pump ------------------------------------------------------------------------------

void SshConnection::schedulePump()
{
    if (!m_pumpTimer.isActive())
        m_pumpTimer.start();
}

void SshConnection::pump()
{
    if (m_inPump) {
        schedulePump();
        return;
    }
    m_inPump = true;
    int rounds = 0;
    while (rounds < MaxPumpRounds && step())
        ++rounds;
    if (rounds == MaxPumpRounds)
        schedulePump(); // still busy: give the event loop a turn first
    m_readable = false;
    m_writable = false;
    updateNotifiers();
    m_inPump = false;
    dispatchEvents();
}

bool SshConnection::step()
{
    switch (m_state) {
    case State::Handshaking:
        return stepHandshake();
    case State::AwaitingHostKeyDecision:
        if (m_readable)
            ssh_send_ignore(m_session, "");
        return false;
    case State::Authenticating: {
        switch (m_auth->step()) {
        case SshAuthenticator::Step::Again:
            return false;
        case SshAuthenticator::Step::Waiting:
            pauseDeadline();
            if (m_readable)
                ssh_send_ignore(m_session, "");
            return false;
        case SshAuthenticator::Step::Failed: {
            const Error error = m_auth->error(); // failConnection() destroys m_auth
            failConnection(error);
            return false;
        }
        case SshAuthenticator::Step::Succeeded:
            break;
        }
        m_auth.reset();
        m_state = State::Ready;
        m_connectMs = m_clock.elapsed();
        m_deadline.stop();
        if (m_settings.keepAliveInterval.count() > 0)
            m_keepAlive.start(int(m_settings.keepAliveInterval.count()));
        qCDebug(lcSsh) << "connected to" << targetName() << "in" << m_connectMs << "ms";
        m_events.push_back([this]() { emit connected(); });
        return true;
    }
    case State::Ready:
        return stepReady();
    case State::Failed:
        for (auto& channel : m_channels)
            channel->fail(m_error, m_events); // channels opened after the failure
        return false;
    default:
        return false;
    }
}

bool SshConnection::stepReady()
{
    if (m_writable)
        ssh_blocking_flush(m_session, 0);
    bool progressed = false;
    int freeSlots = MaxChannels - activeChannelCount();
    bool anyReader = false;
    for (auto& channel : m_channels) {
        if (channel->state() == SshChannel::State::Queued && freeSlots > 0) {
            if (channel->mayBegin()) {
                channel->begin();
                --freeSlots;
            } else {
                QTimer::singleShot(std::max<qint64>(channel->beginInMs(), 1), this,
                                   &SshConnection::schedulePump);
            }
        }
        progressed |= channel->pump(m_session, m_events);
        anyReader |= channel->readsSocket();
    }
    // Reads queue window adjusts (and writes queue data) in libssh's output buffer: send them now
    // rather than one event-loop turn later, or the peer stalls on a full window.
    if (ssh_get_poll_flags(m_session) & SSH_WRITE_PENDING)
        ssh_blocking_flush(m_session, 0);
    if (m_readable && !anyReader) {
        // Nobody else reads (no channel, or only channels past EOF waiting for their CLOSE and
        // exit status): let libssh process what arrived, or the level-triggered notifier fires
        // again at once, forever, and the CLOSE is never seen.
        ssh_send_ignore(m_session, "");
        m_readable = false;
    }
    if (ssh_get_status(m_session) & (SSH_CLOSED | SSH_CLOSED_ERROR) ||
        !ssh_is_connected(m_session)) {
        failConnection(makeError(
            ErrorKind::ConnectionLost,
            QStringLiteral("connection to %1 lost: %2").arg(targetName(), sshError(m_session))));
        return false;
    }
    return progressed;
}

void SshConnection::dispatchEvents()
{
    if (m_events.empty())
        return;
    QPointer<SshConnection> self(this);
    SshChannel::Events events;
    events.swap(m_events);
    for (auto& event : events) {
        event();
        if (!self)
            return; // a handler deleted us
    }
    // Done channels can go now that nobody will be told about them any more.
    std::erase_if(m_channels, [](const std::unique_ptr<SshChannel>& channel) {
        return channel->state() == SshChannel::State::Done;
    });
    if (!m_events.empty())
        schedulePump();
}

void SshConnection::updateNotifiers()
{
    if (!m_session || m_state == State::Failed) {
        clearNotifiers();
        return;
    }
    const int fd = ssh_get_fd(m_session);
    if (fd != m_fd || !m_readNotifier) {
        clearNotifiers();
        m_fd = fd;
        if (fd < 0)
            return;
        m_readNotifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
        connect(m_readNotifier, &QSocketNotifier::activated, this, [this]() {
            m_readable = true;
            pump();
        });
        m_writeNotifier = new QSocketNotifier(fd, QSocketNotifier::Write, this);
        connect(m_writeNotifier, &QSocketNotifier::activated, this, [this]() {
            m_writable = true;
            pump();
        });
    }
    m_writeNotifier->setEnabled((ssh_get_poll_flags(m_session) & SSH_WRITE_PENDING) != 0);
}

void SshConnection::clearNotifiers()
{
    delete m_readNotifier;
    delete m_writeNotifier;
    m_readNotifier = nullptr;
    m_writeNotifier = nullptr;
}

} // namespace hostdeck::engine
