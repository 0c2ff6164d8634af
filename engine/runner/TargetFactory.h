#pragma once

#include "engine/inventory/Inventory.h"
#include "engine/runner/HostTarget.h"
#include "engine/util/Result.h"

namespace hostdeck::engine {

/// The user's settings that apply where an inventory host says nothing (the GUI's preferences,
/// the CLI's options). A plain value.
struct TargetSettings
{
    /// Read the user's OpenSSH config (`sshConfigFile`, or ~/.ssh/config when that is empty).
    bool useSshConfig = true;
    QString sshConfigFile;
    SshSettings ssh;         ///< known_hosts, host-key policy, timeouts, default identities
    QStringList interpreter; ///< default remote interpreter argv; empty: python3
    QStringList localInterpreter{QStringLiteral("python3")}; ///< for local hosts without one
    bool become = false;                                     ///< for hosts without ansible_become
    QString becomeUser; ///< for hosts without ansible_become_user (empty: root)
    BecomeMethod becomeMethod = BecomeMethod::Sudo;
};

/// What a pattern selected, as targets.
struct ResolvedTargets
{
    QList<HostTarget> hosts;
    QStringList warnings;
};

/// The one place an inventory host, an ad-hoc destination or the local machine becomes a
/// HostTarget; every face (GUI, CLI, template editor, recipes, REST) uses it, so the same host
/// resolves to the same target everywhere. Order: the host's variables after precedence (Ansible
/// keys: ansible_host, ansible_port, ansible_user, ansible_ssh_private_key_file,
/// ansible_python_interpreter, ansible_become*, ansible_connection, environment; Hostdeck keys:
/// hostdeck_jump, hostdeck_host_keys), then the user's ssh_config for the address, then
/// TargetSettings. An interpreter is a command line (`/usr/bin/env python3`); a jump host that
/// does not parse is an error.
class TargetFactory
{
public:
    /// The name of the local machine when an inventory does not define it (as in Ansible).
    static QString localHostName() { return QStringLiteral("localhost"); }

    static Result<HostTarget> forHost(const Inventory& inventory, const QString& host,
                                      const TargetSettings& settings);
    /// `[user@]host[:port]` or an ssh_config alias (`hostdeck-cli call -H`).
    static Result<HostTarget> forDestination(const QString& destination,
                                             const TargetSettings& settings);
    /// This machine as a local process.
    static HostTarget localMachine(const TargetSettings& settings,
                                   const QString& name = localHostName(),
                                   const QString& inventoryId = {});
    /// A host pattern over the inventory (Ansible semantics); `localhost` is this machine unless
    /// the inventory defines it.
    static Result<ResolvedTargets> resolve(const Inventory& inventory, const QString& pattern,
                                           const TargetSettings& settings);
    /// The ssh_config file the settings mean ("" when none applies).
    static QString sshConfigFile(const TargetSettings& settings);
};

} // namespace hostdeck::engine
