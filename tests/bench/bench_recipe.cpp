// Recipe benchmark (issue 15): the controller's CPU time per step per host when the run service
// runs a recipe of many small steps on many hosts at once. The hosts are local agents (a real
// python3 each, started by the engine): their work runs in child processes, so this process's
// CPU time (getrusage, every thread: the engine thread included) is the controller's share:
// rendering nothing itself, it sends each step, reads its answer, records and reports it.
// Measured on warm agents (a first run starts them), median of --reps runs, for plain steps and
// for templated steps (`${...}` arguments and a condition, rendered on the host).
//   bench_recipe [--hosts N] [--steps S] [--reps R]
#include "tests/support/TestEnv.h"

#include "engine/recipe/RecipeLoader.h"
#include "engine/recipe/RecipePlan.h"
#include "engine/runner/EngineClient.h"
#include "engine/runner/TargetFactory.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

#include <sys/resource.h>

#if __has_include("BenchFigure.h")
#include "tests/bench/BenchFigure.h"
#define HOSTDECK_HAVE_BENCH_FIGURE 1
#endif

using namespace hostdeck::engine;

namespace {

double cpuMs()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return (double(usage.ru_utime.tv_sec) + double(usage.ru_stime.tv_sec)) * 1000.0 +
           (double(usage.ru_utime.tv_usec) + double(usage.ru_stime.tv_usec)) / 1000.0;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

void printFigure(const char* name, double value, const char* unit, double target)
{
#ifdef HOSTDECK_HAVE_BENCH_FIGURE
    hostdeck::bench::figure(name, value, unit, hostdeck::bench::Better::Lower, target);
#else
    std::printf("FIGURE %s %.6g %s <=%.6g %s\n", name, value, unit, target,
                value <= target ? "met" : "missed");
    std::fflush(stdout);
#endif
}

QByteArray recipeText(int steps, bool templated)
{
    QByteArray text = "vars: {root: /}\nsteps:\n";
    for (int i = 0; i < steps; ++i) {
        if (templated)
            text += "  - FileSystem.exists: {path: '${root}'}\n"
                    "    when: inventory_hostname != ''\n";
        else
            text += "  - FileSystem.exists: {path: /}\n";
    }
    return text;
}

struct Measured
{
    double cpuMs = 0;
    double wallMs = 0;
    int ok = 0;
};

Measured runOnce(EngineClient& engine, const Recipe& recipe, const QList<HostTarget>& hosts)
{
    RunRequest request;
    request.targets = hosts;
    request.plan = std::make_shared<RecipePlan>(recipe);
    request.options.forks = int(hosts.size());
    Measured measured;
    QEventLoop loop;
    const double cpuBefore = cpuMs();
    QElapsedTimer wall;
    wall.start();
    RunHandle* run = engine.startRun(request);
    QObject::connect(run, &RunHandle::finished, &loop, [&](const RunSummary& summary) {
        measured.ok = summary.ok + summary.changed;
        loop.quit();
    });
    loop.exec();
    measured.wallMs = double(wall.nsecsElapsed()) / 1e6;
    measured.cpuMs = cpuMs() - cpuBefore;
    return measured;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int hostCount = 20;
    int steps = 50;
    int reps = 5;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args.at(i) == QStringLiteral("--hosts"))
            hostCount = args.at(i + 1).toInt();
        else if (args.at(i) == QStringLiteral("--steps"))
            steps = args.at(i + 1).toInt();
        else if (args.at(i) == QStringLiteral("--reps"))
            reps = args.at(i + 1).toInt();
    }
    QTemporaryDir dir;
    EngineConfig config;
    config.userToolDirs = {dir.filePath(QStringLiteral("no-tools"))};
    config.descriptionCache = QStringLiteral("-");
    EngineClient engine(config);
    TargetSettings settings;
    settings.localInterpreter = {hostdeck::test::python()};
    QList<HostTarget> hosts;
    for (int i = 0; i < hostCount; ++i)
        hosts << TargetFactory::localMachine(settings, QStringLiteral("h%1").arg(i));

    int status = 0;
    for (const bool templated : {false, true}) {
        const QString file =
            dir.filePath(templated ? QStringLiteral("templated.yml") : QStringLiteral("plain.yml"));
        Result<Recipe> recipe = RecipeLoader::parse(recipeText(steps, templated), file);
        if (!recipe) {
            std::fprintf(stderr, "%s\n", qPrintable(recipe.error().message));
            return 2;
        }
        runOnce(engine, *recipe, hosts); // starts the agents (not measured)
        std::vector<double> cpu;
        std::vector<double> wall;
        for (int r = 0; r < reps; ++r) {
            const Measured m = runOnce(engine, *recipe, hosts);
            if (m.ok != hostCount) {
                std::fprintf(stderr, "run %d: only %d of %d hosts ok\n", r, m.ok, hostCount);
                status = 1;
            }
            cpu.push_back(m.cpuMs);
            wall.push_back(m.wallMs);
        }
        const double calls = double(hostCount) * steps;
        const double perStep = median(cpu) / calls;
        std::printf("recipe %s: %d hosts x %d steps, controller CPU %.1f ms (%.3f ms per step "
                    "per host), wall %.1f ms (%.3f ms per step per host, hosts in parallel)\n",
                    templated ? "templated" : "plain", hostCount, steps, median(cpu), perStep,
                    median(wall), median(wall) / calls);
        printFigure(templated ? "recipe_controller_ms_per_step_templated"
                              : "recipe_controller_ms_per_step",
                    perStep, "ms", 1.0);
    }
    return status;
}
