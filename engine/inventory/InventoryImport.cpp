#include "inventory/InventoryImport.h"

#include "inventory/AnsibleIniImporter.h"
#include "inventory/InventoryFile.h"
#include "inventory/SshConfigImporter.h"

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
    return std::nullopt;
}

Result<ImportResult> InventoryImport::importFile(ImportFormat format, const QString& path)
{
    switch (format) {
    case ImportFormat::SshConfig:
        return SshConfigImporter::importFile(path);
    case ImportFormat::AnsibleIni:
        return AnsibleIniImporter::importFile(path);
    case ImportFormat::AnsibleYaml:
        break;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(file.exists() ? ErrorKind::Io : ErrorKind::NotFound,
                         QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    ImportResult result;
    Result<Inventory> inventory = InventoryFile::parse(file.readAll(), path, &result.issues);
    if (!inventory)
        return inventory.error();
    result.inventory = std::move(inventory).value();
    // An imported inventory is a new Hostdeck inventory: it must not share another one's secrets.
    result.inventory.setId(QString());
    return result;
}

} // namespace hostdeck::engine
