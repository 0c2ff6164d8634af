#pragma once

#include <QString>
#include <QStringList>

namespace hostdeck::ui {

/// A resolved host's connection settings, as the inventory side hands them to the run side.
/// (ui/ keeps inventory and runner headers in separate translation units: both declare
/// engine::HostKeyPolicy and engine::CredentialKind, see the report.)
struct TargetSpec
{
    QString name;
    bool local = false;
    QString address;
    int port = 22;
    QString user;
    QString python = QStringLiteral("python3");
    QString jumpHost;
    bool become = false;
    QString becomeUser;
    bool acceptNewHostKeys = false;
    QString identityFile;
    QString inventoryId;
};

/// What a target pattern selected.
struct TargetSelection
{
    QList<TargetSpec> hosts;
    QStringList warnings;
};

} // namespace hostdeck::ui
