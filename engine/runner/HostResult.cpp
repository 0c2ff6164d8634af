#include "runner/HostResult.h"

namespace hostdeck::engine {

QJsonObject HostResult::toJson() const
{
    QJsonObject json{{QStringLiteral("host"), host},
                     {QStringLiteral("ok"), ok},
                     {QStringLiteral("changed"), changed},
                     {QStringLiteral("duration"), double(durationMs) / 1000.0}};
    if (ok)
        json.insert(QStringLiteral("value"), value);
    else
        json.insert(QStringLiteral("error"), error.toJson());
    return json;
}

HostResult HostResult::fromJson(const QJsonObject& json)
{
    HostResult r;
    r.host = json.value(QStringLiteral("host")).toString();
    r.ok = json.value(QStringLiteral("ok")).toBool();
    r.changed = json.value(QStringLiteral("changed")).toBool();
    r.durationMs = qint64(json.value(QStringLiteral("duration")).toDouble() * 1000.0 + 0.5);
    r.value = json.value(QStringLiteral("value"));
    const QJsonObject e = json.value(QStringLiteral("error")).toObject();
    r.error.kind = errorKindFromName(e.value(QStringLiteral("kind")).toString());
    r.error.type = e.value(QStringLiteral("type")).toString();
    r.error.message = e.value(QStringLiteral("message")).toString();
    r.error.traceback = e.value(QStringLiteral("traceback")).toArray();
    r.error.details = e.value(QStringLiteral("details")).toObject();
    return r;
}

void RunSummary::add(const HostResult& result)
{
    if (result.ok) {
        ++ok;
        if (result.changed)
            ++changed;
        return;
    }
    if (isUnreachableKind(result.error.kind))
        ++unreachable;
    else if (result.error.kind == ErrorKind::Cancelled || result.error.kind == ErrorKind::Closed)
        ++cancelled;
    else
        ++failed;
}

QJsonObject RunSummary::toJson() const
{
    return {{QStringLiteral("summary"), true},
            {QStringLiteral("total"), total},
            {QStringLiteral("ok"), ok},
            {QStringLiteral("changed"), changed},
            {QStringLiteral("failed"), failed},
            {QStringLiteral("unreachable"), unreachable},
            {QStringLiteral("cancelled"), cancelled},
            {QStringLiteral("elapsed"), double(elapsedMs) / 1000.0}};
}

} // namespace hostdeck::engine
