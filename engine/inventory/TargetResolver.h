#pragma once

#include "inventory/Host.h"
#include "util/Result.h"

#include <QList>
#include <QStringList>

namespace hostdeck::engine {

/// The hosts a run targets: resolved (merged variables, so connection settings include what
/// groups set), in inventory order, with the pattern's warnings and the inventory id that keys
/// their secrets.
struct Targets
{
    QString inventoryId;
    QList<Host> hosts;
    QStringList warnings;
};

/// Resolves `-i FILE -l PATTERN` for the fan-out.
class TargetResolver
{
public:
    static Result<Targets> resolve(const QString& inventoryFile, const QString& pattern);
};

} // namespace hostdeck::engine
