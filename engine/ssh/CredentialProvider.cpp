#include "ssh/CredentialProvider.h"

namespace hostdeck::engine {

QString credentialKindName(CredentialKind kind)
{
    switch (kind) {
    case CredentialKind::SshPassword: return QStringLiteral("ssh-password");
    case CredentialKind::KeyPassphrase: return QStringLiteral("key-passphrase");
    case CredentialKind::SudoPassword: return QStringLiteral("sudo-password");
    }
    return QStringLiteral("unknown");
}

} // namespace hostdeck::engine
