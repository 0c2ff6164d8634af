#pragma once

#include "engine/ssh/HostKeyDecider.h"
#include "engine/ssh/SshSettings.h"
#include "engine/util/Result.h"

struct ssh_session_struct;

namespace hostdeck::engine {

/// The verdict on a server's host key, after key exchange and before authentication.
struct HostKeyCheck
{
    enum class Outcome
    {
        Known,   ///< matches known_hosts
        Unknown, ///< not in known_hosts: policy or the decider decides
        Refused, ///< changed, other type, revoked or unreadable: never accepted
    };
    Outcome outcome = Outcome::Refused;
    HostKeyQuestion question; ///< the server's key, for the decider and messages
    Error error;              ///< for Refused; for Unknown the message a Strict refusal uses
};

/// Checks a session's server key against the configured known_hosts files as OpenSSH 9.2 does:
/// every UserKnownHostsFile and GlobalKnownHostsFile, HostKeyAlias, hashed names, patterns,
/// @revoked (always refused) and @cert-authority (never taken for a plain key).
class HostKeyVerifier
{
public:
    static HostKeyCheck check(ssh_session_struct* session, const SshSettings& settings);
    /// Appends the server's key to the first user known_hosts file, under the name it is looked
    /// up by (HostKeyAlias or `[host]:port`), hashed when HashKnownHosts is on.
    static Status record(ssh_session_struct* session, const SshSettings& settings);
    /// The host key algorithms to offer: types already known for this host first (as ssh).
    static QString preferredAlgorithms(const SshSettings& settings);
};

} // namespace hostdeck::engine
