#pragma once

#include "engine/recipe/Recipe.h"
#include "engine/runner/RunRequest.h"

namespace hostdeck::engine {

/// A recipe as a plan of the run service: on each host its steps run in order over the host's
/// one agent (a failing step stops that host only, unless it ignores errors), each step's
/// arguments and condition rendered on the host over its variables, facts (gathered once when a
/// step refers to them) and the earlier steps' registered records, then `return` gives the
/// host's value. Check mode runs the whole recipe as a dry run (`check_mode: false` steps for
/// real). The host record carries a step record per step.
class RecipePlan final : public Plan
{
public:
    explicit RecipePlan(Recipe recipe);
    const Recipe& recipe() const { return m_recipe; }

    QString title() const override;
    QJsonObject toJson(const ToolCatalog& catalog) const override;
    /// Every step's tool method exists and is not internal, and its arguments fit the tool's
    /// description (a `${...}` value passes any type): errors name file, line, step, parameter.
    Status validate(const ToolCatalog& catalog) const override;
    std::unique_ptr<HostProgram> programFor(const HostTarget& target) const override;

private:
    Recipe m_recipe;
};

} // namespace hostdeck::engine
