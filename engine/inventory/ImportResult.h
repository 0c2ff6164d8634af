#pragma once

#include "inventory/Inventory.h"

#include <QList>
#include <QString>

namespace hostdeck::engine {

/// Something an import or load saw but could not take over, with where it was.
struct ImportIssue
{
    QString file;
    int line = 0;
    QString problem;

    QString toString() const
    {
        return QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(problem);
    }
};

/// The inventory an import produced and what it left out.
struct ImportResult
{
    Inventory inventory;
    QList<ImportIssue> issues;
};

} // namespace hostdeck::engine
