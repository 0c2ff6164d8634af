#include "runner/HostResult.h"

namespace hostdeck::engine {

namespace {

ErrorKind kindFromName(const QString& name)
{
    for (ErrorKind kind :
         {ErrorKind::Usage, ErrorKind::NotFound, ErrorKind::Unreachable, ErrorKind::Auth,
          ErrorKind::HostKey, ErrorKind::Timeout, ErrorKind::Remote, ErrorKind::Connection,
          ErrorKind::Protocol, ErrorKind::Cancelled, ErrorKind::Keychain, ErrorKind::Io}) {
        if (errorKindName(kind) == name)
            return kind;
    }
    return ErrorKind::Remote;
}

} // namespace

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
    r.error.kind = kindFromName(e.value(QStringLiteral("kind")).toString());
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
    switch (result.error.kind) {
    case ErrorKind::Unreachable:
    case ErrorKind::Auth:
    case ErrorKind::HostKey:
    case ErrorKind::Connection:
    case ErrorKind::NotFound:
    case ErrorKind::Protocol:
        ++unreachable;
        break;
    case ErrorKind::Cancelled:
        ++cancelled;
        break;
    default:
        ++failed;
        break;
    }
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
