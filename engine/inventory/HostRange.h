#pragma once

#include "util/Result.h"

#include <QStringList>

namespace hostdeck::engine {

/// Ansible host ranges: `web[01:20].example.com` (width kept from the leading zeros),
/// `db-[a:c]`, `node[1:9:2]` (step), several ranges in one name expand as a product.
class HostRange
{
public:
    static bool hasRange(const QString& name);
    static Result<QStringList> expand(const QString& name);
};

} // namespace hostdeck::engine
