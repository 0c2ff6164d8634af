#pragma once

#include "engine/inventory/ImportResult.h"
#include "engine/util/Result.h"

namespace hostdeck::engine {

/// Imports the hosts of an OpenSSH client configuration so that each connects exactly as
/// `ssh ALIAS` would. Every literal name of a `Host` line becomes a host; its settings are
/// resolved the way ssh resolves them (SshConfigResolver: Host and Match blocks, `Host *` before
/// or after, Include, first value wins, tokens expanded) and written on the host itself:
/// ansible_host/_user/_port, ansible_ssh_private_key_file (+ hostdeck_identity_files when there
/// are several), hostdeck_jump (hops that are imported hosts by name, others as resolved
/// `user@host:port`), hostdeck_known_hosts, hostdeck_global_known_hosts,
/// hostdeck_host_key_alias, hostdeck_hash_known_hosts, hostdeck_host_keys, ansible_ssh_timeout.
/// Per host rather than on group `all`: ssh's "first value wins" across blocks has no
/// equivalent in inventory precedence (host vars always beat group vars), so only per-host
/// values reproduce it. Group `all` gets hostdeck_ssh_config: none, so Hostdeck does not apply
/// an ssh config a second time. Options without an inventory equivalent, patterns that are no
/// host and what ssh would do that Hostdeck cannot (Match exec...) are reported with file, line
/// and what to do. The system config (/etc/ssh/ssh_config) is read too when `path` is the
/// user's own ~/.ssh/config, as ssh reads it; relative Includes are relative to ~/.ssh.
class SshConfigImporter
{
public:
    static Result<ImportResult> importFile(const QString& path);
};

} // namespace hostdeck::engine
