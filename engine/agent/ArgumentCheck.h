#pragma once

#include "engine/agent/ToolCatalog.h"
#include "engine/util/Result.h"

#include <QJsonObject>

namespace hostdeck::engine {

/// Checks a tool call's arguments against the method's description on the controller, before
/// anything is sent: unknown and missing parameters, and each value against its annotation
/// (str/Path/Text/Secret, int, float, bool, bytes, list[...], dict[str, str], Literal[...],
/// Optional[...]; other annotations accept any JSON). The error (ErrorKind::InvalidArgument)
/// names the method, the parameter, the expected type and the value given. The GUI's forms, the
/// CLI, recipes and the REST API all use this one check.
class ArgumentCheck
{
public:
    /// `templates`: a string holding `${` (a recipe's template, rendered on the host later)
    /// passes any type check; names and required parameters are still checked.
    static Status check(const MethodInfo& method, const QJsonObject& args, bool templates = false);
    /// Finds `tool.method` in `catalog` and checks; unknown tools and methods are errors too.
    static Status check(const ToolCatalog& catalog, const QString& tool, const QString& method,
                        const QJsonObject& args, bool templates = false);
    /// Whether `value` is a template string (holds `${`).
    static bool isTemplate(const QJsonValue& value);
    /// A value as the error quotes it: compact JSON, cut at 80 characters.
    static QString quote(const QJsonValue& value);
};

} // namespace hostdeck::engine
