#include "prompts/GuiCredentialProvider.h"

#include "prompts/Prompts.h"

#include <memory>

namespace hostdeck::ui {

GuiCredentialProvider::GuiCredentialProvider(Prompts* prompts) : m_prompts(prompts) {}

void GuiCredentialProvider::requestSecret(const engine::CredentialRequest& request, QObject* context,
                                          engine::CredentialReply reply)
{
    QPointer<QObject> engineSide(context);
    QPointer<Prompts> prompts = m_prompts;
    if (!prompts) {
        QMetaObject::invokeMethod(context, [reply] { reply(std::nullopt); }, Qt::QueuedConnection);
        return;
    }
    QMetaObject::invokeMethod(prompts.data(), [prompts, request, engineSide, reply] {
        if (!prompts || !engineSide)
            return;
        prompts->askSecret(request, prompts.data(), [engineSide, reply](std::optional<engine::SecretBuffer> secret) {
            // The buffer moves across threads inside a shared holder; it is wiped wherever it dies.
            auto holder = std::make_shared<std::optional<engine::SecretBuffer>>(std::move(secret));
            if (QObject* target = engineSide.data())
                QMetaObject::invokeMethod(target, [engineSide, reply, holder] {
                    if (engineSide)
                        reply(std::move(*holder));
                }, Qt::QueuedConnection);
        });
    }, Qt::QueuedConnection);
}

} // namespace hostdeck::ui
