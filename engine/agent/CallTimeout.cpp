#include "engine/agent/CallTimeout.h"

#include <QJsonArray>

#include <cmath>

namespace hostdeck::engine {

namespace {

/// Positive seconds as milliseconds; 0 for anything else (null, absent, negative, not a number).
qint64 positiveMs(const QJsonValue& seconds)
{
    if (!seconds.isDouble())
        return 0;
    const double value = seconds.toDouble();
    if (!(value > 0) || !std::isfinite(value))
        return 0;
    return qint64(std::ceil(qMin(value, 1e9) * 1000.0));
}

/// The value a call passes for `name`, or the parameter's default.
QJsonValue argumentOrDefault(const QJsonObject& method, const QJsonObject& args,
                             const QString& name)
{
    if (args.contains(name))
        return args.value(name);
    for (const QJsonValue& param : method.value(QStringLiteral("params")).toArray()) {
        const QJsonObject p = param.toObject();
        if (p.value(QStringLiteral("name")).toString() == name)
            return p.value(QStringLiteral("default"));
    }
    return {};
}

} // namespace

std::chrono::milliseconds callTimeout(const QJsonObject& method, const QJsonObject& args,
                                      std::chrono::milliseconds runDefault)
{
    const qint64 declared = positiveMs(method.value(QStringLiteral("timeout")));
    const qint64 base = declared > 0 ? declared : qMax<qint64>(runDefault.count(), 0);
    if (base == 0)
        return std::chrono::milliseconds(0); // no deadline stays none: the method has its own
    const QString param = method.value(QStringLiteral("timeout_param")).toString();
    if (param.isEmpty())
        return std::chrono::milliseconds(base);
    const qint64 own = positiveMs(argumentOrDefault(method, args, param));
    if (own == 0)
        return std::chrono::milliseconds(base);
    const qint64 margin = qMax<qint64>(kTimeoutParamMargin.count(), own / 10);
    return std::chrono::milliseconds(qMax(base, own + margin));
}

} // namespace hostdeck::engine
