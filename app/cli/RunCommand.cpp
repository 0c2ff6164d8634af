#include "app/cli/RunCommand.h"

#include "app/cli/CliHistory.h"
#include "app/cli/CliSupport.h"
#include "app/cli/RunPrinter.h"
#include "app/cli/TargetOptions.h"
#include "engine/recipe/RecipeLoader.h"
#include "engine/recipe/RecipePlan.h"

#include <QCommandLineParser>

namespace hostdeck::cli {

using namespace hostdeck::engine;

void runRecipe(CliServices& services, const QStringList& args, Done done)
{
    const auto fail = [&done](const QString& message) {
        err() << "hostdeck-cli run: " << message << Qt::endl;
        done(ExitUsage);
    };
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    TargetOptions targetOptions;
    targetOptions.addTo(parser);
    const QCommandLineOption extraVars(
        QStringList{QStringLiteral("e"), QStringLiteral("extra-vars")},
        QStringLiteral("NAME=VALUE recipe variable (JSON)."), QStringLiteral("NAME=VALUE"));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("One JSON record per host, then the summary."));
    const QCommandLineOption events(QStringLiteral("events"),
                                    QStringLiteral("Every event of the run as a JSON line."));
    const QCommandLineOption stream(QStringLiteral("stream"),
                                    QStringLiteral("Echo live output to stderr."));
    parser.addOptions({extraVars, json, events, stream});
    parser.addPositionalArgument(QStringLiteral("RECIPE"), QStringLiteral("The recipe file."));
    if (!parser.parse(QStringList{QStringLiteral("hostdeck-cli run")} + args))
        return fail(parser.errorText());
    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("expected exactly one RECIPE file"));
    Result<Recipe> recipe = RecipeLoader::load(parser.positionalArguments().constFirst());
    if (!recipe)
        return fail(recipe.error().message);
    const Result<QJsonObject> vars = parseCallArgs(parser.values(extraVars));
    if (!vars)
        return fail(vars.error().message);
    for (auto it = vars->begin(); it != vars->end(); ++it)
        recipe->vars.insert(it.key(), it.value()); // -e wins over the recipe's vars
    Result<RunOptions> options = targetOptions.runOptions(parser);
    if (!options)
        return fail(options.error().message);
    if (options->serial.isEmpty())
        options->serial = recipe->serial;
    if (!options->maxFailPercentage)
        options->maxFailPercentage = recipe->maxFailPercentage;
    Result<Targets> targets = targetOptions.targets(parser, services, recipe->hosts);
    if (!targets)
        return fail(targets.error().message);
    for (const QString& warning : std::as_const(targets->warnings))
        err() << "hostdeck-cli run: " << warning << Qt::endl;

    auto* history = new CliHistory(targetOptions.historyPath(parser));
    if (const QString which = targetOptions.rerunFailed(parser); !which.isEmpty()) {
        const Result<QList<HostTarget>> again = history->onlyFailed(which, targets->hosts);
        if (!again) {
            delete history;
            return fail(again.error().message);
        }
        if (again->isEmpty()) {
            delete history;
            err() << "hostdeck-cli run: run " << which
                  << " has no failed or unreachable host among the targets" << Qt::endl;
            return done(ExitOk);
        }
        targets->hosts = *again;
    }

    RunRequest request;
    request.targets = targets->hosts;
    request.plan = std::make_shared<RecipePlan>(std::move(*recipe));
    request.options = *options;
    request.options.origin = QStringLiteral("cli");
    request.pattern = targets->pattern;
    request.inventory = targets->inventory;
    RunHandle* run = services.engine(targetOptions.engineOptions(parser))->startRun(request);
    history->setParent(run);
    history->record(run);
    const RunPrinter::Mode mode = parser.isSet(events) ? RunPrinter::Mode::Events
                                  : parser.isSet(json) ? RunPrinter::Mode::Records
                                                       : RunPrinter::Mode::Table;
    new RunPrinter(run, mode, parser.isSet(stream), QStringLiteral("run"), std::move(done));
}

} // namespace hostdeck::cli
