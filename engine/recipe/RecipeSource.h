#pragma once

#include "engine/runner/RunRequest.h"
#include "engine/util/Result.h"

#include <QJsonValue>
#include <QStringList>

#include <memory>

namespace hostdeck::engine {

class ToolCatalog;

/// A recipe named by a script (the REST API's `{"recipe": ...}`) as a checked plan:
/// - a string with a line break: the recipe's YAML text;
/// - another string: a recipe file, an absolute path or NAME (NAME.yml / NAME.yaml) looked up
///   in `dirs` in order ($XDG_DATA_HOME/hostdeck/recipes by default);
/// - an object: the recipe itself in JSON (YAML's subset), e.g. {"steps": [...], "vars": {}};
///   `{"file": ..., "vars": {...}}` names a file and overrides its vars.
/// Includes of inline recipes resolve against the first of `dirs`. Errors name the recipe and
/// the line, and the kind says whether the recipe was missing (NotFound) or wrong (Usage).
class RecipeSource
{
public:
    static QStringList defaultDirs();
    static Result<std::shared_ptr<const Plan>>
    plan(const QJsonValue& recipe, const ToolCatalog& catalog, const QStringList& dirs);
};

} // namespace hostdeck::engine
