#pragma once

#include "engine/ssh/HostKeyDecider.h"

#include <QPointer>

namespace hostdeck::ui {

class Prompts;

/// The engine's host-key seam, answered by the user through Prompts. decide() is called on the
/// engine thread: the question is posted to the GUI thread and the answer posted back to the
/// engine's `context`; nothing blocks on either side.
class GuiHostKeyDecider final : public engine::HostKeyDecider
{
public:
    explicit GuiHostKeyDecider(Prompts* prompts);
    void decide(const engine::HostKeyQuestion& question, QObject* context,
                std::function<void(engine::HostKeyDecision)> reply) override;

private:
    QPointer<Prompts> m_prompts;
};

} // namespace hostdeck::ui
