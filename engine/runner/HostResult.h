#pragma once

#include "agent/AgentCall.h"

#include <QList>
#include <QMetaType>

namespace hostdeck::engine {

/// One host's outcome in a run: {host, ok, changed, value | error{kind, message}, duration}.
struct HostResult
{
    QString host;
    bool ok = false;
    bool changed = false;
    QJsonValue value;
    CallError error;
    qint64 durationMs = 0;

    /// The CLI's and the export's JSON shape.
    QJsonObject toJson() const;
    static HostResult fromJson(const QJsonObject& json);
};

/// Live output of one host during a run (stdout/stderr lines, progress).
struct HostOutput
{
    QString host;
    QString stream;
    QJsonValue data;
};

/// Counts for progress bars and the CLI summary line.
struct RunSummary
{
    int total = 0;
    int ok = 0;
    int changed = 0;
    int failed = 0;      ///< remote errors and timeouts
    int unreachable = 0; ///< unreachable, auth, hostkey, connection
    int cancelled = 0;
    qint64 elapsedMs = 0;

    void add(const HostResult& result);
    int finished() const { return ok + failed + unreachable + cancelled; }
    QJsonObject toJson() const;
};

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::HostResult)
Q_DECLARE_METATYPE(hostdeck::engine::HostOutput)
Q_DECLARE_METATYPE(hostdeck::engine::RunSummary)
