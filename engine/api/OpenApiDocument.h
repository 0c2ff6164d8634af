#pragma once

#include "engine/agent/ToolCatalog.h"

#include <QJsonObject>

namespace hostdeck::engine::api {

/// The OpenAPI 3.0 document of the REST API, generated at run time from the tool descriptions
/// (custom tools included, internal methods left out): the fixed endpoints, plus one operation
/// per tool method (`POST /v1/call/Tool.method`, operationId `Tool_method`, tag `Tool`) whose
/// request schema is made from the method's parameter annotations, defaults and docstrings.
class OpenApiDocument
{
public:
    static QJsonObject generate(const ToolCatalog& catalog, const QString& version,
                                const QString& serverUrl);
    /// The JSON schema of a parameter annotation (ParamType): what ArgumentCheck accepts.
    static QJsonObject paramSchema(const ParamInfo& param);
    /// The schema of a method's `args` object.
    static QJsonObject argsSchema(const MethodInfo& method);
    /// `Tool_method`: the component and operation name of a method.
    static QString operationName(const MethodInfo& method);
};

} // namespace hostdeck::engine::api
