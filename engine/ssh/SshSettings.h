#pragma once

#include "engine/util/HostKeyPolicy.h"
#include "engine/util/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>

namespace hostdeck::engine {

struct SshSettings;

/// One hop of a ProxyJump chain (or any `[user@]host[:port]` destination).
struct SshEndpoint
{
    QString user; ///< empty: the login name (as `ssh -J host` would use), not the target's user
    QString host;
    quint16 port = 22;
    QStringList identityFiles; ///< from the ssh config; empty: the destination's identities
    /// The hop's own settings when it was resolved from an ssh config or an inventory host (its
    /// keys, known_hosts files, HostKeyAlias...), as OpenSSH uses a separate `ssh` for each hop.
    std::shared_ptr<const SshSettings> resolved;

    /// Parses `[user@]host[:port]` (IPv6 as `[addr]:port`).
    static Result<SshEndpoint> parse(const QString& text);
    QString toString() const; ///< `user@host:port`, user omitted when empty
};

/// Everything needed to open one SSH connection. A plain value: copy freely, no secrets inside.
struct SshSettings
{
    QString user; ///< empty: the local user name
    QString host;
    quint16 port = 22;
    QStringList identityFiles; ///< private key files, tried in order
    bool useDefaultIdentities =
        true; ///< try ~/.ssh/id_{ed25519,ecdsa,rsa} when identityFiles is empty
    bool useAgent = true;
    QString agentSocket;                ///< empty: $SSH_AUTH_SOCK
    bool usePassword = true;            ///< "password" auth with the credential provider's secret
    bool useKeyboardInteractive = true; ///< answer password prompts from the credential provider
    std::chrono::milliseconds connectTimeout{10000};    ///< resolve + TCP + KEX + auth
    std::chrono::milliseconds keepAliveInterval{30000}; ///< 0: off
    /// The one user known_hosts file (a command line's choice): wins over userKnownHostsFiles.
    QString knownHostsFile;
    QString globalKnownHostsFile;    ///< one global file ("/dev/null" in tests): wins over the list
    QStringList userKnownHostsFiles; ///< UserKnownHostsFile of the ssh config; the first is written
    QStringList globalKnownHostsFiles; ///< GlobalKnownHostsFile of the ssh config
    QString hostKeyAlias;              ///< known_hosts name instead of `[host]:port` (HostKeyAlias)
    bool hashKnownHosts = false;       ///< record new keys with hashed names (HashKnownHosts)
    HostKeyPolicy hostKeyPolicy = HostKeyPolicy::Strict;
    /// Let the ssh config's StrictHostKeyChecking set hostKeyPolicy (OpenSSH: only when the
    /// command line did not choose one; off by default so a config never loosens a choice).
    bool hostKeyPolicyFromConfig = false;
    QList<SshEndpoint> jumpHosts; ///< ProxyJump chain, first hop first
    QString sshConfigFile;        ///< the user ssh config (-F FILE or ~/.ssh/config), if any
    QString systemSshConfigFile;  ///< read after it, as ssh does (/etc/ssh/ssh_config), if any
    QString inventoryId; ///< whose secrets: carried into every CredentialRequest of the connection
    QString targetHost;  ///< the inventory name of the host (empty: the address)
    bool isJumpHop = false; ///< these settings reach a jump host on the way to targetHost

    QString effectiveUser() const;
    /// Where new keys are recorded: the first effective user known_hosts file.
    QString effectiveKnownHostsFile() const;
    QString effectiveGlobalKnownHostsFile() const; ///< the first global file (messages)
    /// knownHostsFile, else userKnownHostsFiles, else ~/.ssh/known_hosts and ~/.ssh/known_hosts2.
    QStringList effectiveUserKnownHostsFiles() const;
    /// globalKnownHostsFile, else globalKnownHostsFiles, else /etc/ssh/ssh_known_hosts{,2}.
    QStringList effectiveGlobalKnownHostsFiles() const;
    /// The name looked up in known_hosts: HostKeyAlias, else `host` (port 22) or `[host]:port`.
    QString hostKeyName() const;
    QStringList effectiveIdentityFiles() const;
    /// `user@host:port` for messages.
    QString targetName() const;
    /// Settings for connecting to a jump host: the hop's own resolved settings when it has them,
    /// otherwise this connection's options with that hop's address.
    SshSettings forJumpHost(const SshEndpoint& hop) const;
    /// Everything that makes two connections different (for connection sharing).
    QString connectionKey() const;
};

} // namespace hostdeck::engine
