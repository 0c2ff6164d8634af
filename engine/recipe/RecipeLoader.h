#pragma once

#include "engine/recipe/Recipe.h"
#include "engine/util/Result.h"

namespace hostdeck::engine {

/// Reads a recipe YAML file (see docs/RECIPES.md): `name`, `description`, `vars`, `hosts`,
/// `serial`, `max_fail_percentage`, `steps` and `return`. A step is `Tool.method: {args}` with
/// options (`name`, `when`, `register`, `retries`, `delay`, `timeout`, `ignore_errors`,
/// `become`, `check_mode`), or `include: FILE` with `vars` (and `when`), whose steps are
/// flattened in (paths relative to the including file, no cycles, 16 deep at most). Every error
/// names the file and line: unknown keys, a step with no or two tool methods, bad option values.
/// The tools' parameters are checked separately, against their descriptions (RecipePlan).
class RecipeLoader
{
public:
    static Result<Recipe> load(const QString& path);
    /// `text` as if read from `file` (includes resolve against its folder).
    static Result<Recipe> parse(const QByteArray& text, const QString& file);
};

} // namespace hostdeck::engine
