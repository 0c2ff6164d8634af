#pragma once

#include "engine/inventory/ImportResult.h"
#include "engine/util/Result.h"

#include <QByteArray>

namespace hostdeck::engine {

/// Imports an Ansible INI inventory as ansible-core 2.14 reads it: `[group]` host lines with inline
/// `key=value` variables (shell-style quoting), `host:port` (the first port given wins), ranges
/// (capped, see InventoryLimits), `[group:children]` (children may be defined later),
/// `[group:vars]`, hosts before the first section (ungrouped). Every value, on host lines and in
/// `:vars`, is read as a Python literal (`8080` a number, `"a b"` a string, `[1,2]` a list) and
/// kept as text when it is not one. Malformed lines, unknown section kinds and groups that are
/// used but never defined are errors naming the line.
class AnsibleIniImporter
{
public:
    static Result<ImportResult> importFile(const QString& path);
    static Result<ImportResult> parse(const QByteArray& text, const QString& fileName);
};

} // namespace hostdeck::engine
