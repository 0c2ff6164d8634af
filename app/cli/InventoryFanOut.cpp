#include "InventoryFanOut.h"

#include "inventory/InventoryFile.h"
#include "ssh/SshConfigResolver.h"

#include <QProcess>

namespace hostdeck::cli {

using namespace hostdeck::engine;

Result<HostTarget> hostTargetFor(const Host& host, const QString& inventoryId,
                                 const InventoryDefaults& defaults)
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
    // The ssh config is honoured for the address (HostName/User/Port/IdentityFile/ProxyJump of an
    // alias), then whatever the inventory sets wins.
    const QString address = host.address();
    const QString destination =
        address.contains(QLatin1Char(':')) ? u'[' + address + u']' : address;
    Result<SshSettings> settings = SshConfigResolver::resolve(destination, defaults.ssh);
    if (!settings)
        return makeError(
            ErrorKind::Usage,
            QStringLiteral("host '%1': %2").arg(host.name(), settings.error().message));
    target.ssh = *settings;
    if (vars.contains(QStringLiteral("ansible_port")))
        target.ssh.port = quint16(host.port());
    if (!host.user().isEmpty())
        target.ssh.user = host.user();
    if (!host.identityFile().isEmpty())
        target.ssh.identityFiles = {host.identityFile()};
    if (vars.contains(QStringLiteral("hostdeck_host_keys")))
        target.ssh.hostKeyPolicy = host.hostKeyPolicy();
    if (!host.jumpHost().isEmpty()) {
        target.ssh.jumpHosts.clear();
        for (const QString& hop : host.jumpHost().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            Result<SshEndpoint> endpoint = SshEndpoint::parse(hop.trimmed());
            if (!endpoint)
                return makeError(ErrorKind::Usage,
                                 QStringLiteral("host '%1': jump host '%2': %3")
                                     .arg(host.name(), hop, endpoint.error().message));
            target.ssh.jumpHosts.append(*endpoint);
        }
    }
    return target;
}

Result<InventoryFanOut> resolveInventoryFanOut(const QString& inventoryFile, const QString& pattern,
                                               const InventoryDefaults& defaults)
{
    Result<Targets> targets = TargetResolver::resolve(inventoryFile, pattern);
    if (!targets)
        return targets.error();
    Result<Inventory> inventory =
        InventoryFile::loadAny(inventoryFile); // the groups, for secret inheritance
    if (!inventory)
        return inventory.error();
    InventoryFanOut result;
    result.warnings = targets->warnings;
    result.credentials = std::make_shared<KeychainCredentialProvider>(std::move(*inventory));
    for (const Host& host : std::as_const(targets->hosts)) {
        Result<HostTarget> target = hostTargetFor(host, targets->inventoryId, defaults);
        if (!target)
            return target.error();
        result.credentials->addTarget(*target);
        result.hosts.append(std::move(*target));
    }
    return result;
}

} // namespace hostdeck::cli
