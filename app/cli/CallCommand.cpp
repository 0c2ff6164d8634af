#include "app/cli/CallCommand.h"

#include "app/cli/CliHistory.h"
#include "app/cli/CliSupport.h"
#include "app/cli/RunPrinter.h"
#include "app/cli/TargetOptions.h"
#include "engine/runner/CallPlan.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>

namespace hostdeck::cli {

using namespace hostdeck::engine;

namespace {

bool parse(QCommandLineParser& parser, const QString& command, const QStringList& args,
           const Done& done)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!parser.parse(QStringList{QStringLiteral("hostdeck-cli ") + command} + args)) {
        err() << "hostdeck-cli " << command << ": " << parser.errorText() << Qt::endl;
        done(ExitUsage);
        return false;
    }
    return true;
}

void fail(const QString& command, const QString& message, const Done& done)
{
    err() << "hostdeck-cli " << command << ": " << message << Qt::endl;
    done(ExitUsage);
}

} // namespace

void runCall(CliServices& services, const QStringList& args, Done done)
{
    const QString command = QStringLiteral("call");
    QCommandLineParser parser;
    TargetOptions targetOptions;
    targetOptions.addTo(parser);
    const QCommandLineOption arg(QStringLiteral("arg"), QStringLiteral("NAME=JSON argument."),
                                 QStringLiteral("NAME=JSON"));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("One JSON record per host, then the summary."));
    const QCommandLineOption events(QStringLiteral("events"),
                                    QStringLiteral("Every event of the run as a JSON line."));
    const QCommandLineOption stream(QStringLiteral("stream"),
                                    QStringLiteral("Echo live output to stderr."));
    parser.addOptions({arg, json, events, stream});
    parser.addPositionalArgument(QStringLiteral("TOOL.METHOD"), QStringLiteral("What to call."));
    if (!parse(parser, command, args, done))
        return;
    if (parser.positionalArguments().size() != 1)
        return fail(command, QStringLiteral("expected exactly one TOOL.METHOD"), done);
    const auto toolMethod = parseToolMethod(parser.positionalArguments().constFirst());
    if (!toolMethod)
        return fail(command, toolMethod.error().message, done);
    const auto callArgs = parseCallArgs(parser.values(arg));
    if (!callArgs)
        return fail(command, callArgs.error().message, done);
    Result<RunOptions> options = targetOptions.runOptions(parser);
    if (!options)
        return fail(command, options.error().message, done);
    Result<Targets> targets = targetOptions.targets(parser, services);
    if (!targets)
        return fail(command, targets.error().message, done);
    for (const QString& warning : std::as_const(targets->warnings))
        err() << "hostdeck-cli call: " << warning << Qt::endl;

    RunRequest request;
    request.targets = targets->hosts;
    request.plan = std::make_shared<CallPlan>(toolMethod->first, toolMethod->second, *callArgs);
    request.options = *options;
    request.pattern = targets->pattern;
    request.inventory = targets->inventory;
    auto* history = new CliHistory(targetOptions.historyPath(parser));
    if (const QString which = targetOptions.rerunFailed(parser); !which.isEmpty()) {
        const Result<QList<HostTarget>> again = history->onlyFailed(which, request.targets);
        if (!again) {
            delete history;
            return fail(command, again.error().message, done);
        }
        if (again->isEmpty()) {
            delete history;
            err() << "hostdeck-cli call: run " << which
                  << " has no failed or unreachable host among the targets" << Qt::endl;
            return done(ExitOk);
        }
        request.targets = *again;
    }
    EngineClient* engine = services.engine(targetOptions.engineOptions(parser));
    RunHandle* run = engine->startRun(std::move(request));
    history->setParent(run);
    history->record(run);
    const RunPrinter::Mode mode = parser.isSet(events) ? RunPrinter::Mode::Events
                                  : parser.isSet(json) ? RunPrinter::Mode::Records
                                  : targets->local     ? RunPrinter::Mode::Value
                                                       : RunPrinter::Mode::Records;
    new RunPrinter(run, mode, parser.isSet(stream), command, std::move(done));
}

void runTargets(CliServices& services, const QStringList& args, Done done)
{
    const QString command = QStringLiteral("targets");
    QCommandLineParser parser;
    TargetOptions targetOptions;
    targetOptions.addTo(parser, TargetOptions::History::NotRecorded);
    if (!parse(parser, command, args, done))
        return;
    if (!parser.positionalArguments().isEmpty())
        return fail(command, QStringLiteral("takes no arguments"), done);
    Result<Targets> targets = targetOptions.targets(parser, services);
    if (!targets)
        return fail(command, targets.error().message, done);
    for (const QString& warning : std::as_const(targets->warnings))
        err() << "hostdeck-cli targets: " << warning << Qt::endl;
    QJsonArray list;
    for (const HostTarget& target : std::as_const(targets->hosts))
        list.append(target.toJson());
    printJson(list);
    done(ExitOk);
}

void runRender(CliServices& services, const QStringList& args, Done done)
{
    const QString command = QStringLiteral("render");
    QCommandLineParser parser;
    const QCommandLineOption vars(QStringLiteral("vars"), QStringLiteral("JSON file of variables."),
                                  QStringLiteral("FILE"));
    const QCommandLineOption python(QStringLiteral("python"),
                                    QStringLiteral("Interpreter command."), QStringLiteral("CMD"),
                                    QStringLiteral("python3"));
    parser.addOptions({vars, python});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Template file."));
    if (!parse(parser, command, args, done))
        return;
    if (parser.positionalArguments().size() != 1)
        return fail(command, QStringLiteral("expected exactly one template FILE"), done);
    const QString path = parser.positionalArguments().constFirst();
    QFile templateFile(path);
    if (!templateFile.open(QIODevice::ReadOnly))
        return fail(command,
                    QStringLiteral("cannot read %1: %2").arg(path, templateFile.errorString()),
                    done);
    const QString text = QString::fromUtf8(templateFile.readAll());
    QJsonObject variables;
    if (parser.isSet(vars)) {
        QFile varsFile(parser.value(vars));
        if (!varsFile.open(QIODevice::ReadOnly))
            return fail(command,
                        QStringLiteral("cannot read %1: %2")
                            .arg(varsFile.fileName(), varsFile.errorString()),
                        done);
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(varsFile.readAll(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            return fail(command,
                        varsFile.fileName() + QStringLiteral(": ") +
                            (error.error != QJsonParseError::NoError
                                 ? QStringLiteral("bad JSON at byte %1: %2")
                                       .arg(error.offset)
                                       .arg(error.errorString())
                                 : QStringLiteral("expected a JSON object of variables")),
                        done);
        variables = doc.object();
    }
    TargetSettings settings;
    settings.localInterpreter = QProcess::splitCommand(parser.value(python));
    RunRequest request;
    request.targets = {TargetFactory::localMachine(settings)};
    request.plan = std::make_shared<CallPlan>(
        QStringLiteral("Template"), QStringLiteral("render"),
        QJsonObject{{QStringLiteral("template"), text}, {QStringLiteral("vars"), variables}});
    request.options.origin = QStringLiteral("cli");
    RunHandle* run = services.engine({})->startRun(std::move(request));
    QObject::connect(run, &RunHandle::events, run, [done](const QList<RunEvent>& events) {
        for (const RunEvent& event : events) {
            if (event.type != RunEvent::Type::HostResult)
                continue;
            const HostResult& r = event.record;
            if (r.ok) {
                out() << r.value.toString();
                out().flush();
                return done(ExitOk);
            }
            if (r.error.kind != ErrorKind::Remote) {
                err() << "hostdeck-cli render: " << r.error.message << Qt::endl;
                return done(ExitUsage);
            }
            const QJsonValue line = r.error.details.value(QStringLiteral("line"));
            QString message = r.error.message;
            if (!line.isUndefined() && !message.startsWith(QStringLiteral("line ")))
                message = QStringLiteral("line %1: %2").arg(line.toInt()).arg(message);
            err() << message << Qt::endl;
            return done(ExitFailed);
        }
    });
}

void runTools(CliServices& services, const QStringList& args, Done done)
{
    const QString command = QStringLiteral("tools");
    QCommandLineParser parser;
    const QCommandLineOption toolsDir(QStringLiteral("tools-dir"),
                                      QStringLiteral("Extra tools folder."), QStringLiteral("DIR"));
    const QCommandLineOption all(QStringLiteral("all"),
                                 QStringLiteral("Also list internal protocol methods."));
    parser.addOptions({toolsDir, all});
    if (!parse(parser, command, args, done))
        return;
    CliServices::EngineOptions options;
    options.toolsDirs = parser.values(toolsDir);
    EngineClient* engine = services.engine(options);
    const quint64 id = engine->describeTools();
    const bool showInternal = parser.isSet(all);
    QObject::connect(
        engine, &EngineClient::toolsDescribed, engine,
        [id, done, showInternal](quint64 requestId, const QJsonArray& tools, const QString& error) {
            if (requestId != id)
                return;
            if (!error.isEmpty()) {
                err() << "hostdeck-cli tools: " << error << Qt::endl;
                return done(ExitUsage);
            }
            QJsonArray shown;
            for (const QJsonValue& toolValue : tools) {
                QJsonObject tool = toolValue.toObject();
                QJsonArray methods;
                for (const QJsonValue& method : tool.value(QStringLiteral("methods")).toArray()) {
                    if (showInternal ||
                        !method.toObject().value(QStringLiteral("internal")).toBool())
                        methods.append(method);
                }
                tool.insert(QStringLiteral("methods"), methods);
                shown.append(tool);
            }
            printJson(shown);
            done(ExitOk);
        });
}

} // namespace hostdeck::cli
