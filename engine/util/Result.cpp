#include "util/Result.h"

namespace hostdeck::engine {

QString errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Usage:
        return QStringLiteral("usage");
    case ErrorKind::NotFound:
        return QStringLiteral("not-found");
    case ErrorKind::Unreachable:
        return QStringLiteral("unreachable");
    case ErrorKind::Auth:
        return QStringLiteral("auth");
    case ErrorKind::HostKey:
        return QStringLiteral("hostkey");
    case ErrorKind::Timeout:
        return QStringLiteral("timeout");
    case ErrorKind::Remote:
        return QStringLiteral("remote");
    case ErrorKind::Connection:
        return QStringLiteral("connection");
    case ErrorKind::Protocol:
        return QStringLiteral("protocol");
    case ErrorKind::Cancelled:
        return QStringLiteral("cancelled");
    case ErrorKind::Keychain:
        return QStringLiteral("keychain");
    case ErrorKind::Io:
        return QStringLiteral("io");
    }
    return QStringLiteral("unknown");
}

} // namespace hostdeck::engine
