#include "engine/recipe/RecipeSource.h"

#include "engine/recipe/RecipeLoader.h"
#include "engine/recipe/RecipePlan.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

namespace hostdeck::engine {

namespace {

Result<QString> findFile(const QString& name, const QStringList& dirs)
{
    if (QFileInfo(name).isAbsolute()) {
        if (QFileInfo(name).isFile())
            return name;
        return Error{ErrorKind::NotFound, QStringLiteral("recipe %1: no such file").arg(name)};
    }
    if (name.isEmpty() || name.contains(QLatin1Char('/')) || name.startsWith(QLatin1Char('.')))
        return Error{ErrorKind::InvalidArgument,
                     QStringLiteral("recipe '%1': give an absolute path or the NAME of a recipe "
                                    "in %2")
                         .arg(name, dirs.join(QStringLiteral(", ")))};
    for (const QString& dir : dirs) {
        for (const QString& candidate :
             QStringList{name, name + QStringLiteral(".yml"), name + QStringLiteral(".yaml")}) {
            const QString path = QDir(dir).filePath(candidate);
            if (QFileInfo(path).isFile())
                return path;
        }
    }
    return Error{
        ErrorKind::NotFound,
        QStringLiteral("recipe '%1' is not in %2").arg(name, dirs.join(QStringLiteral(", ")))};
}

Result<Recipe> load(const QJsonValue& value, const QStringList& dirs)
{
    const QString base = dirs.isEmpty() ? QDir::currentPath() : dirs.constFirst();
    if (value.isString()) {
        const QString text = value.toString();
        if (text.contains(QLatin1Char('\n')))
            return RecipeLoader::parse(text.toUtf8(),
                                       QDir(base).filePath(QStringLiteral("<request>")));
        Result<QString> path = findFile(text.trimmed(), dirs);
        if (!path)
            return path.error();
        return RecipeLoader::load(*path);
    }
    if (!value.isObject())
        return Error{ErrorKind::InvalidArgument,
                     QStringLiteral("recipe: expected YAML text, a name or an object")};
    QJsonObject object = value.toObject();
    if (object.contains(QStringLiteral("file"))) {
        const QJsonValue vars = object.value(QStringLiteral("vars"));
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() != QStringLiteral("file") && it.key() != QStringLiteral("vars"))
                return Error{ErrorKind::InvalidArgument,
                             QStringLiteral("recipe.%1: with 'file' only 'vars' may be given")
                                 .arg(it.key())};
        }
        if (!vars.isUndefined() && !vars.isObject())
            return Error{ErrorKind::InvalidArgument,
                         QStringLiteral("recipe.vars: expected an object")};
        Result<QString> path = findFile(object.value(QStringLiteral("file")).toString(), dirs);
        if (!path)
            return path.error();
        Result<Recipe> recipe = RecipeLoader::load(*path);
        if (recipe) {
            const QJsonObject overrides = vars.toObject();
            for (auto it = overrides.begin(); it != overrides.end(); ++it)
                recipe->vars.insert(it.key(), it.value());
        }
        return recipe;
    }
    // JSON is YAML: the loader reports lines of the indented document.
    return RecipeLoader::parse(QJsonDocument(object).toJson(QJsonDocument::Indented),
                               QDir(base).filePath(QStringLiteral("<request>")));
}

} // namespace

QStringList RecipeSource::defaultDirs()
{
    return {QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
                .filePath(QStringLiteral("hostdeck/recipes"))};
}

Result<std::shared_ptr<const Plan>>
RecipeSource::plan(const QJsonValue& recipe, const ToolCatalog& catalog, const QStringList& dirs)
{
    Result<Recipe> loaded = load(recipe, dirs);
    if (!loaded)
        return loaded.error();
    auto plan = std::make_shared<RecipePlan>(std::move(*loaded));
    if (Status valid = plan->validate(catalog); !valid)
        return valid.error();
    return std::shared_ptr<const Plan>(std::move(plan));
}

} // namespace hostdeck::engine
