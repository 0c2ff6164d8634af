#pragma once

#include "engine/runner/HostResult.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>

namespace hostdeck::engine {

/// Where a host is in a run. Every target is Pending from the start, so a UI can show a row per
/// host at once and see which one holds the run.
enum class HostPhase
{
    Pending,
    Connecting,
    Running,
    Done
};

QString hostPhaseName(HostPhase phase);

/// One event of a run's one ordered stream (docs/ARCHITECTURE.md): every face — the GUI table,
/// `hostdeck-cli --json`, the REST event stream, the history — consumes these.
struct RunEvent
{
    enum class Type
    {
        RunStarted, ///< `info`: targets, plan, options, origin
        HostState,  ///< `host`, `phase`
        StepOutput, ///< `host`, `step`, `stream`, `data` (bounded, control characters escaped)
        StepResult, ///< `host`, `record` (a step record)
        HostResult, ///< `host`, `record` — exactly once per target
        RunFinished ///< `summary` — exactly once, last
    };

    Type type = Type::HostState;
    quint64 runId = 0;
    qint64 timeMs = 0; ///< since the run started
    QString host;
    HostPhase phase = HostPhase::Pending;
    QString step;
    QString stream;
    QJsonValue data;
    engine::HostResult record;
    RunSummary summary;
    QJsonObject info;

    static QString typeName(Type type); ///< "run.started", "host.state", ...
    QJsonObject toJson() const;
    static RunEvent fromJson(const QJsonObject& json);
};

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::RunEvent)
