#pragma once

#include "KeychainCredentialProvider.h"
#include "inventory/TargetResolver.h"
#include "runner/HostTarget.h"
#include "ssh/InventorySshSettings.h"

#include <memory>

namespace hostdeck::cli {

/// What `call -i FILE -l PATTERN` runs on: the matched hosts as targets, and the keychain-backed
/// credential provider that knows them.
struct InventoryFanOut
{
    QList<engine::HostTarget> hosts;
    std::shared_ptr<KeychainCredentialProvider> credentials;
    QStringList warnings;
};

/// Command-line values that apply where the inventory says nothing.
struct InventoryDefaults
{
    engine::SshSettings ssh; ///< known_hosts, policy, timeouts, identity, ssh config file
    QStringList interpreter; ///< --python
    bool become = false;     ///< --become / --become-user
    QString becomeUser;
};

/// Resolves the pattern with TargetResolver and maps each Host to a HostTarget: address, port,
/// user, identity file, jump host, python interpreter, become, host-key policy, local transport.
engine::Result<InventoryFanOut> resolveInventoryFanOut(const QString& inventoryFile,
                                                       const QString& pattern,
                                                       const InventoryDefaults& defaults);

/// One inventory host as a run target (exposed for tests).
engine::Result<engine::HostTarget> hostTargetFor(const engine::Host& host,
                                                 const QString& inventoryId,
                                                 const InventoryDefaults& defaults,
                                                 const engine::HostVariables& hosts = {});

} // namespace hostdeck::cli
