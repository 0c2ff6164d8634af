#pragma once

namespace hostdeck::ui {

/// What the inventory shows next to a host.
enum class HostState
{
    NeverConnected,
    Connected,
    Unreachable,
    HostKeyUnknown,
    HostKeyChanged,
    AuthFailed
};

} // namespace hostdeck::ui
