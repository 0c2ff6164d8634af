#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace hostdeck::engine {

/// One stored run: what was called, on what, and how it went. Arguments are stored with secrets
/// redacted; results are kept in the CLI's JSON shape (HostResult::toJson), the summary in
/// RunSummary::toJson's shape.
struct HistoryRun
{
    qint64 id = 0;
    QDateTime startedAt;
    QString tool;
    QString method;
    QJsonObject args; ///< secrets replaced by RunHistory::redactedMarker()
    bool check = false;
    QString pattern;     ///< what the user typed or selected
    QStringList hosts;   ///< the resolved targets
    QString inventory;   ///< inventory file path, empty for the local machine only
    QJsonObject plan;    ///< the run service's plan description (Plan::toJson), secrets redacted
    QString origin;      ///< gui, cli, rest, template, recipe
    QJsonObject summary; ///< RunSummary::toJson(); empty while the run is going
    bool finished = false;

    QString toolMethod() const { return tool + QLatin1Char('.') + method; }
    /// The run as the run service's `run.started` event describes it (RunEvent::info: plan,
    /// targets, options, origin, pattern, inventory), started now.
    static HistoryRun fromStarted(const QJsonObject& info);
};

inline HistoryRun HistoryRun::fromStarted(const QJsonObject& info)
{
    const QJsonObject plan = info.value(QStringLiteral("plan")).toObject();
    HistoryRun run;
    run.startedAt = QDateTime::currentDateTime();
    run.tool = plan.value(QStringLiteral("tool")).toString();
    run.method = plan.value(QStringLiteral("method")).toString();
    run.args = plan.value(QStringLiteral("args")).toObject();
    run.plan = plan;
    run.check =
        info.value(QStringLiteral("options")).toObject().value(QStringLiteral("check")).toBool();
    run.origin = info.value(QStringLiteral("origin")).toString();
    run.pattern = info.value(QStringLiteral("pattern")).toString();
    run.inventory = info.value(QStringLiteral("inventory")).toString();
    for (const QJsonValue& host : info.value(QStringLiteral("targets")).toArray())
        run.hosts << host.toString();
    return run;
}

} // namespace hostdeck::engine
