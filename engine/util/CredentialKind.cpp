#include "engine/util/CredentialKind.h"

namespace hostdeck::engine {

QString credentialKindName(CredentialKind kind)
{
    switch (kind) {
    case CredentialKind::SshPassword:
        return QStringLiteral("ssh-password");
    case CredentialKind::KeyPassphrase:
        return QStringLiteral("key-passphrase");
    case CredentialKind::SudoPassword:
        return QStringLiteral("sudo-password");
    }
    return QString();
}

std::optional<CredentialKind> credentialKindFromName(const QString& name)
{
    for (CredentialKind kind : allCredentialKinds()) {
        if (credentialKindName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

QList<CredentialKind> allCredentialKinds()
{
    return {CredentialKind::SshPassword, CredentialKind::KeyPassphrase,
            CredentialKind::SudoPassword};
}

} // namespace hostdeck::engine
