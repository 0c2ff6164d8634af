#pragma once

#include "engine/util/Result.h"

#include <QStringList>

namespace hostdeck::engine {

/// Ansible host ranges: `web[01:20].example.com` (width kept from the leading zeros, which then
/// need an end of the same width), `db-[a:c]`, `node[1:9:2]` (step), several ranges in one name
/// expand as a product. The number of names is computed before anything is expanded, and a name
/// that would expand past `limit` names is refused with the count.
class HostRange
{
public:
    static bool hasRange(const QString& name) { return name.contains(QLatin1Char('[')); }
    /// How many names `name` expands to (saturates at the maximum of qint64).
    static Result<qint64> count(const QString& name);
    static Result<QStringList> expand(const QString& name, qsizetype limit);
};

} // namespace hostdeck::engine
