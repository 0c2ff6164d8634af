#pragma once

#include "engine/ssh/SshConfigSyntax.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace hostdeck::engine {

/// Something in an ssh config that OpenSSH would act on and Hostdeck cannot.
struct SshConfigIssue
{
    QString file;
    int line = 0;
    QString message;
    QString toString() const
    {
        return QStringLiteral("%1 line %2: %3").arg(file).arg(line).arg(message);
    }
};

/// What OpenSSH 9.2 makes of its configuration for one destination: the values `ssh -G` prints
/// (user, hostname, port, identityfile, proxyjump, ...), plus what Hostdeck needs to act on them.
/// Unset values are -1 / empty; `effective*()` apply OpenSSH's defaults.
struct SshHostConfig
{
    QString originalHost; ///< as given (`%n`, Host patterns)
    QString hostName;     ///< after HostName and %h, lower-cased as ssh does
    QString user;         ///< empty: not set (ssh uses the login name)
    int port = -1;
    QStringList identityFiles;         ///< as written (ssh -G prints them unexpanded), no defaults
    QStringList identityFilesExpanded; ///< ~, %tokens and ${ENV} expanded
    sshconfig::JumpSpec proxyJump;     ///< isNone/empty: no jump
    QString proxyCommand;              ///< empty or "none": none
    QStringList userKnownHostsFiles;   ///< expanded; empty: the defaults
    QStringList globalKnownHostsFiles; ///< as written; empty: the defaults
    QString hostKeyAlias;              ///< lower-cased
    int strictHostKeyChecking = -1;    ///< 0 off, 1 yes, 2 ask, 3 accept-new
    int connectTimeout = -1;           ///< seconds; -1 none
    int serverAliveInterval = -1;
    int hashKnownHosts = -1;
    int batchMode = -1;
    int passwordAuthentication = -1;
    int kbdInteractiveAuthentication = -1;
    QString identityAgent;         ///< expanded; "none", "SSH_AUTH_SOCK" or a path
    QString controlPath;           ///< expanded (same expansion as IdentityFile)
    QString revokedHostKeys;       ///< as written
    QString knownHostsCommand;     ///< as written
    int canonicalizeHostname = -1; ///< 0 no, 1 yes, 2 always
    QStringList canonicalDomains;
    bool finalPass = false; ///< the config was read twice (Match final / canonical)
    /// Things OpenSSH would act on that Hostdeck does not reproduce (Match exec, ProxyCommand...).
    QList<SshConfigIssue> unsupported;

    QString effectiveUser() const;
    int effectivePort() const { return port > 0 ? port : 22; }
    QStringList effectiveUserKnownHostsFiles() const;
    QStringList effectiveGlobalKnownHostsFiles() const;
    QString strictHostKeyCheckingName() const; ///< as ssh -G prints it ("true", "ask", ...)
    /// The text of the blocking issues, empty when Hostdeck can connect as ssh would.
    QString unsupportedText() const;
};

} // namespace hostdeck::engine
