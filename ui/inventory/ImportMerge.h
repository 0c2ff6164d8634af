#pragma once

#include "engine/inventory/ImportResult.h"

#include <QStringList>

namespace hostdeck::ui {

/// What an import brought into the inventory, for the import report.
struct ImportSummary
{
    QStringList hosts;   ///< imported hosts, in order
    QStringList updated; ///< of those, hosts that existed already (their variables updated)
    QStringList groups;  ///< imported groups
    QStringList notes;   ///< how the import was merged (variables moved, ...)
    QList<engine::ImportIssue> issues; ///< what the importer left out, with what to do
};

/// Puts an imported inventory into an open one: hosts with their variables and groups, groups
/// with their variables and children. The variables of the imported `all` group apply to the
/// imported hosts only: into an inventory without hosts they become its `all` variables, into
/// one with hosts they are set on each imported host that does not set them itself (so the
/// hosts already there keep their settings), and the report says so.
class ImportMerge
{
public:
    static ImportSummary merge(engine::Inventory& into, const engine::ImportResult& imported);
};

} // namespace hostdeck::ui
