#pragma once

#include "engine/ssh/CredentialProvider.h"

#include <QPointer>

#include <memory>

namespace hostdeck::engine {
class CredentialStore;
}

namespace hostdeck::ui {

class Prompts;

/// The GUI's last resort for a secret (after the keychain, see KeychainCredentialProvider): asks
/// the user through Prompts, naming the inventory host the secret is for. A typed secret is kept
/// for this session only (CredentialStore::rememberForSession, memory) and never written
/// anywhere else. May be called on any thread; the question is asked on the GUI thread.
class GuiCredentialProvider final : public engine::CredentialProvider,
                                    public std::enable_shared_from_this<GuiCredentialProvider>
{
public:
    GuiCredentialProvider(Prompts* prompts, engine::CredentialStore* store);
    ~GuiCredentialProvider() override;

    void requestSecret(const engine::CredentialRequest& request, QObject* context,
                       engine::CredentialReply reply) override;

private:
    void prompt(const engine::CredentialRequest& request, QPointer<QObject> context,
                engine::CredentialReply reply);
    static void post(QPointer<QObject> context, engine::CredentialReply reply,
                     std::optional<engine::SecretBuffer> secret);

    QPointer<Prompts> m_prompts;
    QPointer<engine::CredentialStore> m_store;
};

} // namespace hostdeck::ui
