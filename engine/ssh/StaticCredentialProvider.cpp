#include "engine/ssh/StaticCredentialProvider.h"

#include <QTimer>

namespace hostdeck::engine {

void StaticCredentialProvider::setSecret(CredentialKind kind, SecretBuffer secret,
                                         const QString& host, const QString& user)
{
    m_entries.push_back({kind, host, user, std::make_shared<SecretBuffer>(std::move(secret))});
}

void StaticCredentialProvider::clear()
{
    m_entries.clear(); // the SecretBuffers wipe themselves
}

void StaticCredentialProvider::requestSecret(const CredentialRequest& request, QObject* context,
                                             CredentialReply reply)
{
    m_requests.append(request);
    std::shared_ptr<SecretBuffer> found;
    for (const Entry& entry : m_entries) {
        if (entry.kind == request.kind && (entry.host.isEmpty() || entry.host == request.host) &&
            (entry.user.isEmpty() || entry.user == request.user)) {
            found = entry.secret;
            break;
        }
    }
    QTimer::singleShot(0, context, [found, reply = std::move(reply)]() {
        if (found)
            reply(found->copy());
        else
            reply(std::nullopt);
    });
}

void StaticCredentialProvider::secretRejected(const CredentialRequest& request)
{
    Q_UNUSED(request);
    ++m_rejected;
}

} // namespace hostdeck::engine
