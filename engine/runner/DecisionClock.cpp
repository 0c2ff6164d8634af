#include "engine/runner/DecisionClock.h"

#include <QObject>
#include <QPointer>

namespace hostdeck::engine {

DecisionClock::DecisionClock()
{
    m_clock.start();
}

quint64 DecisionClock::asked(const QString& target)
{
    const quint64 ticket = m_nextTicket++;
    m_open.insert(ticket, Open{target, m_clock.elapsed()});
    return ticket;
}

void DecisionClock::answered(quint64 ticket)
{
    const auto it = m_open.constFind(ticket);
    if (it == m_open.cend())
        return;
    m_closed[it->target] += m_clock.elapsed() - it->since;
    m_open.erase(it);
}

qint64 DecisionClock::waitedMs(const QString& target) const
{
    qint64 total = m_closed.value(target, 0);
    const qint64 now = m_clock.elapsed();
    for (const Open& open : m_open) {
        if (open.target == target)
            total += now - open.since;
    }
    return total;
}

TimedHostKeyDecider::TimedHostKeyDecider(std::shared_ptr<HostKeyDecider> inner,
                                         std::shared_ptr<DecisionClock> clock)
    : m_inner(std::move(inner)), m_clock(std::move(clock))
{
}

void TimedHostKeyDecider::decide(const HostKeyQuestion& question, QObject* context,
                                 std::function<void(HostKeyDecision)> reply)
{
    const QString target = question.target.isEmpty() ? question.host : question.target;
    const quint64 ticket = m_clock->asked(target);
    std::weak_ptr<DecisionClock> clock = m_clock;
    // The asker may be destroyed before an answer comes (a cancelled run): stop counting then.
    QObject::connect(context, &QObject::destroyed, context, [clock, ticket] {
        if (const auto alive = clock.lock())
            alive->answered(ticket);
    });
    m_inner->decide(question, context,
                    [clock, ticket, reply = std::move(reply)](HostKeyDecision decision) {
                        if (const auto alive = clock.lock())
                            alive->answered(ticket);
                        reply(decision);
                    });
}

} // namespace hostdeck::engine
