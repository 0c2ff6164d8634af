#pragma once

#include "engine/ssh/HostKeyDecider.h"

#include <QElapsedTimer>
#include <QHash>

#include <memory>

namespace hostdeck::engine {

/// How long each target waited for a person (a host-key decision), so a host's duration in a
/// run counts the host's own time and not the time a dialog stayed open. Keyed by the target's
/// name (HostKeyQuestion::target). Engine thread only.
class DecisionClock
{
public:
    DecisionClock();
    /// A question about `target` was asked; returns its ticket for answered().
    quint64 asked(const QString& target);
    void answered(quint64 ticket);
    /// Every wait of `target` so far, the ones still open counted up to now.
    qint64 waitedMs(const QString& target) const;

private:
    struct Open
    {
        QString target;
        qint64 since = 0;
    };
    QElapsedTimer m_clock;
    QHash<QString, qint64> m_closed;
    QHash<quint64, Open> m_open;
    quint64 m_nextTicket = 1;
};

/// A HostKeyDecider that times every question it passes on to `inner` on a DecisionClock. A
/// question whose asker goes away unanswered stops counting then.
class TimedHostKeyDecider final : public HostKeyDecider
{
public:
    TimedHostKeyDecider(std::shared_ptr<HostKeyDecider> inner,
                        std::shared_ptr<DecisionClock> clock);
    void decide(const HostKeyQuestion& question, QObject* context,
                std::function<void(HostKeyDecision)> reply) override;

private:
    std::shared_ptr<HostKeyDecider> m_inner;
    std::shared_ptr<DecisionClock> m_clock;
};

} // namespace hostdeck::engine
