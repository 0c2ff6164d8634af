#pragma once

#include "inventory/Host.h"
#include "runner/HostTarget.h"

#include <QMetaType>
#include <QString>

namespace hostdeck::ui {

/// One host's outcome of a template diff (check) or deploy.
struct TemplateOutcome
{
    enum class State
    {
        Pending,
        Created,
        Changed,
        Unchanged,
        Failed
    };

    QString host;
    State state = State::Pending;
    bool check = false;
    QString diff;    ///< unified diff against the file on the host
    QString message; ///< error message, or the backup path after a deploy
    qint64 durationMs = 0;

    bool changed() const { return state == State::Created || state == State::Changed; }
    /// "new file", "no change", "changed" (check) / "created", "unchanged", "changed" (deploy).
    QString stateText() const;
};

/// A host a rollout goes to: where its agent runs and its inventory variables.
struct TemplateRolloutHost
{
    QString name;
    engine::HostTarget target;
    QVariantMap inventoryVars;
};

} // namespace hostdeck::ui

Q_DECLARE_METATYPE(hostdeck::ui::TemplateOutcome)
