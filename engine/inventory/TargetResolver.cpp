#include "inventory/TargetResolver.h"

#include "inventory/HostPattern.h"
#include "inventory/InventoryFile.h"

namespace hostdeck::engine {

Result<Targets> TargetResolver::resolve(const QString& inventoryFile, const QString& pattern)
{
    const Result<Inventory> inventory = InventoryFile::loadAny(inventoryFile);
    if (!inventory)
        return inventory.error();
    const PatternMatch match = HostPattern::resolve(*inventory, pattern);
    if (!match.error.isEmpty())
        return makeError(ErrorKind::Usage, match.error);
    Targets targets;
    targets.inventoryId = inventory->id();
    targets.warnings = match.warnings;
    for (const QString& name : match.hosts)
        targets.hosts.append(inventory->resolvedHost(name));
    return targets;
}

} // namespace hostdeck::engine
