#include "ui/history/RerunPlan.h"

#include "engine/history/RunHistory.h"
#include "ui/history/HistoryModel.h"

#include <QObject>

namespace hostdeck::ui {

namespace {

QStringList redactedKeys(const QJsonObject& args)
{
    QStringList keys;
    for (auto it = args.begin(); it != args.end(); ++it) {
        if (it.value().toString() == engine::RunHistory::redactedMarker())
            keys << it.key();
    }
    return keys;
}

} // namespace

engine::Result<RerunPlan> RerunPlan::from(const engine::HistoryRun& run)
{
    const QString kind = run.plan.value(QStringLiteral("kind")).toString();
    if (!kind.isEmpty() && kind != QLatin1String("call")) {
        const QString why =
            kind == QLatin1String("template")
                ? QObject::tr("a template deploy is re-run from the template editor (it renders "
                              "for each host again)")
                : QObject::tr("only a single tool call can be re-run from the history");
        return engine::makeError(
            engine::ErrorKind::Usage,
            QObject::tr("%1 cannot be re-run here: %2").arg(run.toolMethod(), why));
    }
    RerunPlan plan;
    plan.tool = run.plan.value(QStringLiteral("tool")).toString(run.tool);
    plan.method = run.plan.value(QStringLiteral("method")).toString(run.method);
    plan.args = run.plan.contains(QStringLiteral("args"))
                    ? run.plan.value(QStringLiteral("args")).toObject()
                    : run.args;
    const QJsonObject perHost = run.plan.value(QStringLiteral("host_args")).toObject();
    for (auto it = perHost.begin(); it != perHost.end(); ++it)
        plan.hostArgs.insert(it.key(), it.value().toObject());
    plan.hosts = run.hosts;
    plan.pattern = run.pattern;
    plan.inventory = run.inventory;
    plan.check = run.check;
    plan.redacted = redactedKeys(plan.args);
    for (const QJsonObject& perHostArgs : std::as_const(plan.hostArgs)) {
        for (const QString& key : redactedKeys(perHostArgs)) {
            if (!plan.redacted.contains(key))
                plan.redacted << key;
        }
    }
    if (plan.tool.isEmpty() || plan.method.isEmpty() || plan.hosts.isEmpty())
        return engine::makeError(
            engine::ErrorKind::Usage,
            QObject::tr("run %1 did not record its tool or its hosts").arg(run.id));
    return plan;
}

QString RerunPlan::describe() const
{
    QStringList lines;
    lines << QObject::tr("%1 %2").arg(check ? QObject::tr("Check (dry run)") : QObject::tr("Run"),
                                      toolMethod());
    lines << QObject::tr("on %n host(s): %1", nullptr, int(hosts.size()))
                 .arg(hosts.size() > 12
                          ? hosts.mid(0, 12).join(QStringLiteral(", ")) + QStringLiteral(", …")
                          : hosts.join(QStringLiteral(", ")));
    const QString shown = HistoryModel::argsText(args);
    lines << (shown.isEmpty() ? QObject::tr("without arguments")
                              : QObject::tr("with %1").arg(shown));
    if (!hostArgs.isEmpty())
        lines << QObject::tr("and per-host arguments for %n host(s)", nullptr,
                             int(hostArgs.size()));
    return lines.join(QLatin1Char('\n'));
}

} // namespace hostdeck::ui
