#pragma once

#include "app/cli/CliServices.h"

#include <QStringList>

namespace hostdeck::cli {

/// `copy LOCAL... PATTERN:REMOTE [options]`: files and folders to every host PATTERN names (an
/// inventory pattern with -i, else -H style destinations), as one run of CopyPlan. One JSON
/// record per host as it finishes (value: what was copied, changed false when the content was
/// already there), then the summary; --events for the whole stream, --progress for live
/// per-host progress on standard error.
void runCopy(CliServices& services, const QStringList& args, Done done);

/// `fetch PATTERN:REMOTE LOCALDIR [options]`: a file or folder from every host into
/// LOCALDIR/HOST/NAME, as one run of FetchPlan.
void runFetch(CliServices& services, const QStringList& args, Done done);

/// `sync LOCALDIR PATTERN:REMOTEDIR [--delete] [options]`: REMOTEDIR made to match LOCALDIR on
/// every host (only what differs travels), as one run of SyncPlan.
void runSync(CliServices& services, const QStringList& args, Done done);

} // namespace hostdeck::cli
