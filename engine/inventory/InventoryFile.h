#pragma once

#include "engine/inventory/ImportResult.h"
#include "engine/inventory/Inventory.h"
#include "engine/util/Result.h"

#include <QByteArray>
#include <QString>

namespace hostdeck::engine {

/// The native inventory file: an Ansible YAML inventory (`all: {hosts, children, vars}`), so the
/// same file works with Ansible. Keys Hostdeck does not understand are kept and written back.
/// Loading never writes; saving is atomic (QSaveFile), so a failed save leaves the old file whole.
/// Files past InventoryLimits::maxFileBytes are refused.
class InventoryFile
{
public:
    static Result<Inventory> load(const QString& path);
    /// Any inventory Ansible reads from a file: YAML (.yml/.yaml/.json), INI (.ini/.cfg), and for
    /// other names YAML when the text is a YAML mapping, else INI (Ansible's own order).
    static Result<Inventory> loadAny(const QString& path, QList<ImportIssue>* issues = nullptr);
    static Status save(const Inventory& inventory, const QString& path);

    /// Parses YAML text; `fileName` names the source in errors and issues. Issues (keys that are
    /// kept but not understood) are appended to `issues` when given.
    static Result<Inventory> parse(const QByteArray& text, const QString& fileName,
                                   QList<ImportIssue>* issues = nullptr);
    static Result<QByteArray> serialize(const Inventory& inventory);
    static Result<QByteArray> readLimited(const QString& path);

    static QString idKey() { return QStringLiteral("hostdeck_inventory_id"); }
};

} // namespace hostdeck::engine
