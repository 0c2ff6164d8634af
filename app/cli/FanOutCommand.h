#pragma once

#include "LocalCommands.h"
#include "agent/AgentSession.h"
#include "runner/HostTarget.h"
#include "ssh/CredentialProvider.h"

#include <functional>
#include <memory>

namespace hostdeck::cli {

/// Shared settings of `call` on many hosts; the target list comes from -H or an inventory.
struct FanOutOptions
{
    QList<engine::HostTarget> hosts;
    engine::CallRequest request;
    int forks = 100;
    bool passwordFromStdin = false;
    QStringList toolsDirs; ///< --tools-dir; empty: the user tools folder
    /// Secrets source (e.g. the keychain for an inventory); null: only --password-stdin.
    std::shared_ptr<engine::CredentialProvider> credentials;
    /// Per-host sudo password source going with `credentials`.
    std::function<engine::AgentSession::SecretRequest(const engine::HostTarget&)> sudoPasswordFor;
};

/// `call -H HOST[,HOST...] [--ssh-config FILE] [--known-hosts FILE] [--host-keys strict|accept-new]
///  [--forks N] [--become [--become-user U]] [--password-stdin] [--python PATH] [--timeout S]
///  [--check] TOOL.METHOD [--arg NAME=JSON]...` — one JSON line per host as results arrive, then a
///  summary
/// line; exit 0 when every host succeeded, 1 when any failed, 2 on usage errors.
void runFanOutCall(const QStringList& args, Done done);

/// Runs a prepared fan-out and prints its lines (also used by `call -i FILE -l PATTERN`).
void executeFanOut(FanOutOptions options, Done done);

} // namespace hostdeck::cli
