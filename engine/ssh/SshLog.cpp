#include "engine/ssh/SshLog.h"

namespace hostdeck::engine {

Q_LOGGING_CATEGORY(lcSsh, "hostdeck.engine.ssh")

} // namespace hostdeck::engine
