#include "engine/runner/RunEvent.h"

namespace hostdeck::engine {

QString hostPhaseName(HostPhase phase)
{
    switch (phase) {
    case HostPhase::Pending:
        return QStringLiteral("pending");
    case HostPhase::Connecting:
        return QStringLiteral("connecting");
    case HostPhase::Running:
        return QStringLiteral("running");
    case HostPhase::Done:
        return QStringLiteral("done");
    }
    return {};
}

QString RunEvent::typeName(Type type)
{
    switch (type) {
    case Type::RunStarted:
        return QStringLiteral("run.started");
    case Type::HostState:
        return QStringLiteral("host.state");
    case Type::StepOutput:
        return QStringLiteral("step.output");
    case Type::StepResult:
        return QStringLiteral("step.result");
    case Type::HostResult:
        return QStringLiteral("host.result");
    case Type::RunFinished:
        return QStringLiteral("run.finished");
    }
    return {};
}

QJsonObject RunEvent::toJson() const
{
    QJsonObject json{{QStringLiteral("event"), typeName(type)},
                     {QStringLiteral("run"), QString::number(runId)},
                     {QStringLiteral("time"), double(timeMs) / 1000.0}};
    switch (type) {
    case Type::RunStarted:
        for (auto it = info.begin(); it != info.end(); ++it)
            json.insert(it.key(), it.value());
        break;
    case Type::HostState:
        json.insert(QStringLiteral("host"), host);
        json.insert(QStringLiteral("state"), hostPhaseName(phase));
        break;
    case Type::StepOutput:
        json.insert(QStringLiteral("host"), host);
        json.insert(QStringLiteral("step"), step);
        json.insert(QStringLiteral("stream"), stream);
        json.insert(QStringLiteral("data"), data);
        break;
    case Type::StepResult:
    case Type::HostResult:
        json.insert(QStringLiteral("host"), host);
        json.insert(QStringLiteral("record"), record.toJson());
        break;
    case Type::RunFinished:
        json.insert(QStringLiteral("summary"), summary.toJson());
        break;
    }
    return json;
}

RunEvent RunEvent::fromJson(const QJsonObject& json)
{
    RunEvent e;
    const QString name = json.value(QStringLiteral("event")).toString();
    for (Type t : {Type::RunStarted, Type::HostState, Type::StepOutput, Type::StepResult,
                   Type::HostResult, Type::RunFinished}) {
        if (typeName(t) == name)
            e.type = t;
    }
    e.runId = json.value(QStringLiteral("run")).toString().toULongLong();
    e.timeMs = qint64(json.value(QStringLiteral("time")).toDouble() * 1000.0 + 0.5);
    e.host = json.value(QStringLiteral("host")).toString();
    const QString state = json.value(QStringLiteral("state")).toString();
    for (HostPhase p :
         {HostPhase::Pending, HostPhase::Connecting, HostPhase::Running, HostPhase::Done}) {
        if (hostPhaseName(p) == state)
            e.phase = p;
    }
    e.step = json.value(QStringLiteral("step")).toString();
    e.stream = json.value(QStringLiteral("stream")).toString();
    e.data = json.value(QStringLiteral("data"));
    e.record = HostResult::fromJson(json.value(QStringLiteral("record")).toObject());
    e.summary = RunSummary::fromJson(json.value(QStringLiteral("summary")).toObject());
    if (e.type == Type::RunStarted) {
        e.info = json;
        for (const char* key : {"event", "run", "time"})
            e.info.remove(QLatin1String(key));
    }
    return e;
}

} // namespace hostdeck::engine
