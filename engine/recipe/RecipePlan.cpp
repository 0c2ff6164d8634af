#include "engine/recipe/RecipePlan.h"

#include "engine/agent/ArgumentCheck.h"
#include "engine/recipe/RecipeProgram.h"
#include "engine/runner/CallPlan.h"

#include <QFileInfo>
#include <QJsonArray>

namespace hostdeck::engine {

RecipePlan::RecipePlan(Recipe recipe) : m_recipe(std::move(recipe)) {}

QString RecipePlan::title() const
{
    return QStringLiteral("recipe %1")
        .arg(m_recipe.name.isEmpty() ? QFileInfo(m_recipe.file).fileName() : m_recipe.name);
}

QJsonObject RecipePlan::toJson(const ToolCatalog& catalog) const
{
    QJsonArray steps;
    for (const RecipeStep& step : m_recipe.steps)
        steps.append(QJsonObject{
            {QStringLiteral("where"), step.where.toString()},
            {QStringLiteral("name"), step.label()},
            {QStringLiteral("call"), QString(step.tool + QLatin1Char('.') + step.method)},
            {QStringLiteral("args"),
             QJsonValue(CallPlan::redacted(catalog, step.tool, step.method, step.args))},
        });
    QJsonObject json{{QStringLiteral("kind"), QStringLiteral("recipe")},
                     {QStringLiteral("tool"), QStringLiteral("recipe")},
                     {QStringLiteral("method"), QFileInfo(m_recipe.file).fileName()},
                     {QStringLiteral("file"), m_recipe.file},
                     {QStringLiteral("name"), m_recipe.name},
                     {QStringLiteral("vars"), m_recipe.vars},
                     {QStringLiteral("steps"), steps},
                     {QStringLiteral("args"), m_recipe.vars}};
    return json;
}

Status RecipePlan::validate(const ToolCatalog& catalog) const
{
    if (m_recipe.steps.isEmpty())
        return makeError(ErrorKind::InvalidArgument,
                         QStringLiteral("%1: the recipe has no steps").arg(m_recipe.file));
    for (const RecipeStep& step : m_recipe.steps) {
        const auto where = [&step](const QString& message) {
            return makeError(ErrorKind::InvalidArgument,
                             QStringLiteral("%1: step '%2': %3")
                                 .arg(step.where.toString(), step.label(), message));
        };
        const std::optional<MethodInfo> method = catalog.method(step.tool, step.method);
        if (method && method->internal)
            return where(QStringLiteral("%1.%2 is a protocol piece, not a tool to call")
                             .arg(step.tool, step.method));
        if (Status checked = ArgumentCheck::check(catalog, step.tool, step.method, step.args, true);
            !checked)
            return where(checked.error().message);
    }
    return Ok{};
}

std::unique_ptr<HostProgram> RecipePlan::programFor(const HostTarget&) const
{
    return std::make_unique<RecipeProgram>(m_recipe);
}

} // namespace hostdeck::engine
