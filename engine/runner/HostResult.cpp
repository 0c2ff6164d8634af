#include "engine/runner/HostResult.h"

#include <array>
#include <utility>

namespace hostdeck::engine {

namespace {

constexpr std::array kStatusNames{
    std::pair{HostStatus::Ok, "ok"},
    std::pair{HostStatus::Changed, "changed"},
    std::pair{HostStatus::Failed, "failed"},
    std::pair{HostStatus::Unreachable, "unreachable"},
    std::pair{HostStatus::Skipped, "skipped"},
    std::pair{HostStatus::TimedOut, "timed_out"},
    std::pair{HostStatus::Cancelled, "cancelled"},
};

} // namespace

QString hostStatusName(HostStatus status)
{
    for (const auto& [s, name] : kStatusNames) {
        if (s == status)
            return QString::fromLatin1(name);
    }
    return QStringLiteral("failed");
}

HostStatus hostStatusFromName(const QString& name)
{
    for (const auto& [s, text] : kStatusNames) {
        if (name == QLatin1String(text))
            return s;
    }
    return HostStatus::Failed;
}

HostStatus HostResult::statusOf(bool ok, bool changed, ErrorKind kind)
{
    if (ok)
        return changed ? HostStatus::Changed : HostStatus::Ok;
    if (isUnreachableKind(kind))
        return HostStatus::Unreachable;
    switch (kind) {
    case ErrorKind::Timeout:
        return HostStatus::TimedOut;
    case ErrorKind::Cancelled:
    case ErrorKind::Closed:
        return HostStatus::Cancelled;
    default:
        return HostStatus::Failed;
    }
}

void HostResult::setStatus(HostStatus s)
{
    status = s;
    ok = s == HostStatus::Ok || s == HostStatus::Changed || s == HostStatus::Skipped;
    changed = s == HostStatus::Changed;
}

HostResult HostResult::fromCall(const QString& host, const CallResult& result, bool check,
                                qint64 durationMs)
{
    HostResult r;
    r.host = host;
    r.check = check;
    r.ok = result.ok;
    r.value = result.ok ? result.value : QJsonValue();
    r.error = result.error;
    r.changed = result.ok && result.value.isObject() &&
                result.value.toObject().value(QStringLiteral("changed")).toBool();
    r.status = statusOf(r.ok, r.changed, result.error.kind);
    r.durationMs = durationMs;
    return r;
}

HostResult HostResult::notRun(const QString& host, HostStatus status, ErrorKind kind,
                              const QString& message)
{
    HostResult r;
    r.host = host;
    r.setStatus(status);
    r.error.kind = kind;
    r.error.message = message;
    return r;
}

QJsonObject HostResult::toJson() const
{
    QJsonObject json{{QStringLiteral("host"), host},
                     {QStringLiteral("status"), hostStatusName(status)},
                     {QStringLiteral("ok"), ok},
                     {QStringLiteral("changed"), changed},
                     {QStringLiteral("check"), check},
                     {QStringLiteral("value"), ok ? value : QJsonValue()},
                     {QStringLiteral("error"), ok && status != HostStatus::Skipped
                                                   ? QJsonValue()
                                                   : QJsonValue(error.toJson())},
                     {QStringLiteral("duration"), double(durationMs) / 1000.0}};
    if (!step.isEmpty())
        json.insert(QStringLiteral("step"), step);
    if (attempts > 1)
        json.insert(QStringLiteral("attempts"), attempts);
    if (ignored)
        json.insert(QStringLiteral("ignored"), true);
    if (!steps.isEmpty()) {
        QJsonArray list;
        for (const HostResult& s : steps)
            list.append(s.toJson());
        json.insert(QStringLiteral("steps"), list);
    }
    return json;
}

HostResult HostResult::fromJson(const QJsonObject& json)
{
    HostResult r;
    r.host = json.value(QStringLiteral("host")).toString();
    r.step = json.value(QStringLiteral("step")).toString();
    r.attempts = json.value(QStringLiteral("attempts")).toInt();
    r.ignored = json.value(QStringLiteral("ignored")).toBool();
    r.ok = json.value(QStringLiteral("ok")).toBool();
    r.changed = json.value(QStringLiteral("changed")).toBool();
    r.check = json.value(QStringLiteral("check")).toBool();
    r.durationMs = qint64(json.value(QStringLiteral("duration")).toDouble() * 1000.0 + 0.5);
    r.value = json.value(QStringLiteral("value"));
    const QJsonObject e = json.value(QStringLiteral("error")).toObject();
    r.error.kind = errorKindFromName(e.value(QStringLiteral("kind")).toString());
    r.error.type = e.value(QStringLiteral("type")).toString();
    r.error.message = e.value(QStringLiteral("message")).toString();
    r.error.traceback = e.value(QStringLiteral("traceback")).toArray();
    r.error.details = e.value(QStringLiteral("details")).toObject();
    r.status = json.contains(QStringLiteral("status"))
                   ? hostStatusFromName(json.value(QStringLiteral("status")).toString())
                   : statusOf(r.ok, r.changed, r.error.kind);
    for (const QJsonValue& s : json.value(QStringLiteral("steps")).toArray())
        r.steps.append(fromJson(s.toObject()));
    return r;
}

void RunSummary::add(const HostResult& result)
{
    switch (result.status) {
    case HostStatus::Changed:
        ++changed;
        ++ok;
        break;
    case HostStatus::Ok:
        ++ok;
        break;
    case HostStatus::Failed:
        ++failed;
        break;
    case HostStatus::Unreachable:
        ++unreachable;
        break;
    case HostStatus::Skipped:
        ++skipped;
        break;
    case HostStatus::TimedOut:
        ++timedOut;
        break;
    case HostStatus::Cancelled:
        ++cancelled;
        break;
    }
}

QJsonObject RunSummary::toJson() const
{
    QJsonObject json{{QStringLiteral("summary"), true},
                     {QStringLiteral("total"), total},
                     {QStringLiteral("ok"), ok},
                     {QStringLiteral("changed"), changed},
                     {QStringLiteral("failed"), failed},
                     {QStringLiteral("unreachable"), unreachable},
                     {QStringLiteral("skipped"), skipped},
                     {QStringLiteral("timed_out"), timedOut},
                     {QStringLiteral("cancelled"), cancelled},
                     {QStringLiteral("check"), check},
                     {QStringLiteral("elapsed"), double(elapsedMs) / 1000.0}};
    if (refused)
        json.insert(QStringLiteral("refused"),
                    QJsonObject{{QStringLiteral("kind"), errorKindName(refused->kind)},
                                {QStringLiteral("message"), refused->message}});
    return json;
}

RunSummary RunSummary::fromJson(const QJsonObject& json)
{
    RunSummary s;
    s.total = json.value(QStringLiteral("total")).toInt();
    s.ok = json.value(QStringLiteral("ok")).toInt();
    s.changed = json.value(QStringLiteral("changed")).toInt();
    s.failed = json.value(QStringLiteral("failed")).toInt();
    s.unreachable = json.value(QStringLiteral("unreachable")).toInt();
    s.skipped = json.value(QStringLiteral("skipped")).toInt();
    s.timedOut = json.value(QStringLiteral("timed_out")).toInt();
    s.cancelled = json.value(QStringLiteral("cancelled")).toInt();
    s.check = json.value(QStringLiteral("check")).toBool();
    s.elapsedMs = qint64(json.value(QStringLiteral("elapsed")).toDouble() * 1000.0 + 0.5);
    const QJsonObject refused = json.value(QStringLiteral("refused")).toObject();
    if (!refused.isEmpty())
        s.refused = makeError(errorKindFromName(refused.value(QStringLiteral("kind")).toString()),
                              refused.value(QStringLiteral("message")).toString());
    return s;
}

} // namespace hostdeck::engine
