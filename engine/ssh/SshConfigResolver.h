#pragma once

#include "engine/ssh/SshHostConfig.h"
#include "engine/ssh/SshSettings.h"
#include "engine/util/Result.h"

#include <QString>

namespace hostdeck::engine {

/// The configuration files ssh reads: a user file (`-F FILE`, else ~/.ssh/config) and then,
/// unless -F was given, the system file (/etc/ssh/ssh_config).
struct SshConfigFiles
{
    QString user;
    bool userMustExist = true;     ///< -F: a missing file is an error (~/.ssh/config may be absent)
    bool checkPermissions = false; ///< ~/.ssh/config must not be writable by others (as ssh checks)
    QString system;

    /// `ssh -F file`: that file only.
    static SshConfigFiles explicitFile(const QString& file);
    /// `ssh` without -F: ~/.ssh/config (of the password database's home) and /etc/ssh/ssh_config.
    static SshConfigFiles standard();
    /// The files SshSettings names (sshConfigFile, systemSshConfigFile).
    static SshConfigFiles fromSettings(const SshSettings& settings);
};

/// What a command line fixes before the config is read, as `ssh -l USER -p PORT -J JUMP HOST`.
struct SshConfigQuery
{
    QString host; ///< the destination as given: matched against Host patterns, is %n
    QString user;
    int port = -1;
    QString jump; ///< a ProxyJump value given on the command line (ignores the config's)
};

/// OpenSSH 9.2's reading of its client configuration, checked against `ssh -G`: Host and Match
/// (host, originalhost, user, localuser, all, final, canonical) blocks, Include with globs,
/// first value wins, tokens, the final pass, ProxyJump chains resolved hop by hop as ssh's own
/// jump processes do. What Hostdeck cannot reproduce (Match exec, ProxyCommand, ...) is reported
/// in SshHostConfig::unsupported and refused by resolve().
class SshConfigResolver
{
public:
    /// The configuration for one destination (`ssh -G`). Errors as ssh's: bad lines, unreadable
    /// or unsafe files, bad tokens, with file and line.
    static Result<SshHostConfig> lookup(const SshConfigFiles& files, const SshConfigQuery& query);

    /// Connection settings for `destination` (`alias` or `[user@]host[:port]`): the config of
    /// base.sshConfigFile / base.systemSshConfigFile applied over `base` (which acts as the
    /// command line), including the ProxyJump chain. Fails on anything OpenSSH would do that
    /// Hostdeck cannot (a Match exec that decides, ProxyCommand, ...), naming file and line.
    static Result<SshSettings> resolve(const QString& destination, const SshSettings& base);
    /// The same for a destination already split (an inventory host's alias, user and port).
    static Result<SshSettings> resolve(const SshConfigQuery& query, const SshSettings& base);

    /// `base` with `config` applied (no jump chain): what ssh would use for that connection.
    static SshSettings apply(const SshHostConfig& config, const SshSettings& base);
    /// ssh refuses a destination with shell metacharacters, blanks or a leading '-'.
    static bool isValidHostName(const QString& host);
};

} // namespace hostdeck::engine
