#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace hostdeck::engine {

enum class CredentialKind
{
    SshPassword,
    KeyPassphrase,
    SudoPassword
};

/// "ssh-password", "key-passphrase", "sudo-password": the last part of a keychain key.
QString credentialKindName(CredentialKind kind);
std::optional<CredentialKind> credentialKindFromName(const QString& name);
QList<CredentialKind> allCredentialKinds();

} // namespace hostdeck::engine
