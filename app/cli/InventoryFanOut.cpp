#include "InventoryFanOut.h"

#include "inventory/InventoryFile.h"
#include "ssh/InventorySshSettings.h"

#include <QProcess>

namespace hostdeck::cli {

using namespace hostdeck::engine;

Result<HostTarget> hostTargetFor(const Host& host, const QString& inventoryId,
                                 const InventoryDefaults& defaults, const HostVariables& hosts)
{
    const QVariantMap& vars = host.vars();
    HostTarget target;
    target.name = host.name();
    target.inventoryId = inventoryId;
    const QStringList python = vars.contains(QStringLiteral("ansible_python_interpreter"))
                                   ? QProcess::splitCommand(host.pythonInterpreter())
                                   : defaults.interpreter;
    target.interpreter = python.isEmpty() ? QStringList{QStringLiteral("python3")} : python;
    target.become = host.become() || defaults.become;
    if (host.become())
        target.becomeUser =
            host.becomeUser() == QStringLiteral("root") ? QString() : host.becomeUser();
    else
        target.becomeUser = defaults.becomeUser;
    if (host.transport() == HostTransport::Local) {
        target.kind = HostTarget::Kind::Local;
        return target;
    }
    target.kind = HostTarget::Kind::Ssh;
    // One reading of the connection variables (engine/ssh): the ssh config for the address unless
    // hostdeck_ssh_config says otherwise, then the inventory's values; jump hosts that are
    // inventory hosts get their own settings.
    Result<SshSettings> settings =
        InventorySshSettings::forHost(host.name(), host.vars(), defaults.ssh, hosts);
    if (!settings)
        return makeError(ErrorKind::Usage, settings.error().message);
    target.ssh = *settings;
    return target;
}

Result<InventoryFanOut> resolveInventoryFanOut(const QString& inventoryFile, const QString& pattern,
                                               const InventoryDefaults& defaults)
{
    Result<Targets> targets = TargetResolver::resolve(inventoryFile, pattern);
    if (!targets)
        return targets.error();
    Result<Inventory> inventory =
        InventoryFile::load(inventoryFile); // the groups, for secret inheritance
    if (!inventory)
        return inventory.error();
    InventoryFanOut result;
    result.warnings = targets->warnings;
    const Inventory hostsOfInventory = *inventory; // jump hosts that are inventory hosts
    const HostVariables lookup =
        [&hostsOfInventory](const QString& name) -> std::optional<QVariantMap> {
        if (!hostsOfInventory.hasHost(name))
            return std::nullopt;
        return hostsOfInventory.resolvedHost(name).vars();
    };
    result.credentials = std::make_shared<KeychainCredentialProvider>(std::move(*inventory));
    for (const Host& host : std::as_const(targets->hosts)) {
        Result<HostTarget> target = hostTargetFor(host, targets->inventoryId, defaults, lookup);
        if (!target)
            return target.error();
        result.credentials->addTarget(*target);
        result.hosts.append(std::move(*target));
    }
    return result;
}

} // namespace hostdeck::cli
