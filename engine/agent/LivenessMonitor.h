#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

namespace hostdeck::engine {

/// Notices a peer that has gone silent (PROTOCOL.md §3, Liveness). Every byte from the peer is a
/// sign of life (heard(), cheap enough for every read). After a third of the bound in silence it
/// asks for one (sendPing); after the whole bound it gives up (onSilent). A busy peer is never
/// pinged; an idle one is pinged every third of the bound and so never mistaken for a dead one.
/// If the owner's event loop was itself held up, the verdict waits for a turn of reading first.
class LivenessMonitor final : public QObject
{
    Q_OBJECT
public:
    LivenessMonitor(std::function<void()> sendPing, std::function<void()> onSilent,
                    QObject* parent = nullptr);

    /// Start watching with `bound` (0 = off), counting the silence from now.
    void start(std::chrono::milliseconds bound);
    void stop();
    void heard() { m_lastHeard = m_clock.elapsed(); }
    bool isActive() const { return m_timer.isActive(); }
    std::chrono::milliseconds bound() const { return m_bound; }
    int pingsSent() const { return m_pings; }

private:
    void check();
    void schedule(qint64 dueMs);

    std::function<void()> m_sendPing;
    std::function<void()> m_onSilent;
    std::chrono::milliseconds m_bound{0};
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastHeard = 0;
    qint64 m_pingSent = -1;
    qint64 m_due = 0;
    qint64 m_notBefore = 0;
    int m_pings = 0;
};

} // namespace hostdeck::engine
