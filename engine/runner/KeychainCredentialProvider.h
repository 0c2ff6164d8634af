#pragma once

#include "engine/inventory/Inventory.h"
#include "engine/ssh/CredentialProvider.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <memory>

namespace hostdeck::engine {

class CredentialStore;

/// The secrets of a run's hosts (SSH password, key passphrase, become password) from the OS
/// keychain, found by the request's inventory and host: the host's own secret, else its groups'
/// (nearest first), else `all`'s. A request for a jump host on the way uses the inventory host
/// named (or addressed) like the hop, else `all`. Nothing found, or a stored secret the server
/// refused: `fallback` is asked (the GUI's prompt), else there is no secret.
///
/// Threads: requestSecret may be called on any thread (the engine's); the store and the
/// inventories live on the thread that created this object (QtKeychain needs its event loop),
/// and replies go back to the requester's context.
class KeychainCredentialProvider final
    : public CredentialProvider,
      public std::enable_shared_from_this<KeychainCredentialProvider>
{
public:
    KeychainCredentialProvider(CredentialStore* store,
                               std::shared_ptr<CredentialProvider> fallback = nullptr);
    ~KeychainCredentialProvider() override;

    /// The inventory whose hosts' secrets are looked up (by its id); call on the owner thread.
    void setInventory(const Inventory& inventory);

    void requestSecret(const CredentialRequest& request, QObject* context,
                       CredentialReply reply) override;
    void secretRejected(const CredentialRequest& request) override;

    /// Keychain problems met so far (key names only, never secrets), for the CLI to print.
    QStringList problems() const;

private:
    void answer(const CredentialRequest& request, QPointer<QObject> context, CredentialReply reply);
    QString ownerFor(const CredentialRequest& request, const Inventory& inventory) const;
    void askFallback(const CredentialRequest& request, QPointer<QObject> context,
                     CredentialReply reply);
    static QString rejectionKey(const CredentialRequest& request);
    static void post(QPointer<QObject> context, CredentialReply reply,
                     std::optional<SecretBuffer> secret);

    QPointer<CredentialStore> m_store;
    std::shared_ptr<CredentialProvider> m_fallback;
    std::unique_ptr<QObject> m_anchor; ///< lives on the owner thread
    QHash<QString, Inventory> m_inventories;
    QSet<QString> m_rejected;
    QStringList m_problems;
};

} // namespace hostdeck::engine
