#pragma once

#include "inventory/ImportResult.h"
#include "util/Result.h"

#include <QByteArray>

namespace hostdeck::engine {

/// Imports an Ansible INI inventory: `[group]` host lines with inline `key=value` variables
/// (shell-style quoting; values read as Python literals like Ansible does), `host:port`, ranges,
/// `[group:children]`, `[group:vars]` (values are strings, as in Ansible) and hosts before the
/// first section (ungrouped). Malformed lines are reported with their line number.
class AnsibleIniImporter
{
public:
    static Result<ImportResult> importFile(const QString& path);
    static Result<ImportResult> parse(const QByteArray& text, const QString& fileName);
};

} // namespace hostdeck::engine
