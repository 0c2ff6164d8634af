#pragma once

#include "engine/inventory/Inventory.h"

#include <QStringList>

namespace hostdeck::engine {

/// What a host pattern selected: host names in Ansible's order (the order `ansible PATTERN
/// --list-hosts` prints), a warning per term that matched nothing (an unknown name is not an error,
/// as in Ansible), and an error when the pattern cannot be applied (a bad regular expression, a
/// subscript past the end) — then `hosts` is empty.
struct PatternMatch
{
    QStringList hosts;
    QStringList warnings;
    QString error;
};

/// Ansible host patterns as ansible-core 2.14 applies them: terms split on `,` (or on `:` when the
/// whole pattern is not one host address, so `fe80::1` and `web[01:03]` stay whole), regular
/// terms first, then `&` intersections, then `!` exclusions; a term that is a host name is that
/// host; otherwise every group whose name matches (shell glob, or `~regex` matched from the start)
/// gives its hosts, and host names are matched too when no group matched or the term is a glob or
/// regex or contains a dot; a subscript `[i]`, `[i:j]`, `[i:]` picks from that list. One
/// deliberate difference: a term with a range (`web[01:03]`) that Ansible would match to nothing
/// selects the hosts the range names.
class HostPattern
{
public:
    static PatternMatch resolve(const Inventory& inventory, const QString& pattern);
    static QStringList splitTerms(const QString& pattern);
};

} // namespace hostdeck::engine
