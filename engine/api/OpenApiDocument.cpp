#include "engine/api/OpenApiDocument.h"

#include "engine/api/OpenApiParts.h"

#include <QJsonArray>

namespace hostdeck::engine::api {

using namespace openapi;

namespace {

QJsonObject scalarSchema(ParamType::Kind kind, const QStringList& choices)
{
    using Kind = ParamType::Kind;
    switch (kind) {
    case Kind::Str:
    case Kind::Text:
        return {{QStringLiteral("type"), QStringLiteral("string")}};
    case Kind::Path:
        return {{QStringLiteral("type"), QStringLiteral("string")},
                {QStringLiteral("description"), QStringLiteral("A path on the host.")}};
    case Kind::Secret:
        return {{QStringLiteral("type"), QStringLiteral("string")},
                {QStringLiteral("format"), QStringLiteral("password")},
                {QStringLiteral("writeOnly"), true}};
    case Kind::Int:
        return {{QStringLiteral("type"), QStringLiteral("integer")}};
    case Kind::Float:
        return {{QStringLiteral("type"), QStringLiteral("number")}};
    case Kind::Bool:
        return {{QStringLiteral("type"), QStringLiteral("boolean")}};
    case Kind::Bytes:
        return {{QStringLiteral("oneOf"),
                 QJsonArray{
                     QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}},
                     QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                                 {QStringLiteral("required"), QJsonArray{QStringLiteral("$bytes")}},
                                 {QStringLiteral("properties"),
                                  QJsonObject{{QStringLiteral("$bytes"),
                                               QJsonObject{{QStringLiteral("type"),
                                                            QStringLiteral("string")}}}}}}}}};
    case Kind::List:
        return {{QStringLiteral("type"), QStringLiteral("array")}};
    case Kind::Dict:
        return {{QStringLiteral("type"), QStringLiteral("object")},
                {QStringLiteral("additionalProperties"),
                 QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}};
    case Kind::Enum: {
        QJsonObject schema{{QStringLiteral("type"), QStringLiteral("string")}};
        if (!choices.isEmpty())
            schema.insert(QStringLiteral("enum"), QJsonArray::fromStringList(choices));
        return schema;
    }
    case Kind::Json:
        break;
    }
    return {};
}

} // namespace

QString OpenApiDocument::operationName(const MethodInfo& method)
{
    return method.tool + QLatin1Char('_') + method.name;
}

QJsonObject OpenApiDocument::paramSchema(const ParamInfo& param)
{
    QJsonObject schema = scalarSchema(param.type.kind, param.type.choices);
    if (param.type.kind == ParamType::Kind::List)
        schema.insert(QStringLiteral("items"), scalarSchema(param.type.itemKind, {}));
    // OpenAPI 3.0 allows `nullable` only beside a `type` (bytes, a oneOf, stays without).
    if (param.type.optional && schema.contains(QStringLiteral("type")))
        schema.insert(QStringLiteral("nullable"), true);
    const QString annotation =
        param.annotation.isEmpty() ? QStringLiteral("any JSON value") : param.annotation;
    const QString base = schema.value(QStringLiteral("description")).toString();
    schema.insert(QStringLiteral("description"),
                  QString((base.isEmpty() ? QString() : base + QLatin1Char(' ')) +
                          QStringLiteral("Python annotation: `%1`.").arg(annotation)));
    if (param.hasDefault && (!param.defaultValue.isNull() || param.type.optional ||
                             param.type.kind == ParamType::Kind::Json))
        schema.insert(QStringLiteral("default"), param.defaultValue);
    return schema;
}

QJsonObject OpenApiDocument::argsSchema(const MethodInfo& method)
{
    QJsonObject properties;
    QJsonArray required;
    for (const ParamInfo& param : method.params) {
        properties.insert(param.name, paramSchema(param));
        if (param.required)
            required.append(param.name);
    }
    QJsonObject schema{
        {QStringLiteral("type"), QStringLiteral("object")},
        {QStringLiteral("additionalProperties"), false},
        {QStringLiteral("properties"), properties},
        {QStringLiteral("description"), QStringLiteral("Arguments of %1.").arg(method.fullName())}};
    if (!required.isEmpty())
        schema.insert(QStringLiteral("required"), required);
    return schema;
}

QJsonObject OpenApiDocument::generate(const ToolCatalog& catalog, const QString& version,
                                      const QString& serverUrl)
{
    QJsonObject schemas = fixedSchemas();
    QJsonObject paths = fixedPaths();
    QJsonArray tags = fixedTags();
    for (const ToolInfo& tool : catalog.tools()) {
        bool tagged = false;
        for (const MethodInfo& method : tool.methods) {
            if (method.internal)
                continue;
            tagged = true;
            const QString name = operationName(method);
            schemas.insert(name + QStringLiteral("_args"), argsSchema(method));
            QJsonObject request = callRequestSchema();
            QJsonObject properties = request.value(QStringLiteral("properties")).toObject();
            properties.insert(QStringLiteral("args"), ref(name + QStringLiteral("_args")));
            request.insert(QStringLiteral("properties"), properties);
            bool anyRequired = false;
            for (const ParamInfo& param : method.params)
                anyRequired = anyRequired || param.required;
            if (anyRequired)
                request.insert(QStringLiteral("required"), QJsonArray{QStringLiteral("args")});
            schemas.insert(name + QStringLiteral("_request"), request);
            QString description = method.doc.trimmed();
            if (description.isEmpty())
                description = QStringLiteral("%1 (no docstring).").arg(method.fullName());
            if (method.changes)
                description += QStringLiteral("\n\nChanges the host: honours `check`.");
            QJsonObject operation{{QStringLiteral("operationId"), name},
                                  {QStringLiteral("tags"), QJsonArray{tool.name}},
                                  {QStringLiteral("summary"), method.summary().isEmpty()
                                                                  ? method.fullName()
                                                                  : method.summary().left(200)},
                                  {QStringLiteral("description"), description},
                                  {QStringLiteral("requestBody"),
                                   jsonBody(ref(name + QStringLiteral("_request")), anyRequired)},
                                  {QStringLiteral("responses"), runStartResponses()},
                                  {QStringLiteral("x-hostdeck-changes"), method.changes}};
            paths.insert(QStringLiteral("/v1/call/") + method.fullName(),
                         QJsonObject{{QStringLiteral("post"), operation}});
        }
        if (tagged) {
            const QString doc = tool.doc.section(QStringLiteral("\n\n"), 0, 0).simplified();
            tags.append(QJsonObject{
                {QStringLiteral("name"), tool.name},
                {QStringLiteral("description"),
                 QString((doc.isEmpty() ? QStringLiteral("Tool %1.").arg(tool.name) : doc) +
                         (tool.custom ? QStringLiteral(" (custom tool)") : QString()))}});
        }
    }
    QJsonObject components{
        {QStringLiteral("schemas"), schemas},
        {QStringLiteral("responses"), errorResponses()},
        {QStringLiteral("securitySchemes"),
         QJsonObject{{QStringLiteral("bearer"),
                      QJsonObject{{QStringLiteral("type"), QStringLiteral("http")},
                                  {QStringLiteral("scheme"), QStringLiteral("bearer")}}}}}};
    return {{QStringLiteral("openapi"), QStringLiteral("3.0.3")},
            {QStringLiteral("info"), info(version)},
            {QStringLiteral("servers"),
             QJsonArray{QJsonObject{{QStringLiteral("url"), serverUrl},
                                    {QStringLiteral("description"),
                                     QStringLiteral("This machine (loopback only).")}}}},
            {QStringLiteral("security"),
             QJsonArray{QJsonObject{{QStringLiteral("bearer"), QJsonArray{}}}}},
            {QStringLiteral("tags"), tags},
            {QStringLiteral("paths"), paths},
            {QStringLiteral("components"), components}};
}

} // namespace hostdeck::engine::api
