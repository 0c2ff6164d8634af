#pragma once

#include "engine/history/HistoryRun.h"
#include "engine/runner/HostResult.h"
#include "engine/runner/HostTarget.h"
#include "engine/util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace hostdeck::engine {

class RunHistory;

/// "Re-run on the failed and unreachable hosts" of a finished run, one definition for every face
/// (the GUI's history button, the CLI's `--rerun-failed`): which hosts of a stored run go again,
/// and the run limited to them.
class FailedHosts
{
public:
    /// A host that failed, was unreachable or timed out goes again; ok, changed, skipped and
    /// cancelled hosts do not.
    static bool runsAgain(HostStatus status);
    /// The hosts of stored results (HostResult::toJson shape) that go again, in result order,
    /// each once.
    static QStringList of(const QList<QJsonObject>& results);
    /// The same for the stored run `runId`.
    static Result<QStringList> of(const RunHistory& history, qint64 runId);
    /// `targets` reduced to those named in `hosts`, in the targets' order.
    static QList<HostTarget> only(const QList<HostTarget>& targets, const QStringList& hosts);
    /// `run` as it would be run again on `hosts` only: its hosts (in its order), and its plan's
    /// per-host arguments for those hosts.
    static HistoryRun limitedTo(const HistoryRun& run, const QStringList& hosts);
};

} // namespace hostdeck::engine
