#pragma once

namespace hostdeck::engine {

/// What to do with a host key that is not in known_hosts. Changed keys are always refused;
/// there is deliberately no "accept everything".
enum class HostKeyPolicy
{
    Strict,    ///< unknown key: ask the HostKeyDecider if there is one, otherwise refuse
    AcceptNew, ///< unknown key: record it in known_hosts and continue
};

} // namespace hostdeck::engine
