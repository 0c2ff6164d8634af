#pragma once

#include "engine/inventory/ImportResult.h"
#include "engine/util/Result.h"

#include <QByteArray>

namespace hostdeck::engine {

/// Imports a Reemote JSON inventory: `{"hosts": [{"connection": {...}, "authentication": {...},
/// "session": {"env": {...}}, "groups": [...]}]}`. Connection settings become Ansible variables
/// (ansible_user, ansible_port, ansible_ssh_private_key_file, hostdeck_jump for a tunnel);
/// `session.env` becomes the host's `environment`; `su_user` becomes ansible_become_method su and
/// ansible_become_user. Passwords and passphrases are returned as secrets for the keychain (the su
/// password, or else the sudo password, as the become password), never as variables.
/// `known_hosts: null` (host-key checking off) is not carried over, and every key that is not
/// mapped is reported as an issue.
class ReemoteImporter
{
public:
    static Result<ImportResult> importFile(const QString& path);
    static Result<ImportResult> parse(const QByteArray& text, const QString& fileName);
};

} // namespace hostdeck::engine
