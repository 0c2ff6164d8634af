#pragma once

#include "engine/util/Result.h"

#include <QByteArray>
#include <QObject>
#include <QStringList>

namespace hostdeck::engine {

/// A command to start on the target: a program and its arguments, never a shell string.
/// Transports that must go through a remote shell (SSH) quote each word themselves.
struct Command
{
    QString program;
    QStringList arguments;
};

/// How the far end finished.
struct TransportExit
{
    int exitCode = -1;    ///< -1 when unknown (killed, connection dropped)
    bool crashed = false; ///< killed by a signal / connection dropped
    QString description;  ///< human-readable
};

/// A byte stream to a process started on a target (local process, SSH channel). One object per
/// started process; single-threaded (lives on the engine thread); never blocks.
///
/// Lifecycle: start() -> started() -> dataReceived()* -> [outputClosed()] -> finished(); or
/// start() -> failed(). After finished()/failed() nothing else is emitted. outputClosed() says the
/// process closed its stdout; it usually comes just before finished(), but a process may close
/// its output and go on running (the session treats that as a lost connection).
class Transport : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~Transport() override = default;

    /// A short description of the target for messages ("local", "deploy@web1:22").
    virtual QString targetName() const = 0;
    virtual void start(const Command& command) = 0;
    /// Queue bytes for the process's stdin. Writes are non-blocking and kept in order.
    virtual void write(const QByteArray& data) = 0;
    /// Bytes queued but not yet handed to the OS / SSH window.
    virtual qint64 bytesToWrite() const = 0;
    /// Close the process's stdin (EOF); the process is expected to exit.
    virtual void closeWrite() = 0;
    /// Stop the process now (kill / close channel). finished() follows.
    virtual void abort() = 0;
    /// Stop the process because the far end stopped answering: like abort(), and nothing that
    /// carried it is reused (an SSH connection is dropped, so the next session reconnects).
    virtual void abortUnresponsive() { abort(); }

signals:
    void started();
    void dataReceived(const QByteArray& data);   ///< process stdout
    void stderrReceived(const QByteArray& data); ///< process stderr
    void outputClosed();                         ///< end of the process's stdout
    void failed(const hostdeck::engine::Error& error);
    void finished(const hostdeck::engine::TransportExit& exit);
};

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::TransportExit)
