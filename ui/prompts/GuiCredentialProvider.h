#pragma once

#include "inventory/Inventory.h"
#include "ssh/CredentialProvider.h"

#include <QHash>
#include <QPointer>
#include <QSet>

#include <memory>

namespace hostdeck::engine {
class CredentialStore;
}

namespace hostdeck::ui {

class Prompts;

/// The engine's credential seam for the GUI. On the GUI thread it looks in the keychain first
/// (CredentialStore::lookup: the host, then its groups, then `all`, for the current inventory),
/// and only then asks the user through Prompts. A typed secret is kept for this session only
/// (CredentialStore::rememberForSession, memory) and never written anywhere else. Called on the
/// engine thread; never blocks. Configure it (setInventory, addTarget) on the GUI thread.
class GuiCredentialProvider final : public engine::CredentialProvider,
                                    public std::enable_shared_from_this<GuiCredentialProvider>
{
public:
    explicit GuiCredentialProvider(Prompts* prompts);
    ~GuiCredentialProvider() override;

    /// The inventory whose secrets are looked up, and the store they live in (not owned).
    void setInventory(const engine::Inventory& inventory, engine::CredentialStore* store);
    /// Maps an SSH endpoint (what the engine asks about) to an inventory host name.
    void addTarget(const QString& name, const QString& address, quint16 port, const QString& user);

    void requestSecret(const engine::CredentialRequest& request, QObject* context,
                       engine::CredentialReply reply) override;
    void secretRejected(const engine::CredentialRequest& request) override;

private:
    void answer(const engine::CredentialRequest& request, QPointer<QObject> engineSide,
                engine::CredentialReply reply);
    void prompt(const engine::CredentialRequest& request, const QString& host,
                QPointer<QObject> engineSide, engine::CredentialReply reply);
    QString hostFor(const engine::CredentialRequest& request) const;
    static QString endpoint(const QString& address, quint16 port, const QString& user);
    static QString rejectionKey(const engine::CredentialRequest& request);
    static void post(QPointer<QObject> engineSide, engine::CredentialReply reply,
                     std::optional<engine::SecretBuffer> secret);

    QPointer<Prompts> m_prompts;
    engine::Inventory m_inventory;
    QPointer<engine::CredentialStore> m_store;
    QHash<QString, QString> m_hostByEndpoint;
    QSet<QString> m_rejected; ///< endpoint+kind whose stored secret the server refused: ask instead
};

} // namespace hostdeck::ui
