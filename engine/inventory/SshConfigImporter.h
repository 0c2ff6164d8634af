#pragma once

#include "inventory/ImportResult.h"
#include "util/Result.h"

namespace hostdeck::engine {

/// Imports the hosts of an OpenSSH client configuration. Each concrete name of a `Host` line
/// becomes a host with HostName/User/Port/IdentityFile/ProxyJump/StrictHostKeyChecking mapped to
/// inventory variables; as in ssh, the first value obtained for an option wins. `Include` is
/// followed (globs, `~`, relative paths resolved against the directory of the imported file, as
/// ssh does for ~/.ssh/config). Wildcard and negated names, `Match` blocks and options without an
/// inventory equivalent are reported, never silently dropped.
class SshConfigImporter
{
public:
    static Result<ImportResult> importFile(const QString& path);
};

} // namespace hostdeck::engine
