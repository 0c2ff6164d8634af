#include "runner/SessionPool.h"

#include <QDateTime>
#include <QLoggingCategory>

namespace hostdeck::engine {

Q_LOGGING_CATEGORY(lcPool, "hostdeck.engine.pool")

SessionPool::SessionPool(std::unique_ptr<TransportFactory> factory,
                         std::shared_ptr<const ToolRegistry> tools, Options options,
                         QObject* parent)
    : QObject(parent), m_factory(std::move(factory)), m_tools(std::move(tools)),
      m_options(std::move(options))
{
    qRegisterMetaType<LogRecord>();
    m_idleTimer.setInterval(
        std::min<std::chrono::milliseconds>(m_options.idleTimeout, std::chrono::seconds(30)));
    connect(&m_idleTimer, &QTimer::timeout, this, &SessionPool::sweepIdle);
    m_idleTimer.start();
}

SessionPool::~SessionPool()
{
    for (auto& [key, entry] : m_sessions) {
        entry.session->close();
        entry.session.reset(); // now: on a stopping thread deleteLater might never run
    }
    m_sessions.clear();
}

void SessionPool::setTools(std::shared_ptr<const ToolRegistry> tools)
{
    m_tools = std::move(tools);
    closeAll(); // agents hold the old modules: start fresh ones on next use
}

AgentSession* SessionPool::acquire(const HostTarget& target)
{
    const QString key = target.sessionKey();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto it = m_sessions.find(key);
    if (it != m_sessions.end()) {
        Entry& entry = it->second;
        if (entry.session->state() != AgentSession::State::Closed) {
            entry.lastUsedMs = now;
            return entry.session.get();
        }
        // A failed or closed session: reconnect on this use. Delete later: callers of the old
        // session may still be on the stack.
        entry.session.release()->deleteLater();
        m_sessions.erase(it);
    }
    AgentSession::Options options;
    options.bootstrap.interpreter = target.interpreter;
    options.bootstrap.become = target.become;
    options.bootstrap.becomeUser = target.becomeUser;
    options.readyTimeout = m_options.readyTimeout;
    options.liveness = m_options.liveness;
    options.logLevel = m_options.logLevel;
    options.compressMin = target.kind == HostTarget::Kind::Ssh ? 4096 : 0;
    options.sudoPassword =
        m_options.sudoPasswordFor ? m_options.sudoPasswordFor(target) : m_options.sudoPassword;
    auto session = std::make_unique<AgentSession>(m_factory->create(target), m_tools, options);
    AgentSession* raw = session.get();
    const QString host = target.name;
    connect(raw, &AgentSession::logReceived, this,
            [this, host](const LogRecord& record) { emit logReceived(host, record); });
    connect(raw, &AgentSession::ready, this, [this, host, raw] {
        emit hostStateChanged(host, true,
                              QStringLiteral("connected (Python %1)").arg(raw->pythonVersion()));
    });
    connect(raw, &AgentSession::closed, this, [this, host](const Error& reason) {
        emit hostStateChanged(host, false, reason.message);
    });
    m_sessions.emplace(key, Entry{std::move(session), host, now});
    raw->start();
    qCDebug(lcPool) << "started session for" << host;
    return raw;
}

void SessionPool::sweepIdle()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        Entry& entry = it->second;
        AgentSession* session = entry.session.get();
        const bool idle =
            session->pendingCount() == 0 && now - entry.lastUsedMs >= m_options.idleTimeout.count();
        if (session->state() == AgentSession::State::Closed || idle) {
            session->close();
            entry.session.release()->deleteLater();
            it = m_sessions.erase(it);
        } else {
            ++it;
        }
    }
}

void SessionPool::closeAll()
{
    for (auto& [key, entry] : m_sessions) {
        entry.session->close();
        entry.session.release()->deleteLater();
    }
    m_sessions.clear();
}

} // namespace hostdeck::engine
