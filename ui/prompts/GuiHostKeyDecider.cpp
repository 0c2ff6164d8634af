#include "ui/prompts/GuiHostKeyDecider.h"

#include "ui/prompts/Prompts.h"

namespace hostdeck::ui {

GuiHostKeyDecider::GuiHostKeyDecider(Prompts* prompts) : m_prompts(prompts) {}

void GuiHostKeyDecider::decide(const engine::HostKeyQuestion& question, QObject* context,
                               std::function<void(engine::HostKeyDecision)> reply)
{
    QPointer<QObject> engineSide(context);
    QPointer<Prompts> prompts = m_prompts;
    if (!prompts) {
        QMetaObject::invokeMethod(
            context, [reply] { reply(engine::HostKeyDecision::Reject); }, Qt::QueuedConnection);
        return;
    }
    QMetaObject::invokeMethod(
        prompts.data(),
        [prompts, question, engineSide, reply] {
            if (!prompts || !engineSide)
                return;
            prompts->askHostKey(question, prompts.data(),
                                [engineSide, reply](engine::HostKeyDecision decision) {
                                    if (QObject* target = engineSide.data())
                                        QMetaObject::invokeMethod(
                                            target,
                                            [engineSide, reply, decision] {
                                                if (engineSide)
                                                    reply(decision);
                                            },
                                            Qt::QueuedConnection);
                                });
        },
        Qt::QueuedConnection);
}

} // namespace hostdeck::ui
