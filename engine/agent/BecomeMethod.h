#pragma once

namespace hostdeck::engine {

/// How the agent is started as another user (Ansible's become_method).
enum class BecomeMethod
{
    Sudo, ///< sudo -u USER: the login user's password, when sudo asks
    Su    ///< su USER: USER's password, typed into a pseudo-terminal on the host
};

} // namespace hostdeck::engine
