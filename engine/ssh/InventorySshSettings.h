#pragma once

#include "engine/ssh/SshSettings.h"
#include "engine/util/Result.h"

#include <QString>
#include <QVariantMap>

#include <functional>
#include <optional>

namespace hostdeck::engine {

/// The merged variables of an inventory host by name; nullopt when the inventory has no such host.
using HostVariables = std::function<std::optional<QVariantMap>(const QString& host)>;

/// Connection settings of an inventory host from its variables, the one place that reads them:
/// ansible_host/_port/_user, ansible_ssh_private_key_file (or hostdeck_identity_files, a list),
/// ansible_ssh_timeout, hostdeck_jump (hops that are inventory hosts are dialled with their own
/// settings, the first hop's own jump followed, as ssh does), hostdeck_known_hosts,
/// hostdeck_global_known_hosts, hostdeck_host_key_alias, hostdeck_hash_known_hosts,
/// hostdeck_host_keys, and hostdeck_ssh_config: absent, the address is resolved through the
/// ssh config of `base` first (Ansible's way: ssh reads ~/.ssh/config); "none", not at all (an
/// inventory imported from an ssh config carries its settings); a path, through that file.
class InventorySshSettings
{
public:
    static Result<SshSettings> forHost(const QString& name, const QVariantMap& vars,
                                       const SshSettings& base, const HostVariables& hosts);
};

} // namespace hostdeck::engine
