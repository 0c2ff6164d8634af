#pragma once

#include "engine/history/HistoryRun.h"
#include "engine/util/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QStringList>

namespace hostdeck::ui {

/// What re-running a stored run means: the same tool method with the same arguments (per-host
/// ones too) on the same hosts, in the same mode. Built from the run's stored plan, so it does
/// not depend on what the palette or the form show. Secret arguments were never stored: they are
/// named in `redacted` and must be typed again.
struct RerunPlan
{
    QString tool;
    QString method;
    QJsonObject args;
    QHash<QString, QJsonObject> hostArgs;
    QStringList hosts; ///< the hosts it ran on, by name
    QString pattern;   ///< what was typed or selected then (for the title)
    QString inventory; ///< the inventory file it ran with
    bool check = false;
    QStringList redacted; ///< secret parameters to fill in again

    QString toolMethod() const { return tool + QLatin1Char('.') + method; }
    /// From a stored run; refused (with why) for plans that are not one tool call.
    static engine::Result<RerunPlan> from(const engine::HistoryRun& run);
    /// What the confirmation shows: tool, mode, arguments and hosts.
    QString describe() const;
};

} // namespace hostdeck::ui
