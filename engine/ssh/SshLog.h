#pragma once

#include <QLoggingCategory>

namespace hostdeck::engine {

/// Logging category of the SSH layer. Never logs secrets or remote payloads.
Q_DECLARE_LOGGING_CATEGORY(lcSsh)

} // namespace hostdeck::engine
