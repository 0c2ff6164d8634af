#include "LocalCommands.h"

#include "CliSupport.h"

#include "util/RemoteText.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace hostdeck::cli {

using namespace hostdeck::engine;

namespace {

const QCommandLineOption kPython(QStringLiteral("python"), QStringLiteral("Interpreter command."),
                                 QStringLiteral("PATH"), QStringLiteral("python3"));
const QCommandLineOption kToolsDir(QStringLiteral("tools-dir"),
                                   QStringLiteral("User tools folder."), QStringLiteral("DIR"));
const QCommandLineOption kReadyTimeout(QStringLiteral("ready-timeout"),
                                       QStringLiteral("Seconds to wait for the agent."),
                                       QStringLiteral("S"), QStringLiteral("30"));

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

std::chrono::milliseconds seconds(const QString& text, bool* ok)
{
    const double value = text.toDouble(ok);
    *ok = *ok && value >= 0;
    return std::chrono::milliseconds(qint64(value * 1000));
}

/// Owns a session for one command and ends it when the command is done.
void runOnSession(std::unique_ptr<AgentSession> session, CallRequest request,
                  std::function<int(const CallResult&)> onResult, const Done& done,
                  bool stream = false)
{
    AgentSession* raw = session.release();
    raw->start();
    AgentCall* call = raw->call(std::move(request));
    if (stream) {
        QObject::connect(call, &AgentCall::chunk, raw, [](const QString&, const QJsonValue& data) {
            // Output lines from the host: shown with their control characters escaped.
            const QString text =
                data.isString()
                    ? sanitizeRemoteText(data.toString())
                    : QString::fromUtf8(terminalSafeJson(
                          QJsonDocument(QJsonArray{data}).toJson(QJsonDocument::Compact)));
            err() << text;
            err().flush();
        });
    }
    QObject::connect(call, &AgentCall::finished, raw,
                     [raw, onResult, done](const CallResult& result) {
                         const int code = onResult(result);
                         raw->close();
                         raw->deleteLater();
                         done(code);
                     });
}

int reportFailure(const CallResult& result)
{
    if (result.error.kind == ErrorKind::Remote) {
        printJson(result.error.toJson());
        return ExitFailed;
    }
    err() << "hostdeck-cli: " << result.error.message << Qt::endl;
    return ExitUsage;
}

} // namespace

void runLocalCall(const QStringList& args, Done done)
{
    QCommandLineParser parser;
    const QCommandLineOption local(QStringLiteral("local"), QStringLiteral("Run on this machine."));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     QStringLiteral("Call timeout in seconds."),
                                     QStringLiteral("S"), QStringLiteral("0"));
    const QCommandLineOption arg(QStringLiteral("arg"), QStringLiteral("NAME=JSON argument."),
                                 QStringLiteral("NAME=JSON"));
    const QCommandLineOption check(QStringLiteral("check"),
                                   QStringLiteral("Check mode: change nothing."));
    const QCommandLineOption stream(QStringLiteral("stream"),
                                    QStringLiteral("Echo live output to stderr."));
    parser.addOptions({local, kPython, kToolsDir, kReadyTimeout, timeout, arg, check, stream});
    parser.addPositionalArgument(QStringLiteral("TOOL.METHOD"), QStringLiteral("What to call."));
    if (!parse(parser, QStringLiteral("call"), args, done))
        return;
    if (!parser.isSet(local)) {
        err() << "hostdeck-cli call: name the target: --local" << Qt::endl;
        return done(ExitUsage);
    }
    if (parser.positionalArguments().size() != 1) {
        err() << "hostdeck-cli call: expected exactly one TOOL.METHOD" << Qt::endl;
        return done(ExitUsage);
    }
    const auto toolMethod = parseToolMethod(parser.positionalArguments().constFirst());
    const auto callArgs = parseCallArgs(parser.values(arg));
    bool okTimeout = false;
    bool okReady = false;
    const auto callTimeout = seconds(parser.value(timeout), &okTimeout);
    const auto readyTimeout = seconds(parser.value(kReadyTimeout), &okReady);
    if (!toolMethod || !callArgs || !okTimeout || !okReady) {
        const QString problem =
            !toolMethod ? toolMethod.error().message
            : !callArgs ? callArgs.error().message
                        : QStringLiteral("--timeout/--ready-timeout must be a number of seconds");
        err() << "hostdeck-cli call: " << problem << Qt::endl;
        return done(ExitUsage);
    }
    CallRequest request;
    request.tool = toolMethod->first;
    request.method = toolMethod->second;
    request.args = *callArgs;
    request.check = parser.isSet(check);
    request.timeout = callTimeout;
    auto session =
        makeLocalSession(parser.value(kPython), loadTools(parser.values(kToolsDir)), readyTimeout);
    runOnSession(
        std::move(session), std::move(request),
        [](const CallResult& result) {
            if (!result.ok)
                return reportFailure(result);
            printJson(result.value);
            return int(ExitOk);
        },
        done, parser.isSet(stream));
}

void runRender(const QStringList& args, Done done)
{
    QCommandLineParser parser;
    const QCommandLineOption vars(QStringLiteral("vars"), QStringLiteral("JSON file of variables."),
                                  QStringLiteral("FILE"));
    parser.addOptions({vars, kPython, kReadyTimeout});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Template file."));
    if (!parse(parser, QStringLiteral("render"), args, done))
        return;
    if (parser.positionalArguments().size() != 1) {
        err() << "hostdeck-cli render: expected exactly one template FILE" << Qt::endl;
        return done(ExitUsage);
    }
    const QString path = parser.positionalArguments().constFirst();
    QFile templateFile(path);
    if (!templateFile.open(QIODevice::ReadOnly)) {
        err() << "hostdeck-cli render: cannot read " << path << ": " << templateFile.errorString()
              << Qt::endl;
        return done(ExitUsage);
    }
    const QString text = QString::fromUtf8(templateFile.readAll());
    QJsonObject variables;
    if (parser.isSet(vars)) {
        QFile varsFile(parser.value(vars));
        if (!varsFile.open(QIODevice::ReadOnly)) {
            err() << "hostdeck-cli render: cannot read " << varsFile.fileName() << ": "
                  << varsFile.errorString() << Qt::endl;
            return done(ExitUsage);
        }
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(varsFile.readAll(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            err() << "hostdeck-cli render: " << varsFile.fileName() << ": "
                  << (error.error != QJsonParseError::NoError
                          ? QStringLiteral("bad JSON at byte %1: %2")
                                .arg(error.offset)
                                .arg(error.errorString())
                          : QStringLiteral("expected a JSON object of variables"))
                  << Qt::endl;
            return done(ExitUsage);
        }
        variables = doc.object();
    }
    bool okReady = false;
    const auto readyTimeout = seconds(parser.value(kReadyTimeout), &okReady);
    CallRequest request;
    request.tool = QStringLiteral("Template");
    request.method = QStringLiteral("render");
    request.args = {{QStringLiteral("template"), text}, {QStringLiteral("vars"), variables}};
    auto session = makeLocalSession(parser.value(kPython), loadTools({}), readyTimeout);
    runOnSession(
        std::move(session), std::move(request),
        [](const CallResult& result) {
            if (result.ok) {
                out() << result.value.toString();
                out().flush();
                return int(ExitOk);
            }
            if (result.error.kind != ErrorKind::Remote)
                return reportFailure(result);
            const QJsonValue line = result.error.details.value(QStringLiteral("line"));
            QString message = result.error.message;
            if (!line.isUndefined() && !message.startsWith(QStringLiteral("line ")))
                message = QStringLiteral("line %1: %2").arg(line.toInt()).arg(message);
            err() << message << Qt::endl;
            return int(ExitFailed);
        },
        done);
}

void runTools(const QStringList& args, Done done)
{
    QCommandLineParser parser;
    parser.addOptions({kToolsDir, kPython, kReadyTimeout});
    if (!parse(parser, QStringLiteral("tools"), args, done))
        return;
    bool okReady = false;
    const auto readyTimeout = seconds(parser.value(kReadyTimeout), &okReady);
    auto tools = loadTools(parser.values(kToolsDir));
    CallRequest request;
    request.tool = QStringLiteral("_agent");
    request.method = QStringLiteral("describe");
    QJsonArray modules;
    for (const QString& name : tools->moduleNames()) {
        if (!name.startsWith(QLatin1Char('_')))
            modules.append(name);
    }
    request.args = {{QStringLiteral("modules"), modules}};
    for (const auto& name : modules)
        request.syncModules << name.toString();
    auto session = makeLocalSession(parser.value(kPython), tools, readyTimeout);
    runOnSession(
        std::move(session), std::move(request),
        [tools](const CallResult& result) {
            if (!result.ok)
                return reportFailure(result);
            QJsonArray described = result.value.toArray();
            for (auto entry : described) {
                QJsonObject tool = entry.toObject();
                const ToolModule* mod =
                    tools->module(tool.value(QStringLiteral("module")).toString());
                tool.insert(QStringLiteral("custom"), mod && mod->custom);
                entry = tool;
            }
            printJson(described);
            return int(ExitOk);
        },
        done);
}

} // namespace hostdeck::cli
