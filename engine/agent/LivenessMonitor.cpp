#include "engine/agent/LivenessMonitor.h"

namespace hostdeck::engine {

namespace {
/// A timer that fires this much later than asked means the event loop was busy: data may be
/// waiting unread, so the verdict waits this long for it.
constexpr qint64 kLateMs = 500;
} // namespace

LivenessMonitor::LivenessMonitor(std::function<void()> sendPing, std::function<void()> onSilent,
                                 QObject* parent)
    : QObject(parent), m_sendPing(std::move(sendPing)), m_onSilent(std::move(onSilent))
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &LivenessMonitor::check);
}

void LivenessMonitor::start(std::chrono::milliseconds bound)
{
    m_bound = bound;
    if (bound.count() <= 0) {
        stop();
        return;
    }
    m_clock.start();
    m_lastHeard = 0;
    m_pingSent = -1;
    m_notBefore = 0;
    schedule(bound.count() / 3);
}

void LivenessMonitor::stop()
{
    m_timer.stop();
}

void LivenessMonitor::schedule(qint64 dueMs)
{
    const qint64 now = m_clock.elapsed();
    m_due = qMax(dueMs, now + 1);
    m_timer.start(std::chrono::milliseconds(m_due - now));
}

void LivenessMonitor::check()
{
    const qint64 now = m_clock.elapsed();
    if (now - m_due > kLateMs)
        m_notBefore = now + kLateMs;
    const qint64 bound = m_bound.count();
    const qint64 pingAfter = bound / 3;
    const qint64 silence = now - m_lastHeard;
    if (silence >= bound && now >= m_notBefore) {
        m_onSilent(); // may delete this
        return;
    }
    // A pong can arrive within the millisecond of its ping: only what comes later is an answer
    // when the ping went out after it, so "answered" is "heard at or after the ping".
    const bool pingOutstanding = m_pingSent > m_lastHeard;
    if (!pingOutstanding && silence >= pingAfter) {
        m_pingSent = now;
        ++m_pings;
        m_sendPing();
    }
    const bool waitingForAnswer = m_pingSent > m_lastHeard;
    schedule(qMax(m_lastHeard + (waitingForAnswer ? bound : pingAfter), m_notBefore));
}

} // namespace hostdeck::engine
