#include "engine/inventory/InventoryImport.h"

#include "engine/inventory/AnsibleIniImporter.h"
#include "engine/inventory/InventoryFile.h"
#include "engine/inventory/ReemoteImporter.h"
#include "engine/inventory/SshConfigImporter.h"

#include <QFile>

namespace hostdeck::engine {

std::optional<ImportFormat> InventoryImport::formatFromName(const QString& name)
{
    if (name == QLatin1String("ssh-config"))
        return ImportFormat::SshConfig;
    if (name == QLatin1String("ansible-ini"))
        return ImportFormat::AnsibleIni;
    if (name == QLatin1String("ansible-yaml"))
        return ImportFormat::AnsibleYaml;
    if (name == QLatin1String("reemote"))
        return ImportFormat::Reemote;
    return std::nullopt;
}

Result<ImportResult> InventoryImport::importFile(ImportFormat format, const QString& path)
{
    switch (format) {
    case ImportFormat::SshConfig:
        return SshConfigImporter::importFile(path);
    case ImportFormat::AnsibleIni:
        return AnsibleIniImporter::importFile(path);
    case ImportFormat::Reemote:
        return ReemoteImporter::importFile(path);
    case ImportFormat::AnsibleYaml:
        break;
    }
    const Result<QByteArray> text = InventoryFile::readLimited(path);
    if (!text)
        return text.error();
    ImportResult result;
    Result<Inventory> inventory = InventoryFile::parse(*text, path, &result.issues);
    if (!inventory)
        return inventory.error();
    result.inventory = std::move(inventory).value();
    // An imported inventory is a new Hostdeck inventory: it must not share another one's secrets.
    result.inventory.setId(QString());
    return result;
}

} // namespace hostdeck::engine
