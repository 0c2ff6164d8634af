#include "app/cli/CliHistory.h"

#include "app/cli/CliSupport.h"
#include "engine/history/FailedHosts.h"

namespace hostdeck::cli {

using namespace hostdeck::engine;

CliHistory::CliHistory(const QString& path, QObject* parent) : QObject(parent)
{
    if (path.isEmpty())
        return;
    Result<std::unique_ptr<RunHistory>> opened = RunHistory::open(path);
    if (!opened) {
        err() << "hostdeck-cli: history not recorded: " << opened.error().message << Qt::endl;
        return;
    }
    m_history = std::move(*opened);
}

CliHistory::~CliHistory() = default;

void CliHistory::record(RunHandle* run)
{
    if (!m_history)
        return;
    auto historyId = std::make_shared<qint64>(0);
    connect(run, &RunHandle::events, this, [this, historyId](const QList<RunEvent>& events) {
        QList<QJsonObject> results;
        for (const RunEvent& event : events) {
            if (event.type == RunEvent::Type::RunStarted) {
                const Result<qint64> id =
                    m_history->beginRun(HistoryRun::fromStarted(event.info), {});
                *historyId = id ? *id : 0;
            } else if (event.type == RunEvent::Type::HostResult) {
                results << event.record.toJson();
            } else if (event.type == RunEvent::Type::RunFinished && *historyId > 0) {
                (void)m_history->addResults(*historyId, std::exchange(results, {}));
                (void)m_history->finishRun(*historyId, event.summary.toJson());
            }
        }
        if (*historyId > 0 && !results.isEmpty())
            (void)m_history->addResults(*historyId, results);
    });
}

Result<QList<HostTarget>> CliHistory::onlyFailed(const QString& which,
                                                 const QList<HostTarget>& targets) const
{
    const Result<QStringList> failed = failedHosts(which);
    if (!failed)
        return failed.error();
    return FailedHosts::only(targets, *failed);
}

Result<QStringList> CliHistory::failedHosts(const QString& which) const
{
    if (!m_history)
        return makeError(ErrorKind::Usage, QStringLiteral("--rerun-failed needs the history"));
    qint64 id = 0;
    if (which == QStringLiteral("last")) {
        const Result<QList<HistoryRun>> runs = m_history->runs(1);
        if (!runs)
            return runs.error();
        if (runs->isEmpty())
            return makeError(ErrorKind::NotFound, QStringLiteral("the history has no run yet"));
        id = runs->constFirst().id;
    } else {
        bool ok = false;
        id = which.toLongLong(&ok);
        if (!ok || id <= 0)
            return makeError(
                ErrorKind::Usage,
                QStringLiteral("--rerun-failed takes a history id or 'last', not '%1'").arg(which));
    }
    return FailedHosts::of(*m_history, id);
}

} // namespace hostdeck::cli
