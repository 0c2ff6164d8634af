#pragma once

#include "ssh/CredentialProvider.h"

#include <QPointer>

namespace hostdeck::ui {

class Prompts;

/// The engine's credential seam for the GUI: asks the user through Prompts (GUI thread) and
/// posts the secret back to the engine's `context`. Called on the engine thread; never blocks.
class GuiCredentialProvider final : public engine::CredentialProvider
{
public:
    explicit GuiCredentialProvider(Prompts* prompts);
    void requestSecret(const engine::CredentialRequest& request, QObject* context, engine::CredentialReply reply) override;

private:
    QPointer<Prompts> m_prompts;
};

} // namespace hostdeck::ui
