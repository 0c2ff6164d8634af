#include "KeychainCredentialProvider.h"

#include "runner/HostTarget.h"

#include <QPointer>

namespace hostdeck::cli {

using namespace hostdeck::engine;

KeychainCredentialProvider::KeychainCredentialProvider(Inventory inventory)
    : m_inventory(std::move(inventory)), m_store(std::make_unique<CredentialStore>())
{
}

KeychainCredentialProvider::~KeychainCredentialProvider() = default;

QString KeychainCredentialProvider::endpointKey(const QString& host, quint16 port, const QString& user)
{
    return QStringLiteral("%1@%2:%3").arg(user, host).arg(port);
}

void KeychainCredentialProvider::addTarget(const HostTarget& target)
{
    if (target.kind == HostTarget::Kind::Ssh)
        m_hostByEndpoint.insert(endpointKey(target.ssh.host, target.ssh.port, target.ssh.effectiveUser()), target.name);
}

QString KeychainCredentialProvider::inventoryHostFor(const CredentialRequest& request) const
{
    const QString mapped = m_hostByEndpoint.value(endpointKey(request.host, request.port, request.user));
    if (!mapped.isEmpty())
        return mapped;
    if (m_inventory.hasHost(request.host))
        return request.host;
    return QStringLiteral("all");
}

void KeychainCredentialProvider::requestSecret(const CredentialRequest& request, QObject* context,
                                               CredentialReply reply)
{
    const QString host = inventoryHostFor(request);
    const QString kind = credentialKindName(request.kind);
    auto answer = [this, host, kind, reply = std::move(reply)](Result<SecretBuffer> secret) {
        if (secret) {
            reply(std::move(*secret));
            return;
        }
        if (secret.error().kind != ErrorKind::NotFound)
            m_problems.append(QStringLiteral("%1 of %2: %3").arg(kind, host, secret.error().message));
        reply(std::nullopt);
    };
    m_store->lookup(m_inventory, host, request.kind, context, std::move(answer));
}

std::function<void(CredentialReply)> KeychainCredentialProvider::sudoPasswordFor(const HostTarget& target)
{
    CredentialRequest request;
    request.kind = CredentialKind::SudoPassword;
    if (target.kind == HostTarget::Kind::Ssh) {
        request.host = target.ssh.host;
        request.port = target.ssh.port;
        request.user = target.ssh.effectiveUser();
    } else {
        request.host = target.name; // local hosts have no endpoint: found by name
    }
    // The store answers on its own thread's loop; the reply is dropped if the store is gone.
    QObject* context = m_store.get();
    return [this, request, context](CredentialReply reply) { requestSecret(request, context, std::move(reply)); };
}

} // namespace hostdeck::cli
