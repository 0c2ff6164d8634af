// The inventory dock's imports: ssh config, Ansible (YAML or INI) and Reemote JSON, merged into
// the open inventory, with a report of what was not imported and the secrets sent to the
// keychain (never to a file).
#include "engine/inventory/CredentialStore.h"
#include "engine/inventory/InventoryFile.h"
#include "ui/inventory/ImportMerge.h"
#include "ui/inventory/ImportReportDialog.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/inventory/InventoryDockData.h"
#include "ui/prompts/Prompts.h"

#include <QFile>
#include <QFileInfo>

namespace hostdeck::ui {

namespace {

/// YAML or INI, by the file as Ansible would decide it (extension, else the first line).
engine::ImportFormat ansibleFormatOf(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("yml") || suffix == QLatin1String("yaml"))
        return engine::ImportFormat::AnsibleYaml;
    if (suffix == QLatin1String("ini") || suffix == QLatin1String("cfg"))
        return engine::ImportFormat::AnsibleIni;
    QFile file(path);
    if (file.open(QIODevice::ReadOnly)) {
        const QByteArray head = file.read(4096);
        for (const QByteArray& line : head.split('\n')) {
            const QByteArray trimmed = line.trimmed();
            if (trimmed.isEmpty() || trimmed.startsWith('#') || trimmed.startsWith(';'))
                continue;
            return trimmed.startsWith('[') ? engine::ImportFormat::AnsibleIni
                                           : engine::ImportFormat::AnsibleYaml;
        }
    }
    return engine::ImportFormat::AnsibleIni;
}

} // namespace

ImportReportDialog* InventoryDock::lastImportReport() const
{
    return m_report;
}

void InventoryDock::importAs(engine::ImportFormat format)
{
    QString title;
    QString filter;
    switch (format) {
    case engine::ImportFormat::SshConfig:
        title = tr("Import hosts from an ssh config");
        filter = tr("ssh config (config *.conf);;All files (*)");
        break;
    case engine::ImportFormat::Reemote:
        title = tr("Import a Reemote inventory");
        filter = tr("Reemote inventories (*.json);;All files (*)");
        break;
    case engine::ImportFormat::AnsibleYaml:
    case engine::ImportFormat::AnsibleIni:
        title = tr("Import an Ansible inventory");
        filter = tr("Ansible inventories (*.yml *.yaml *.ini hosts);;All files (*)");
        break;
    }
    m_prompts->askOpenFile(title, filter, this, [this, format](const QString& path) {
        if (path.isEmpty())
            return;
        const bool ansible = format == engine::ImportFormat::AnsibleYaml ||
                             format == engine::ImportFormat::AnsibleIni;
        importFile(ansible ? ansibleFormatOf(path) : format, path);
    });
}

void InventoryDock::importFile(engine::ImportFormat format, const QString& path)
{
    auto imported = engine::InventoryImport::importFile(format, path);
    if (!imported) {
        m_prompts->inform(tr("Import failed"), imported.error().message, true);
        return;
    }
    m_data->inventory.ensureId();
    const ImportSummary summary = ImportMerge::merge(m_data->inventory, *imported);
    refreshTree();
    setModified(true);
    emit inventoryChanged();
    emit statusMessage(
        tr("Imported %n host(s) from %1", nullptr, int(summary.hosts.size())).arg(path));
    selectHosts(summary.hosts);

    const int secrets = int(imported->secrets.size());
    if (m_report)
        m_report->close();
    auto* report = new ImportReportDialog(path, summary, secrets, this);
    report->setAttribute(Qt::WA_DeleteOnClose);
    m_report = report;
    report->show();

    if (secrets == 0)
        return;
    // Secrets go to the keychain under this inventory's id; the report says how that went.
    struct Tally
    {
        int left = 0;
        int stored = 0;
        QStringList failures;
    };
    auto tally = std::make_shared<Tally>();
    tally->left = secrets;
    QPointer<ImportReportDialog> guard(report);
    for (engine::ImportedSecret& secret : imported->secrets) {
        const QString what =
            tr("%1 of %2").arg(engine::credentialKindName(secret.kind), secret.target);
        m_data->store->store(
            m_data->inventory.id(), secret.target, secret.kind, std::move(secret.secret), this,
            [tally, guard, what](engine::Status stored) {
                if (stored)
                    ++tally->stored;
                else
                    tally->failures << what + QStringLiteral(": ") + stored.error().message;
                if (--tally->left > 0 || !guard)
                    return;
                if (tally->failures.isEmpty())
                    guard->setSecretsOutcome(
                        tr("%n secret(s) stored in the keychain (not in the inventory file).",
                           nullptr, tally->stored),
                        true);
                else
                    guard->setSecretsOutcome(
                        tr("%1 of %2 secret(s) could not be stored in the keychain; set them in "
                           "the host editor's Secrets tab once the keychain works:\n%3")
                            .arg(tally->failures.size())
                            .arg(tally->stored + tally->failures.size())
                            .arg(tally->failures.join(QLatin1Char('\n'))),
                        false);
            });
    }
}

} // namespace hostdeck::ui
