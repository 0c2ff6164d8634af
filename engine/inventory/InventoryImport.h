#pragma once

#include "engine/inventory/ImportResult.h"
#include "engine/util/Result.h"

namespace hostdeck::engine {

enum class ImportFormat
{
    SshConfig,
    AnsibleIni,
    AnsibleYaml,
    Reemote
};

/// One entry point for every import format ("ssh-config", "ansible-ini", "ansible-yaml",
/// "reemote"). A Reemote import also returns secrets (ImportResult::secrets) for the keychain.
class InventoryImport
{
public:
    static std::optional<ImportFormat> formatFromName(const QString& name);
    static Result<ImportResult> importFile(ImportFormat format, const QString& path);
};

} // namespace hostdeck::engine
