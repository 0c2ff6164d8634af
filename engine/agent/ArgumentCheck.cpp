#include "engine/agent/ArgumentCheck.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace hostdeck::engine {

namespace {

QString jsonTypeName(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

bool isInteger(const QJsonValue& value)
{
    if (!value.isDouble())
        return false;
    const double d = value.toDouble();
    return std::isfinite(d) && std::floor(d) == d && std::fabs(d) <= 9007199254740992.0;
}

bool isTaggedBytes(const QJsonValue& value)
{
    const QJsonObject o = value.toObject();
    return o.size() == 1 && (o.value(QStringLiteral("$bytes")).isString() ||
                             o.value(QStringLiteral("$bin")).isDouble());
}

/// Whether `value` is acceptable as a scalar of `kind` (Json accepts anything).
bool fitsScalar(ParamType::Kind kind, const QJsonValue& value)
{
    using Kind = ParamType::Kind;
    switch (kind) {
    case Kind::Str:
    case Kind::Text:
    case Kind::Path:
    case Kind::Secret:
        return value.isString();
    case Kind::Int:
        return isInteger(value);
    case Kind::Float:
        return value.isDouble();
    case Kind::Bool:
        return value.isBool();
    case Kind::Bytes:
        return value.isString() || isTaggedBytes(value);
    case Kind::List:
        return value.isArray();
    case Kind::Dict:
        return value.isObject();
    case Kind::Enum:
        return value.isString();
    case Kind::Json:
        return true;
    }
    return true;
}

/// Empty when `value` fits `type`, otherwise what is wrong (after "expects T, got ...").
QString mismatch(const ParamType& type, const QJsonValue& value)
{
    using Kind = ParamType::Kind;
    if (value.isNull())
        return type.optional || type.kind == Kind::Json ? QString() : QStringLiteral("null");
    if (!fitsScalar(type.kind, value))
        return ArgumentCheck::quote(value) + QStringLiteral(" (") + jsonTypeName(value) +
               QLatin1Char(')');
    if (type.kind == Kind::Enum && !type.choices.isEmpty() &&
        !type.choices.contains(value.toString()))
        return ArgumentCheck::quote(value) + QStringLiteral(" (one of: ") +
               type.choices.join(QStringLiteral(", ")) + QLatin1Char(')');
    if (type.kind == Kind::List) {
        const QJsonArray items = value.toArray();
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (!fitsScalar(type.itemKind, items.at(i)) || items.at(i).isNull())
                return QStringLiteral("item %1 = %2 (%3)")
                    .arg(i)
                    .arg(ArgumentCheck::quote(items.at(i)), jsonTypeName(items.at(i)));
        }
    }
    if (type.kind == Kind::Dict) {
        const QJsonObject map = value.toObject();
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!it.value().isString())
                return QStringLiteral("key '%1' = %2 (%3)")
                    .arg(it.key(), ArgumentCheck::quote(it.value()), jsonTypeName(it.value()));
        }
    }
    return {};
}

} // namespace

QString ArgumentCheck::quote(const QJsonValue& value)
{
    QString text = QString::fromUtf8(
        QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).chopped(1).mid(1));
    if (text.size() > 80)
        text = text.left(77) + QStringLiteral("...");
    return text;
}

bool ArgumentCheck::isTemplate(const QJsonValue& value)
{
    return value.isString() && value.toString().contains(QStringLiteral("${"));
}

Status ArgumentCheck::check(const MethodInfo& method, const QJsonObject& args, bool templates)
{
    const QString where = method.fullName();
    QStringList names;
    for (const ParamInfo& param : method.params)
        names << param.name;
    for (auto it = args.begin(); it != args.end(); ++it) {
        if (!method.param(it.key()))
            return makeError(ErrorKind::InvalidArgument,
                             QStringLiteral("%1 has no parameter '%2' (parameters: %3)")
                                 .arg(where, it.key(),
                                      names.isEmpty() ? QStringLiteral("none")
                                                      : names.join(QStringLiteral(", "))));
    }
    for (const ParamInfo& param : method.params) {
        const QString annotation =
            param.annotation.isEmpty() ? QStringLiteral("any value") : param.annotation;
        if (!args.contains(param.name)) {
            if (param.required)
                return makeError(ErrorKind::InvalidArgument,
                                 QStringLiteral("%1: missing required parameter '%2' (%3)")
                                     .arg(where, param.name, annotation));
            continue;
        }
        if (templates && isTemplate(args.value(param.name)))
            continue; // its type is known once the host rendered it
        const QString wrong = mismatch(param.type, args.value(param.name));
        if (!wrong.isEmpty())
            return makeError(ErrorKind::InvalidArgument,
                             QStringLiteral("%1: parameter '%2' expects %3, got %4")
                                 .arg(where, param.name, annotation, wrong));
    }
    return Ok{};
}

Status ArgumentCheck::check(const ToolCatalog& catalog, const QString& tool, const QString& method,
                            const QJsonObject& args, bool templates)
{
    const std::optional<MethodInfo> info = catalog.method(tool, method);
    if (!info && !catalog.brokenReason(tool).isEmpty())
        return makeError(ErrorKind::InvalidArgument, catalog.brokenReason(tool));
    if (!info) {
        QStringList known;
        bool toolKnown = false;
        for (const ToolInfo& t : catalog.tools()) {
            if (t.name != tool)
                continue;
            toolKnown = true;
            for (const MethodInfo& m : t.methods) {
                if (!m.internal)
                    known << m.name;
            }
        }
        return makeError(ErrorKind::InvalidArgument,
                         toolKnown ? QStringLiteral("%1 has no method '%2' (methods: %3)")
                                         .arg(tool, method, known.join(QStringLiteral(", ")))
                                   : QStringLiteral("unknown tool '%1'").arg(tool));
    }
    return check(*info, args, templates);
}

} // namespace hostdeck::engine
