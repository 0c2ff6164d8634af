#pragma once

#include "app/cli/CliServices.h"

#include <QStringList>

namespace hostdeck::cli {

/// `run RECIPE.yml (--local | -H HOSTS | -i INVENTORY [-l PATTERN]) [target and run options]
/// [-e NAME=VALUE]... [--json | --events] [--stream] [--rerun-failed ID|last]` — a recipe as one
/// run of the run service: a readable line per host and its steps with a recap line by default,
/// JSON records (the GUI export's shape) with --json. The recipe's `hosts`, `serial` and
/// `max_fail_percentage` apply unless the command line says otherwise.
void runRecipe(CliServices& services, const QStringList& args, Done done);

} // namespace hostdeck::cli
