#pragma once

#include "engine/runner/HostResult.h"

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
    /// A host's record of a template run (Template.deploy's value: created, changed, diff,
    /// backup, attributes) as the deploy table shows it.
    static TemplateOutcome fromRecord(const engine::HostResult& record, bool check);
    /// "new file", "no change", "changed" (check) / "created", "unchanged", "changed" (deploy).
    QString stateText() const;
};

} // namespace hostdeck::ui

Q_DECLARE_METATYPE(hostdeck::ui::TemplateOutcome)
