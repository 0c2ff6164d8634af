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

QString KeychainCredentialProvider::endpointKey(const QString& host, quint16 port,
                                                const QString& user)
{
    return QStringLiteral("%1@%2:%3").arg(user, host).arg(port);
}

void KeychainCredentialProvider::addTarget(const HostTarget& target)
{
    if (target.kind == HostTarget::Kind::Ssh)
        m_hostsByEndpoint[endpointKey(target.ssh.host, target.ssh.port, target.ssh.effectiveUser())]
            .append(target.name);
}

QStringList KeychainCredentialProvider::inventoryHostsFor(const CredentialRequest& request) const
{
    const QStringList mapped =
        m_hostsByEndpoint.value(endpointKey(request.host, request.port, request.user));
    if (!mapped.isEmpty())
        return mapped;
    if (m_inventory.hasHost(request.host))
        return {request.host};
    return {QStringLiteral("all")};
}

void KeychainCredentialProvider::requestSecret(const CredentialRequest& request, QObject* context,
                                               CredentialReply reply)
{
    lookupFirst(inventoryHostsFor(request), request.kind, context, std::move(reply));
}

void KeychainCredentialProvider::lookupFirst(QStringList hosts, CredentialKind kind,
                                             QObject* context, CredentialReply reply)
{
    const QString host = hosts.takeFirst();
    auto answer = [this, host, hosts, kind, context,
                   reply = std::move(reply)](Result<SecretBuffer> secret) mutable {
        if (secret) {
            reply(std::move(*secret));
            return;
        }
        if (secret.error().kind != ErrorKind::NotFound)
            m_problems.append(QStringLiteral("%1 of %2: %3")
                                  .arg(credentialKindName(kind), host, secret.error().message));
        else if (!hosts.isEmpty())
            return lookupFirst(std::move(hosts), kind, context,
                               std::move(reply)); // another host at this endpoint
        reply(std::nullopt);
    };
    m_store->lookup(m_inventory, host, kind, context, std::move(answer));
}

std::function<void(CredentialReply)>
KeychainCredentialProvider::sudoPasswordFor(const HostTarget& target)
{
    // The target is known here: its own name, not its endpoint (several hosts may share one).
    const QStringList hosts{target.name};
    // The store answers on its own thread's loop; the reply is dropped if the store is gone.
    QObject* context = m_store.get();
    return [this, hosts, context](CredentialReply reply) {
        lookupFirst(hosts, CredentialKind::SudoPassword, context, std::move(reply));
    };
}

} // namespace hostdeck::cli
