#pragma once

#include "transport/Transport.h"

#include <QByteArray>
#include <QStringList>

namespace hostdeck::engine {

/// Builds what starts an agent from a bare interpreter: the loader command line and the payload
/// (stripped agent source, xz-compressed with liblzma, base64) it reads from stdin.
/// See bootstrap/PROTOCOL.md §1.
class Bootstrap
{
public:
    /// `interpreter` is an argv prefix: {"python3"}, {"/usr/bin/python3"}, {"chroot", "/x",
    /// "python3"}.
    struct Options
    {
        QStringList interpreter{QStringLiteral("python3")};
        bool become = false; ///< run under sudo
        QString becomeUser;  ///< empty = root
    };

    /// The payload written to stdin after start (base64 of xz of the agent). Computed once.
    static const QByteArray& payload();
    /// The agent source as embedded (stripped); for tests and the benchmark.
    static QByteArray agentSource();
    static Command command(const Options& options);
    /// Command line bytes + payload bytes: everything sent before the handshake.
    static qsizetype bytesBeforeHandshake(const Options& options);

    /// Markers the loader / sudo print during start-up.
    static QByteArray readyMarker() { return QByteArrayLiteral("HOSTDECK-READY "); }
    static QByteArray tooOldMarker() { return QByteArrayLiteral("HOSTDECK-PYTHON-TOO-OLD "); }
    static QByteArray loaderMarker() { return QByteArrayLiteral("HOSTDECK-LOADER"); }
    static QByteArray sudoPromptMarker() { return QByteArrayLiteral("HOSTDECK-SUDO-PROMPT:"); }
};

} // namespace hostdeck::engine
