#pragma once

#include "util/HostKeyPolicy.h"
#include "util/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>

namespace hostdeck::engine {

/// One hop of a ProxyJump chain (or any `[user@]host[:port]` destination).
struct SshEndpoint
{
    QString user; ///< empty: the user of the final destination
    QString host;
    quint16 port = 22;
    QStringList identityFiles; ///< from the ssh config; empty: the destination's identities

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
    QString knownHostsFile;                             ///< empty: ~/.ssh/known_hosts
    QString globalKnownHostsFile; ///< empty: /etc/ssh/ssh_known_hosts ("/dev/null" in tests)
    HostKeyPolicy hostKeyPolicy = HostKeyPolicy::Strict;
    QList<SshEndpoint> jumpHosts; ///< ProxyJump chain, first hop first
    QString sshConfigFile;        ///< the OpenSSH config these settings were resolved from, if any
    QString inventoryId; ///< whose secrets: carried into every CredentialRequest of the connection
    QString targetHost;  ///< the inventory name of the host (empty: the address)
    bool isJumpHop = false; ///< these settings reach a jump host on the way to targetHost

    QString effectiveUser() const;
    QString effectiveKnownHostsFile() const;
    QString effectiveGlobalKnownHostsFile() const;
    QStringList effectiveIdentityFiles() const;
    /// `user@host:port` for messages.
    QString targetName() const;
    /// Settings for connecting to a jump host: this connection's options, that hop's address.
    SshSettings forJumpHost(const SshEndpoint& hop) const;
};

} // namespace hostdeck::engine
