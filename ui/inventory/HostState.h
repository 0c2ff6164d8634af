#pragma once

#include "engine/runner/SessionPool.h"

namespace hostdeck::ui {

/// What the inventory shows next to a host: what the last run or connection found.
enum class HostState
{
    NeverConnected,
    Connected,
    Idle, ///< the connection was closed after the idle time: fine, reconnects on the next run
    Unreachable,
    HostKeyUnknown,
    HostKeyChanged,
    HostKeyRevoked,
    AuthFailed,
    BecomeFailed,
    NoAnswer
};

/// The state a pool event means (the kind of its error, never its text).
HostState hostStateOf(engine::HostLinkState link, engine::ErrorKind kind);

} // namespace hostdeck::ui
