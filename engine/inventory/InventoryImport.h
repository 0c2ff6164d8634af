#pragma once

#include "inventory/ImportResult.h"
#include "util/Result.h"

namespace hostdeck::engine {

enum class ImportFormat
{
    SshConfig,
    AnsibleIni,
    AnsibleYaml
};

/// One entry point for every import format ("ssh-config", "ansible-ini", "ansible-yaml").
class InventoryImport
{
public:
    static std::optional<ImportFormat> formatFromName(const QString& name);
    static Result<ImportResult> importFile(ImportFormat format, const QString& path);
};

} // namespace hostdeck::engine
