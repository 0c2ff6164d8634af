#pragma once

#include "engine/ssh/HostKeyDecider.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QMutex>
#include <QPointer>

#include <chrono>

namespace hostdeck::engine::api {

/// Host-key decisions for a headless server: each unknown key becomes a question that the API
/// lists (GET /v1/host-keys) and answers (POST /v1/host-keys/{id}); a question nobody answers
/// within the timeout is rejected, so a run never waits forever and never trusts by default.
/// decide() is called on the engine thread; the API's calls come from the server thread.
class ApiHostKeyDecider final : public HostKeyDecider
{
public:
    explicit ApiHostKeyDecider(std::chrono::milliseconds timeout = std::chrono::minutes(2));
    ~ApiHostKeyDecider() override;

    void decide(const HostKeyQuestion& question, QObject* context,
                std::function<void(HostKeyDecision)> reply) override;

    /// The waiting questions: [{id, host, port, key_type, fingerprint, known_hosts_file,
    /// expires_in}] (thread-safe).
    QJsonArray pending() const;
    /// Answers question `id`; false when there is no such question (answered or expired).
    bool answer(const QString& id, HostKeyDecision decision);

private:
    struct Pending
    {
        HostKeyQuestion question;
        QPointer<QObject> context; ///< read on the engine thread only
        std::function<void(HostKeyDecision)> reply;
        QElapsedTimer age;
    };
    void resolve(const QString& id, HostKeyDecision decision); ///< on the engine thread

    std::chrono::milliseconds m_timeout;
    mutable QMutex m_mutex;
    QHash<QString, Pending> m_pending;
    QObject* m_hub = nullptr; ///< lives on the engine thread: answers are posted to it
    quint64 m_next = 1;
};

} // namespace hostdeck::engine::api
