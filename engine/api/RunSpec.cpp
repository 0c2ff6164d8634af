#include "engine/api/RunSpec.h"

#include "engine/agent/ArgumentCheck.h"

#include <QJsonArray>

#include <cmath>

namespace hostdeck::engine::api {

ApiResponse ApiResponse::error(int status, ErrorKind kind, const QString& message,
                               const QString& field)
{
    QJsonObject error{{QStringLiteral("kind"), errorKindName(kind)},
                      {QStringLiteral("message"), message}};
    if (!field.isEmpty())
        error.insert(QStringLiteral("field"), field);
    return {status, QJsonObject{{QStringLiteral("error"), error}}};
}

namespace {

ApiResponse bad(const QString& field, const QString& message)
{
    return ApiResponse::error(400, ErrorKind::InvalidArgument,
                              QStringLiteral("%1: %2").arg(field, message), field);
}

std::optional<ApiResponse> seconds(const QJsonObject& body, const QString& key,
                                   std::chrono::milliseconds* out)
{
    if (!body.contains(key))
        return std::nullopt;
    const QJsonValue v = body.value(key);
    const double s = v.toDouble(-1);
    if (!v.isDouble() || !std::isfinite(s) || s < 0 || s > 1e7)
        return bad(key, QStringLiteral("expected a number of seconds >= 0"));
    *out = std::chrono::milliseconds(qint64(s * 1000.0));
    return std::nullopt;
}

std::optional<ApiResponse> stringList(const QJsonObject& body, const QString& key, QStringList* out)
{
    if (!body.contains(key))
        return std::nullopt;
    const QJsonValue v = body.value(key);
    if (!v.isArray())
        return bad(key, QStringLiteral("expected a list of strings"));
    const QJsonArray items = v.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (!items.at(i).isString() || items.at(i).toString().isEmpty())
            return bad(QStringLiteral("%1[%2]").arg(key).arg(i),
                       QStringLiteral("expected a non-empty string"));
        *out << items.at(i).toString();
    }
    return std::nullopt;
}

} // namespace

std::variant<RunSpec, ApiResponse>
RunSpec::parse(const QJsonObject& body,
               const std::optional<std::pair<QString, QString>>& toolMethod)
{
    static const QStringList common{QStringLiteral("pattern"),
                                    QStringLiteral("inventory"),
                                    QStringLiteral("hosts"),
                                    QStringLiteral("check"),
                                    QStringLiteral("forks"),
                                    QStringLiteral("timeout"),
                                    QStringLiteral("deadline"),
                                    QStringLiteral("serial"),
                                    QStringLiteral("max_fail_percentage"),
                                    QStringLiteral("args")};
    QStringList allowed = common;
    if (!toolMethod)
        allowed << QStringLiteral("tool") << QStringLiteral("method") << QStringLiteral("recipe");
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!allowed.contains(it.key()))
            return bad(it.key(), QStringLiteral("unknown field (fields: %1)")
                                     .arg(allowed.join(QStringLiteral(", "))));
    }
    RunSpec spec;
    spec.options.origin = QStringLiteral("rest");
    if (toolMethod) {
        spec.tool = toolMethod->first;
        spec.method = toolMethod->second;
    } else if (body.contains(QStringLiteral("recipe"))) {
        spec.recipe = body.value(QStringLiteral("recipe"));
        for (const char* key : {"tool", "method", "args"}) {
            if (body.contains(QLatin1String(key)))
                return bad(QString::fromLatin1(key),
                           QStringLiteral("a run is a tool call or a recipe, not both"));
        }
    } else {
        for (const char* key : {"tool", "method"}) {
            const QJsonValue v = body.value(QLatin1String(key));
            if (!v.isString() || v.toString().isEmpty())
                return bad(QString::fromLatin1(key),
                           QStringLiteral("required: a non-empty string (or give a recipe)"));
        }
        spec.tool = body.value(QStringLiteral("tool")).toString();
        spec.method = body.value(QStringLiteral("method")).toString();
    }
    if (body.contains(QStringLiteral("args"))) {
        if (!body.value(QStringLiteral("args")).isObject())
            return bad(QStringLiteral("args"), QStringLiteral("expected an object"));
        spec.args = body.value(QStringLiteral("args")).toObject();
    }
    for (const char* key : {"pattern", "inventory"}) {
        const QJsonValue v = body.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isString())
            return bad(QString::fromLatin1(key), QStringLiteral("expected a string"));
    }
    spec.pattern = body.value(QStringLiteral("pattern")).toString();
    spec.inventory = body.value(QStringLiteral("inventory")).toString();
    if (auto e = stringList(body, QStringLiteral("hosts"), &spec.hosts))
        return *e;
    if (!spec.hosts.isEmpty() && (!spec.pattern.isEmpty() || !spec.inventory.isEmpty()))
        return bad(QStringLiteral("hosts"),
                   QStringLiteral("give either hosts or a pattern over an inventory"));
    if (body.contains(QStringLiteral("check"))) {
        if (!body.value(QStringLiteral("check")).isBool())
            return bad(QStringLiteral("check"), QStringLiteral("expected true or false"));
        spec.options.check = body.value(QStringLiteral("check")).toBool();
    }
    if (body.contains(QStringLiteral("forks"))) {
        const double forks = body.value(QStringLiteral("forks")).toDouble(-1);
        if (forks < 1 || forks > 10000 || std::floor(forks) != forks)
            return bad(QStringLiteral("forks"), QStringLiteral("expected an integer from 1"));
        spec.options.forks = int(forks);
    }
    if (auto e = seconds(body, QStringLiteral("timeout"), &spec.options.callTimeout))
        return *e;
    if (auto e = seconds(body, QStringLiteral("deadline"), &spec.options.deadline))
        return *e;
    if (auto e = stringList(body, QStringLiteral("serial"), &spec.options.serial))
        return *e;
    if (Status valid = RunOptions::validateSerial(spec.options.serial); !valid)
        return bad(QStringLiteral("serial"), valid.error().message);
    if (body.contains(QStringLiteral("max_fail_percentage"))) {
        const QJsonValue v = body.value(QStringLiteral("max_fail_percentage"));
        if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 100)
            return bad(QStringLiteral("max_fail_percentage"),
                       QStringLiteral("expected a number from 0 to 100"));
        spec.options.maxFailPercentage = v.toDouble();
    }
    return spec;
}

std::optional<ApiResponse> RunSpec::checkArgs(const ToolCatalog& catalog) const
{
    if (recipe)
        return std::nullopt;
    const std::optional<MethodInfo> info = catalog.method(tool, method);
    if (!info || info->internal) {
        const QString broken = catalog.brokenReason(tool);
        return ApiResponse::error(
            404, ErrorKind::NotFound,
            !broken.isEmpty() ? broken
                              : QStringLiteral("no tool method %1.%2 (GET /v1/tools lists them)")
                                    .arg(tool, method),
            QStringLiteral("method"));
    }
    // One parameter at a time, so that the refusal names its field.
    for (auto it = args.begin(); it != args.end(); ++it) {
        const ParamInfo* param = info->param(it.key());
        if (!param)
            return bad(QStringLiteral("args.") + it.key(),
                       QStringLiteral("%1 has no parameter '%2'").arg(info->fullName(), it.key()));
        MethodInfo single = *info;
        ParamInfo only = *param;
        only.required = false;
        single.params = {only};
        if (Status checked = ArgumentCheck::check(single, QJsonObject{{it.key(), it.value()}});
            !checked) {
            // A secret of the wrong type is not quoted back.
            const QString message = param->type.kind == ParamType::Kind::Secret
                                        ? QStringLiteral("%1: parameter '%2' expects a string")
                                              .arg(info->fullName(), it.key())
                                        : checked.error().message;
            return bad(QStringLiteral("args.") + it.key(), message);
        }
    }
    for (const ParamInfo& param : info->params) {
        if (param.required && !args.contains(param.name))
            return bad(QStringLiteral("args.") + param.name,
                       QStringLiteral("%1: missing required parameter '%2' (%3)")
                           .arg(info->fullName(), param.name, param.annotation));
    }
    // And the whole call as the run service will check it (nothing above should differ).
    if (Status checked = ArgumentCheck::check(*info, args); !checked)
        return bad(QStringLiteral("args"), checked.error().message);
    return std::nullopt;
}

} // namespace hostdeck::engine::api
