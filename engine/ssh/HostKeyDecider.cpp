#include "engine/ssh/HostKeyDecider.h"

#include <QTimer>

namespace hostdeck::engine {

void FixedHostKeyDecider::decide(const HostKeyQuestion& question, QObject* context,
                                 std::function<void(HostKeyDecision)> reply)
{
    Q_UNUSED(question);
    ++m_questions;
    QTimer::singleShot(0, context,
                       [decision = m_decision, reply = std::move(reply)]() { reply(decision); });
}

} // namespace hostdeck::engine
