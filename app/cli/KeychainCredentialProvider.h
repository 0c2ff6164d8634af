#pragma once

#include "inventory/CredentialStore.h"
#include "inventory/Inventory.h"
#include "ssh/CredentialProvider.h"

#include <QHash>

#include <memory>

namespace hostdeck::engine {
struct HostTarget;
}

namespace hostdeck::cli {

/// Answers the SSH layer's and sudo's secret requests from the OS keychain for the hosts of one
/// inventory: the host's own secret, else its groups' (nearest first), else `all`'s. Requests are
/// mapped back to inventory hosts by the address, port and user they connect to (jump hosts that
/// are not inventory hosts use the `all` group); when several inventory hosts share that endpoint,
/// the first of them (in inventory order) that has the secret answers. Sudo passwords are looked
/// up by the target's own name. Nothing found or no keychain: no secret.
class KeychainCredentialProvider final : public engine::CredentialProvider
{
public:
    explicit KeychainCredentialProvider(engine::Inventory inventory);
    ~KeychainCredentialProvider() override;

    /// Remember which inventory host `target` is, so its requests find its secrets.
    void addTarget(const engine::HostTarget& target);
    /// The sudo password source of `target` for SessionPool::Options::sudoPasswordFor.
    std::function<void(engine::CredentialReply)> sudoPasswordFor(const engine::HostTarget& target);

    void requestSecret(const engine::CredentialRequest& request, QObject* context,
                       engine::CredentialReply reply) override;

    /// Keychain problems met so far (key names only, never secrets), for the CLI to print.
    const QStringList& problems() const { return m_problems; }

private:
    QStringList inventoryHostsFor(const engine::CredentialRequest& request) const;
    void lookupFirst(QStringList hosts, engine::CredentialKind kind, QObject* context,
                     engine::CredentialReply reply);
    static QString endpointKey(const QString& host, quint16 port, const QString& user);

    engine::Inventory m_inventory;
    std::unique_ptr<engine::CredentialStore> m_store;
    QHash<QString, QStringList> m_hostsByEndpoint; ///< "user@address:port" -> inventory host names
    QStringList m_problems;
};

} // namespace hostdeck::cli
