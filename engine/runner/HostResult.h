#pragma once

#include "engine/agent/AgentCall.h"

#include <QList>
#include <QMetaType>

namespace hostdeck::engine {

/// A host's (or a step's) outcome, as the run record names it (docs/ARCHITECTURE.md).
enum class HostStatus
{
    Ok,
    Changed,
    Failed,
    Unreachable,
    Skipped,
    TimedOut,
    Cancelled
};

QString hostStatusName(HostStatus status);
HostStatus hostStatusFromName(const QString& name);

/// The record of one host in a run — and, in `steps`, of each step on it: {host, status, ok,
/// changed, check, value, error{kind, message, type, traceback}, duration, steps}. The CLI's
/// `--json`, the REST API, the history and the exports all use toJson().
struct HostResult
{
    QString host;
    QString step; ///< for a step record: its name (empty for a host record)
    HostStatus status = HostStatus::Failed;
    bool ok = false;
    bool changed = false; ///< in check mode: would change
    bool check = false;
    QJsonValue value;
    CallError error;
    qint64 durationMs = 0;
    QList<HostResult> steps;
    int attempts = 0;     ///< a step's tries when it was retried (0/1: once)
    bool ignored = false; ///< a step that failed with ignore_errors: the host went on

    /// The status a call result means: ok/changed, or from the error kind (unreachable for
    /// transport kinds, timed_out, cancelled, failed).
    static HostStatus statusOf(bool ok, bool changed, ErrorKind kind);
    /// A record from one call's result (changed read from the value's "changed").
    static HostResult fromCall(const QString& host, const CallResult& result, bool check,
                               qint64 durationMs);
    /// A record for a host that did not run: `status` with an error of `kind` saying why.
    static HostResult notRun(const QString& host, HostStatus status, ErrorKind kind,
                             const QString& message);
    void setStatus(HostStatus s);

    QJsonObject toJson() const;
    static HostResult fromJson(const QJsonObject& json);
};

/// Live output of one host during a run (stdout/stderr lines, progress).
struct HostOutput
{
    QString host;
    QString stream;
    QJsonValue data;
    QString step = {}; ///< the recipe step it came from (empty for a single call)
};

/// Counts for progress bars and the recap line: ok counts every host that succeeded (changed
/// ones too); the others partition the rest.
struct RunSummary
{
    int total = 0;
    int ok = 0;
    int changed = 0;
    int failed = 0;
    int unreachable = 0;
    int skipped = 0;
    int timedOut = 0;
    int cancelled = 0;
    qint64 elapsedMs = 0;
    bool check = false;
    /// The run was refused before any host was tried (an invalid argument, an unknown tool).
    std::optional<Error> refused;

    void add(const HostResult& result);
    int finished() const { return ok + failed + unreachable + skipped + timedOut + cancelled; }
    bool allOk() const { return !refused && ok + skipped == total; }
    QJsonObject toJson() const;
    static RunSummary fromJson(const QJsonObject& json);
};

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::HostResult)
Q_DECLARE_METATYPE(hostdeck::engine::HostOutput)
Q_DECLARE_METATYPE(hostdeck::engine::RunSummary)
