#pragma once

#include "engine/agent/BecomeMethod.h"
#include "engine/transport/Transport.h"

#include <QByteArray>
#include <QStringList>

namespace hostdeck::engine {

/// Builds what starts an agent from a bare interpreter: the loader command line, the payload it
/// reads from stdin (the stripped boot stage, xz-compressed with liblzma, base64) and the BOOT
/// frame that follows (the agent as xz'd source, plus its bytecode when the build made it).
/// See bootstrap/PROTOCOL.md §1.
class Bootstrap
{
public:
    /// `interpreter` is an argv prefix: {"python3"}, {"/usr/bin/python3"}, {"chroot", "/x",
    /// "python3"}.
    struct Options
    {
        QStringList interpreter{QStringLiteral("python3")};
        bool become = false; ///< run as becomeUser through becomeMethod
        BecomeMethod becomeMethod = BecomeMethod::Sudo;
        QString becomeUser;   ///< empty = root
        bool bytecode = true; ///< send precompiled code beside the sources (used when it fits)
    };

    /// The payload written to stdin after start (base64 of xz of the boot stage). Computed once.
    static const QByteArray& payload();
    /// The BOOT frame written right after the payload. Computed once per variant.
    static const QByteArray& bootFrame(bool withBytecode);
    /// The agent source as embedded (stripped); for tests and the benchmark.
    static QByteArray agentSource();
    static Command command(const Options& options);
    /// Command line bytes + payload bytes: everything sent before the handshake (READY, which the
    /// boot stage says before it reads the BOOT frame).
    static qsizetype bytesBeforeHandshake(const Options& options);

    /// Why `options` cannot start an agent (a become user su would take for an option), or empty.
    static QString problem(const Options& options);

    /// Markers the loader / sudo / the su stage print during start-up.
    static QByteArray readyMarker() { return QByteArrayLiteral("HOSTDECK-READY "); }
    static QByteArray tooOldMarker() { return QByteArrayLiteral("HOSTDECK-PYTHON-TOO-OLD "); }
    static QByteArray loaderMarker() { return QByteArrayLiteral("HOSTDECK-LOADER"); }
    static QByteArray sudoPromptMarker() { return QByteArrayLiteral("HOSTDECK-SUDO-PROMPT:"); }
    /// A line on stderr: su asks (the rest of the line is its prompt); one answer line follows.
    static QByteArray suPromptMarker() { return QByteArrayLiteral("HOSTDECK-SU-PROMPT:"); }
    /// A line on stderr: su exited before the agent started: "<exit code> <what su printed>".
    static QByteArray suFailedMarker() { return QByteArrayLiteral("HOSTDECK-SU-FAILED "); }
};

} // namespace hostdeck::engine
