#include "ui/prompts/GuiCredentialProvider.h"

#include "engine/inventory/CredentialStore.h"
#include "ui/prompts/Prompts.h"

namespace hostdeck::ui {

GuiCredentialProvider::GuiCredentialProvider(Prompts* prompts, engine::CredentialStore* store)
    : m_prompts(prompts), m_store(store)
{
}

GuiCredentialProvider::~GuiCredentialProvider() = default;

void GuiCredentialProvider::requestSecret(const engine::CredentialRequest& request,
                                          QObject* context, engine::CredentialReply reply)
{
    QPointer<QObject> requester(context);
    QPointer<Prompts> prompts = m_prompts;
    if (!prompts) {
        post(requester, std::move(reply), std::nullopt);
        return;
    }
    std::weak_ptr<GuiCredentialProvider> weak = weak_from_this();
    QMetaObject::invokeMethod(
        prompts.data(),
        [weak, request, requester, reply] {
            if (const std::shared_ptr<GuiCredentialProvider> self = weak.lock())
                self->prompt(request, requester, reply);
            else
                post(requester, reply, std::nullopt);
        },
        Qt::QueuedConnection);
}

void GuiCredentialProvider::prompt(const engine::CredentialRequest& request,
                                   QPointer<QObject> context, engine::CredentialReply reply)
{
    if (!context)
        return;
    if (!m_prompts) {
        post(context, std::move(reply), std::nullopt);
        return;
    }
    QPointer<engine::CredentialStore> store = m_store;
    m_prompts->askSecret(
        request, m_prompts.data(),
        [store, request, context, reply](std::optional<engine::SecretBuffer> secret) {
            // Session only: the store keeps it in memory, never in the keychain.
            if (secret && store && !request.target.isEmpty() && !request.viaJump)
                store->rememberForSession(request.inventoryId, request.target, request.kind,
                                          secret->copy());
            post(context, reply, std::move(secret));
        });
}

void GuiCredentialProvider::post(QPointer<QObject> context, engine::CredentialReply reply,
                                 std::optional<engine::SecretBuffer> secret)
{
    // The buffer moves across threads inside a shared holder; it is wiped wherever it dies.
    auto holder = std::make_shared<std::optional<engine::SecretBuffer>>(std::move(secret));
    if (QObject* target = context.data())
        QMetaObject::invokeMethod(
            target,
            [context, reply, holder] {
                if (context)
                    reply(std::move(*holder));
            },
            Qt::QueuedConnection);
}

} // namespace hostdeck::ui
