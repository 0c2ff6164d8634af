#pragma once

#include <QStringList>
#include <QTextStream>

namespace hostdeck::cli {

/// `ssh-config resolve [--ssh-config FILE] [--system-config FILE] [-l USER] [-p PORT] [-J JUMP]
/// ALIAS...`: what Hostdeck makes of the OpenSSH configuration for each alias, as a JSON array
/// of objects keyed like `ssh -G` output (hostname, user, port, identityfile, proxyjump,
/// userknownhostsfile, ...) plus Hostdeck's own view (expanded identity files, the resolved jump
/// chain, what it does not support). A diagnostic: the differential test against `ssh -G` uses
/// it. Without --ssh-config it reads ~/.ssh/config and /etc/ssh/ssh_config, as ssh does.
/// Returns 0, 1 when an alias could not be resolved, 2 on a usage error.
int runSshConfigCommand(const QStringList& args, QTextStream& out, QTextStream& err);

} // namespace hostdeck::cli
