#include "engine/runner/SessionPool.h"

#include "engine/ssh/CredentialProvider.h"

#include <QDateTime>
#include <QLoggingCategory>

namespace hostdeck::engine {

Q_LOGGING_CATEGORY(lcPool, "hostdeck.engine.pool")

SessionPool::SessionPool(std::unique_ptr<TransportFactory> factory,
                         std::shared_ptr<const ToolRegistry> tools,
                         std::shared_ptr<CredentialProvider> credentials, Options options,
                         QObject* parent)
    : QObject(parent), m_factory(std::move(factory)), m_tools(std::move(tools)),
      m_credentials(std::move(credentials)), m_options(options)
{
    qRegisterMetaType<LogRecord>();
    qRegisterMetaType<HostLinkState>();
    qRegisterMetaType<Error>();
    m_idleTimer.setInterval(std::clamp<std::chrono::milliseconds>(
        m_options.idleTimeout / 4, std::chrono::milliseconds(50), std::chrono::seconds(30)));
    connect(&m_idleTimer, &QTimer::timeout, this, &SessionPool::sweepIdle);
    m_idleTimer.start();
}

SessionPool::~SessionPool()
{
    // Sessions first (they hold channels on the connections), then the connections, all before
    // the factory whose credential provider the connections point to.
    for (auto& [host, entry] : m_hosts) {
        for (auto& [key, slot] : entry.sessions) {
            slot.session->disconnect(this);
            slot.session->close();
            slot.session.reset(); // now: on a stopping thread deleteLater might never run
        }
        entry.link.connection.reset();
    }
    m_hosts.clear();
}

int SessionPool::size() const
{
    int count = 0;
    for (const auto& [host, entry] : m_hosts)
        count += int(entry.sessions.size());
    return count;
}

int SessionPool::hostCount() const
{
    return int(m_hosts.size());
}

void SessionPool::setTools(std::shared_ptr<const ToolRegistry> tools)
{
    m_tools = std::move(tools);
    closeAll(); // agents hold the old modules: start fresh ones on next use
}

void SessionPool::setLogLevel(int level)
{
    m_options.logLevel = level;
    for (auto& [host, entry] : m_hosts) {
        for (auto& [key, slot] : entry.sessions)
            slot.session->setLogLevel(level);
    }
}

void SessionPool::dispose(std::unique_ptr<AgentSession>& session)
{
    // Callers of the old session may still be on the stack.
    session.release()->deleteLater();
}

AgentSession::Options SessionPool::sessionOptions(const HostTarget& target)
{
    AgentSession::Options options;
    options.bootstrap.interpreter = target.interpreter;
    options.bootstrap.become = target.become;
    options.bootstrap.becomeMethod = target.becomeMethod;
    options.bootstrap.becomeUser = target.becomeUser;
    options.environment = target.environment;
    options.readyTimeout = m_options.readyTimeout;
    options.liveness = m_options.liveness;
    options.logLevel = m_options.logLevel;
    options.compressMin = target.kind == HostTarget::Kind::Ssh ? 4096 : 0;
    if (target.become && m_credentials) {
        // The become password is looked up for this inventory host only when sudo or su asks:
        // sudo wants the login user's own password, su the password of the user it becomes.
        const QString becomeUser =
            target.becomeUser.isEmpty() ? QStringLiteral("root") : target.becomeUser;
        const bool su = target.becomeMethod == BecomeMethod::Su;
        CredentialRequest request;
        request.kind = CredentialKind::SudoPassword;
        request.inventoryId = target.inventoryId;
        request.target = target.name;
        request.host = target.kind == HostTarget::Kind::Ssh ? target.ssh.host : target.name;
        request.port = target.ssh.port;
        const QString loginUser =
            target.kind == HostTarget::Kind::Ssh ? target.ssh.user : QString();
        request.user = su || loginUser.isEmpty() ? becomeUser : loginUser;
        request.prompt =
            su ? QStringLiteral("su to %1: the password of %1").arg(becomeUser)
            : loginUser.isEmpty()
                ? QStringLiteral("sudo to %1: the password of the login user").arg(becomeUser)
                : QStringLiteral("sudo to %1: the password of %2").arg(becomeUser, loginUser);
        std::weak_ptr<CredentialProvider> provider = m_credentials;
        QPointer<SessionPool> self(this);
        options.becomePassword = [provider, request,
                                  self](std::function<void(std::optional<SecretBuffer>)> reply) {
            const auto p = provider.lock();
            if (!p || !self) {
                reply(std::nullopt);
                return;
            }
            // The reply runs on the engine thread (the pool's) and is dropped with the pool.
            p->requestSecret(request, self.data(), std::move(reply));
        };
        options.becomePasswordRejected = [provider, request] {
            if (const auto p = provider.lock())
                p->secretRejected(request);
        };
    }
    return options;
}

AgentSession* SessionPool::acquire(const HostTarget& target)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Entry& entry = m_hosts[target.name];
    const QString key = target.sessionKey();
    if (auto it = entry.sessions.find(key); it != entry.sessions.end()) {
        if (it->second.session->state() != AgentSession::State::Closed) {
            it->second.lastUsedMs = now;
            return it->second.session.get();
        }
        dispose(it->second.session);
        entry.sessions.erase(it);
    }
    auto session = std::make_unique<AgentSession>(m_factory->create(target, entry.link), m_tools,
                                                  sessionOptions(target));
    AgentSession* raw = session.get();
    const QString host = target.name;
    connect(raw, &AgentSession::logReceived, this,
            [this, host](const LogRecord& record) { emit logReceived(host, record); });
    connect(raw, &AgentSession::ready, this,
            [this, host] { emit hostStateChanged(host, HostLinkState::Connected, Error{}); });
    connect(raw, &AgentSession::closed, this, [this, host](const Error& reason) {
        // A close the pool asked for is reported by sweepIdle/closeAll itself.
        if (reason.kind != ErrorKind::Closed)
            emit hostStateChanged(host, HostLinkState::Failed, reason);
    });
    entry.sessions.emplace(key, Slot{std::move(session), now});
    raw->start();
    qCDebug(lcPool) << "started session for" << host;
    return raw;
}

void SessionPool::sweepIdle()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (auto hostIt = m_hosts.begin(); hostIt != m_hosts.end();) {
        Entry& entry = hostIt->second;
        bool wentIdle = false;
        for (auto it = entry.sessions.begin(); it != entry.sessions.end();) {
            Slot& slot = it->second;
            AgentSession* session = slot.session.get();
            if (session->pendingCount() > 0)
                slot.lastUsedMs = now; // busy counts as used
            const bool idle = session->pendingCount() == 0 &&
                              now - slot.lastUsedMs >= m_options.idleTimeout.count();
            if (session->state() == AgentSession::State::Closed || idle) {
                wentIdle = wentIdle || (idle && session->state() != AgentSession::State::Closed);
                session->close();
                dispose(slot.session);
                it = entry.sessions.erase(it);
            } else {
                ++it;
            }
        }
        if (entry.sessions.empty()) {
            // No agent left: the connection goes too (one idle rule for both).
            if (entry.link.connection)
                entry.link.connection.release()->deleteLater();
            const QString host = hostIt->first;
            hostIt = m_hosts.erase(hostIt);
            if (wentIdle)
                emit hostStateChanged(
                    host, HostLinkState::Idle,
                    makeError(ErrorKind::Closed, QStringLiteral("idle: closed after %1 s unused")
                                                     .arg(m_options.idleTimeout.count() / 1000)));
        } else {
            ++hostIt;
        }
    }
}

void SessionPool::closeAll()
{
    for (auto& [host, entry] : m_hosts) {
        for (auto& [key, slot] : entry.sessions) {
            slot.session->close();
            dispose(slot.session);
        }
        if (entry.link.connection)
            entry.link.connection.release()->deleteLater();
    }
    m_hosts.clear();
}

} // namespace hostdeck::engine
