#pragma once

#include "app/cli/CliServices.h"

namespace hostdeck::cli {

/// `hostdeck-cli serve`: the REST API (engine/api) served headless until SIGINT/SIGTERM.
void runServe(CliServices& services, const QStringList& args, Done done);

} // namespace hostdeck::cli
