#include "engine/api/ApiHostKeyDecider.h"

#include <QJsonObject>
#include <QThread>
#include <QTimer>

namespace hostdeck::engine::api {

ApiHostKeyDecider::ApiHostKeyDecider(std::chrono::milliseconds timeout) : m_timeout(timeout) {}

ApiHostKeyDecider::~ApiHostKeyDecider()
{
    // The engine (and its thread) ends before its config's decider; the hub goes with us.
    delete m_hub;
}

void ApiHostKeyDecider::decide(const HostKeyQuestion& question, QObject* context,
                               std::function<void(HostKeyDecision)> reply)
{
    QString id;
    {
        QMutexLocker lock(&m_mutex);
        if (!m_hub)
            m_hub = new QObject; // made here, so it lives on the engine thread
        id = QString::number(m_next++);
        Pending pending{question, context, std::move(reply), {}};
        pending.age.start();
        m_pending.insert(id, std::move(pending));
    }
    QTimer::singleShot(m_timeout, m_hub, [this, id] { resolve(id, HostKeyDecision::Reject); });
}

QJsonArray ApiHostKeyDecider::pending() const
{
    QMutexLocker lock(&m_mutex);
    QJsonArray list;
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        const HostKeyQuestion& q = it->question;
        list.append(QJsonObject{
            {QStringLiteral("id"), it.key()},
            {QStringLiteral("host"), q.host},
            {QStringLiteral("port"), q.port},
            {QStringLiteral("key_type"), q.keyType},
            {QStringLiteral("fingerprint"), q.fingerprint},
            {QStringLiteral("known_hosts_file"), q.knownHostsFile},
            {QStringLiteral("expires_in"),
             std::max<double>(0, double(m_timeout.count() - it->age.elapsed()) / 1000.0)}});
    }
    return list;
}

bool ApiHostKeyDecider::answer(const QString& id, HostKeyDecision decision)
{
    QMutexLocker lock(&m_mutex);
    if (!m_pending.contains(id) || !m_hub)
        return false;
    QMetaObject::invokeMethod(m_hub, [this, id, decision] { resolve(id, decision); });
    return true;
}

void ApiHostKeyDecider::resolve(const QString& id, HostKeyDecision decision)
{
    Pending pending;
    {
        QMutexLocker lock(&m_mutex);
        auto it = m_pending.find(id);
        if (it == m_pending.end())
            return;
        pending = std::move(*it);
        m_pending.erase(it);
    }
    if (pending.context && pending.reply)
        QMetaObject::invokeMethod(
            pending.context, [reply = std::move(pending.reply), decision] { reply(decision); });
}

} // namespace hostdeck::engine::api
