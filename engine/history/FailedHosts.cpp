#include "engine/history/FailedHosts.h"

#include "engine/history/RunHistory.h"

namespace hostdeck::engine {

bool FailedHosts::runsAgain(HostStatus status)
{
    return status == HostStatus::Failed || status == HostStatus::Unreachable ||
           status == HostStatus::TimedOut;
}

QStringList FailedHosts::of(const QList<QJsonObject>& results)
{
    QStringList hosts;
    for (const QJsonObject& json : results) {
        const HostResult record = HostResult::fromJson(json);
        if (runsAgain(record.status) && !record.host.isEmpty() && !hosts.contains(record.host))
            hosts << record.host;
    }
    return hosts;
}

Result<QStringList> FailedHosts::of(const RunHistory& history, qint64 runId)
{
    const Result<QList<QJsonObject>> results = history.results(runId);
    if (!results)
        return results.error();
    return of(*results);
}

QList<HostTarget> FailedHosts::only(const QList<HostTarget>& targets, const QStringList& hosts)
{
    QList<HostTarget> kept;
    for (const HostTarget& target : targets) {
        if (hosts.contains(target.name))
            kept << target;
    }
    return kept;
}

HistoryRun FailedHosts::limitedTo(const HistoryRun& run, const QStringList& hosts)
{
    HistoryRun limited = run;
    limited.hosts.clear();
    for (const QString& host : run.hosts) {
        if (hosts.contains(host))
            limited.hosts << host;
    }
    const QString hostArgsKey = QStringLiteral("host_args");
    if (limited.plan.contains(hostArgsKey)) {
        const QJsonObject all = limited.plan.value(hostArgsKey).toObject();
        QJsonObject kept;
        for (auto it = all.begin(); it != all.end(); ++it) {
            if (hosts.contains(it.key()))
                kept.insert(it.key(), it.value());
        }
        limited.plan.insert(hostArgsKey, kept);
    }
    return limited;
}

} // namespace hostdeck::engine
