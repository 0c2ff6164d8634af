#pragma once

#include "inventory/Inventory.h"

#include <QStringList>

namespace hostdeck::engine {

/// What a host pattern selected: host names in inventory order, and a warning per term that
/// matched nothing (an unknown name is not an error, as in Ansible).
struct PatternMatch
{
    QStringList hosts;
    QStringList warnings;
};

/// Ansible host patterns: `all`, `*`, globs (`web*`), group and host names, unions `a:b` / `a,b`,
/// intersections `a:&b`, exclusions `a:!b`, ranges `web[01:20]` / `db-[a:c]`, subscripts on a group
/// (`webservers[0]`, `webservers[0:2]`) and regular expressions `~web\d+`. Names match whole, never
/// as substrings: a group called `install` does not select everything.
class HostPattern
{
public:
    static PatternMatch resolve(const Inventory& inventory, const QString& pattern);
    static QStringList splitTerms(const QString& pattern);
};

} // namespace hostdeck::engine
