#pragma once

#include "ssh/SshSettings.h"
#include "util/Result.h"

#include <QString>
#include <QStringList>

namespace hostdeck::engine {

/// The subset of an OpenSSH client config Hostdeck honours for one host (first value wins,
/// IdentityFile accumulates), after `Host` pattern matching (`*`, `?`, `!neg`, lists).
struct SshHostConfig
{
    QString hostName;
    QString user;
    int port = -1;
    QStringList identityFiles;
    QString proxyJump; ///< raw value: "a,b", "user@host:port", "none"
    QString userKnownHostsFile;
    int connectTimeoutSeconds = -1;
    int serverAliveIntervalSeconds = -1;
};

/// Resolves a destination (`alias` or `[user@]host[:port]`) against an OpenSSH config file into
/// SshSettings. ProxyJump hops are resolved through the same file (alias, user, port, keys).
class SshConfigResolver
{
public:
    /// `base` gives everything the config does not (timeouts, policy, known_hosts, the config
    /// file path in base.sshConfigFile; empty means no config file).
    static Result<SshSettings> resolve(const QString& destination, const SshSettings& base);
    /// The values for `alias` in `configFile`.
    static Result<SshHostConfig> lookup(const QString& configFile, const QString& alias);
    /// OpenSSH `Host` pattern list matching: true when some pattern matches and none negated does.
    static bool hostMatches(const QString& patterns, const QString& alias);
};

} // namespace hostdeck::engine
