#pragma once

#include "app/cli/CliServices.h"

#include <QStringList>

namespace hostdeck::cli {

/// `call (--local | -H HOSTS | -i INVENTORY -l PATTERN) [target and run options] TOOL.METHOD
/// [--arg NAME=JSON]... [--json | --events] [--stream]` — one run through the engine's run
/// service. --local prints the value; otherwise (and with --json) one JSON record per host as
/// it finishes, then the summary line; --events prints the whole event stream.
void runCall(CliServices& services, const QStringList& args, Done done);

/// `render FILE [--vars VARS.json] [--python CMD]`: the template rendered on this machine,
/// printed exactly (no added newline).
void runRender(CliServices& services, const QStringList& args, Done done);

/// `targets (--local | -H HOSTS | -i INVENTORY -l PATTERN) [target options]`: what the hosts
/// resolve to (TargetFactory, the one mapping every face uses), as a JSON array.
void runTargets(CliServices& services, const QStringList& args, Done done);

/// `tools [--tools-dir DIR]`: the tool descriptions as JSON.
void runTools(CliServices& services, const QStringList& args, Done done);

} // namespace hostdeck::cli
