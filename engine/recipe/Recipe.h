#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

namespace hostdeck::engine {

/// Where something was written: file and line (1-based), for errors.
struct SourceLocation
{
    QString file;
    int line = 0;
    QString toString() const;
};

/// One step of a recipe: a tool method and its arguments (JSON whose strings may be `${...}`
/// templates), with the step options. Steps of an included recipe are flattened into the
/// including one, carrying the include's variables as a layer.
struct RecipeStep
{
    QString name;
    QString tool;
    QString method;
    QJsonObject args;
    QString when;       ///< a condition (expression); empty: always
    QString registerAs; ///< `register`: its record is `steps.<name>` for later steps
    int retries = 0;    ///< extra attempts after a failure
    std::chrono::milliseconds delay{1000}; ///< between attempts
    std::chrono::milliseconds timeout{0};  ///< 0: the run's call timeout
    bool ignoreErrors = false;
    std::optional<bool> become;     ///< unset: the host's own setting
    std::optional<bool> checkMode;  ///< `check_mode: false`: runs for real during a dry run
    QList<QJsonObject> includeVars; ///< variables of the includes it came through, outermost first
    SourceLocation where;

    QString label() const; ///< the name, else Tool.method
    /// Whether an argument or the condition mentions `word` (facts, steps): what its context
    /// needs to carry.
    bool mentions(const QString& word) const;
    bool isTemplated() const; ///< any `${` in the arguments, or a condition
};

/// A composed run: ordered steps, recipe variables, a final value per host, and defaults for
/// how it rolls out (each can be overridden when it is run).
struct Recipe
{
    QString file; ///< absolute path of the top file
    QString name;
    QString description;
    QJsonObject vars;
    QList<RecipeStep> steps;
    std::optional<QJsonValue> returns; ///< `return`: a template value rendered per host
    QString hosts;                     ///< default target pattern
    QStringList serial;
    std::optional<double> maxFailPercentage;
    QStringList files; ///< every file read (the top one and its includes)

    bool usesFacts() const; ///< some step or the return value refers to facts
};

} // namespace hostdeck::engine
