#pragma once

#include "engine/history/HistoryRun.h"
#include "engine/recipe/Recipe.h"
#include "engine/util/Result.h"

namespace hostdeck::engine {

/// Writes a recipe as the YAML RecipeLoader reads (the recipe editor's YAML view, "save as
/// recipe"), and turns a recorded run into a recipe. What the loader would read back as another
/// type is quoted, so a written recipe loads to the same steps and arguments. Steps that came
/// from an include are written flattened: the include's variables are not carried.
class RecipeWriter
{
public:
    static QByteArray toYaml(const Recipe& recipe);
    static QByteArray stepToYaml(const RecipeStep& step); ///< one step as a mapping
    /// A history entry (a tool call, or a recipe run from its plan) as a recipe on the same
    /// hosts: a call becomes one step; per-host arguments become one step per distinct set of
    /// arguments with `when: inventory_hostname in [...]`. Redacted secrets become `${param}`
    /// references to a variable the recipe leaves unset (give it with `-e` when running). A
    /// template deploy or an unknown plan kind is refused.
    static Result<Recipe> fromHistory(const HistoryRun& run);
    /// Several history entries as one recipe, oldest first (by start time, then id) whatever
    /// order they are given in: each run's steps follow the previous run's. The recipe targets
    /// every host of every run; the steps of a run made on fewer hosts get `when:
    /// inventory_hostname in [...]` (unless they already carry a per-host condition). Refused
    /// when one run cannot be saved, or two recipe runs give a variable different values.
    static Result<Recipe> fromHistory(const QList<HistoryRun>& runs);
};

} // namespace hostdeck::engine
