#pragma once

#include "engine/inventory/Inventory.h"
#include "engine/util/CredentialKind.h"
#include "engine/util/SecretBuffer.h"

#include <QList>
#include <QString>

#include <vector>

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

/// A secret an import found, for the keychain (CredentialStore) under the inventory's id; it is
/// never written into the inventory.
struct ImportedSecret
{
    QString target; ///< host name
    CredentialKind kind;
    SecretBuffer secret;
};

/// The inventory an import produced, what it left out, and the secrets it found.
struct ImportResult
{
    Inventory inventory;
    QList<ImportIssue> issues;
    std::vector<ImportedSecret> secrets;
};

} // namespace hostdeck::engine
