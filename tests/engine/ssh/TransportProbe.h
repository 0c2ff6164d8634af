#pragma once

#include "engine/transport/Transport.h"

#include <QElapsedTimer>
#include <QObject>

namespace hostdeck::test {

/// Records everything a Transport emits, for QTRY_* waits in the tests.
class TransportProbe : public QObject
{
public:
    explicit TransportProbe(engine::Transport* transport)
    {
        m_clock.start();
        connect(transport, &engine::Transport::started, this, [this]() { started = true; });
        connect(transport, &engine::Transport::dataReceived, this,
                [this](const QByteArray& data) { out += data; });
        connect(transport, &engine::Transport::stderrReceived, this,
                [this](const QByteArray& data) { err += data; });
        connect(transport, &engine::Transport::finished, this,
                [this](const engine::TransportExit& e) {
                    exit = e;
                    finished = true;
                    endedAtMs = m_clock.elapsed();
                });
        connect(transport, &engine::Transport::failed, this, [this](const engine::Error& e) {
            error = e;
            failed = true;
            endedAtMs = m_clock.elapsed();
        });
    }
    bool done() const { return finished || failed; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

    bool started = false;
    bool finished = false;
    bool failed = false;
    QByteArray out;
    QByteArray err;
    engine::TransportExit exit;
    engine::Error error;
    qint64 endedAtMs = -1;

private:
    QElapsedTimer m_clock;
};

} // namespace hostdeck::test
