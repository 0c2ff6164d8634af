#include "engine/util/Result.h"

#include <array>
#include <utility>

namespace hostdeck::engine {

namespace {
constexpr std::array kNames{
    std::pair{ErrorKind::Usage, "usage"},
    std::pair{ErrorKind::InvalidArgument, "invalid_argument"},
    std::pair{ErrorKind::NotFound, "not_found"},
    std::pair{ErrorKind::Connect, "connect"},
    std::pair{ErrorKind::Auth, "auth"},
    std::pair{ErrorKind::HostKeyUnknown, "host_key_unknown"},
    std::pair{ErrorKind::HostKeyChanged, "host_key_changed"},
    std::pair{ErrorKind::HostKeyRevoked, "host_key_revoked"},
    std::pair{ErrorKind::Bootstrap, "bootstrap"},
    std::pair{ErrorKind::Become, "become"},
    std::pair{ErrorKind::Timeout, "timeout"},
    std::pair{ErrorKind::NoAnswer, "no_answer"},
    std::pair{ErrorKind::Remote, "remote"},
    std::pair{ErrorKind::ConnectionLost, "connection_lost"},
    std::pair{ErrorKind::Protocol, "protocol"},
    std::pair{ErrorKind::Cancelled, "cancelled"},
    std::pair{ErrorKind::Closed, "closed"},
    std::pair{ErrorKind::Keychain, "keychain"},
    std::pair{ErrorKind::Io, "io"},
};
} // namespace

QString errorKindName(ErrorKind kind)
{
    for (const auto& [k, name] : kNames) {
        if (k == kind)
            return QString::fromLatin1(name);
    }
    return QStringLiteral("unknown");
}

ErrorKind errorKindFromName(const QString& name)
{
    for (const auto& [k, text] : kNames) {
        if (name == QLatin1String(text))
            return k;
    }
    return ErrorKind::Remote;
}

bool isUnreachableKind(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Connect:
    case ErrorKind::Auth:
    case ErrorKind::HostKeyUnknown:
    case ErrorKind::HostKeyChanged:
    case ErrorKind::HostKeyRevoked:
    case ErrorKind::Bootstrap:
    case ErrorKind::Become:
    case ErrorKind::NoAnswer:
    case ErrorKind::ConnectionLost:
    case ErrorKind::Protocol:
        return true;
    default:
        return false;
    }
}

} // namespace hostdeck::engine
