#include "app/cli/ServeCommand.h"

#include "app/cli/CliHelp.h"
#include "app/cli/CliSupport.h"
#include "app/cli/TargetOptions.h"
#include "engine/api/ApiHost.h"
#include "engine/api/ApiHostKeyDecider.h"
#include "engine/inventory/InventoryFile.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QProcess>
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace hostdeck::cli {

using namespace hostdeck::engine;

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &byte, 1);
}

/// Calls `stop` on this thread when SIGINT or SIGTERM arrives (self-pipe: the handler only
/// writes a byte).
void onTermination(QObject* context, std::function<void()> stop)
{
    if (g_signalPipe[0] < 0 && ::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto* notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, context);
    QObject::connect(notifier, &QSocketNotifier::activated, context, [stop, notifier] {
        char byte = 0;
        [[maybe_unused]] const ssize_t n = ::read(g_signalPipe[0], &byte, 1);
        notifier->setEnabled(false);
        stop();
    });
    struct sigaction action = {};
    action.sa_handler = &onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

Result<TargetSettings> settingsFrom(const QCommandLineParser& parser)
{
    TargetSettings settings;
    const QString policy = parser.value(QStringLiteral("host-keys"));
    if (policy != QStringLiteral("ask") && policy != QStringLiteral("strict") &&
        policy != QStringLiteral("accept-new"))
        return makeError(ErrorKind::Usage,
                         QStringLiteral("--host-keys must be ask, strict or accept-new"));
    settings.ssh.hostKeyPolicy =
        policy == QStringLiteral("accept-new") ? HostKeyPolicy::AcceptNew : HostKeyPolicy::Strict;
    settings.ssh.hostKeyPolicyFromConfig = !parser.isSet(QStringLiteral("host-keys"));
    Result<std::chrono::milliseconds> connect = parseSeconds(
        QStringLiteral("connect-timeout"), parser.value(QStringLiteral("connect-timeout")));
    if (!connect)
        return connect.error();
    if (connect->count() == 0)
        return makeError(ErrorKind::Usage, QStringLiteral("--connect-timeout must be above 0"));
    settings.ssh.connectTimeout = *connect;
    settings.ssh.knownHostsFile = parser.value(QStringLiteral("known-hosts"));
    if (parser.isSet(QStringLiteral("identity")))
        settings.ssh.identityFiles = parser.values(QStringLiteral("identity"));
    settings.useSshConfig = !parser.isSet(QStringLiteral("no-ssh-config"));
    settings.sshConfigFile = parser.value(QStringLiteral("ssh-config"));
    if (!settings.sshConfigFile.isEmpty() && !QFileInfo::exists(settings.sshConfigFile))
        return makeError(
            ErrorKind::Usage,
            QStringLiteral("--ssh-config %1: no such file").arg(settings.sshConfigFile));
    const QStringList python = QProcess::splitCommand(parser.value(QStringLiteral("python")));
    if (python.isEmpty())
        return makeError(ErrorKind::Usage, QStringLiteral("--python: an empty command"));
    settings.interpreter = python;
    settings.localInterpreter = python;
    return settings;
}

Result<QList<api::ServedInventory>> loadInventories(const QStringList& paths)
{
    QList<api::ServedInventory> served;
    for (const QString& path : paths) {
        Result<Inventory> inventory = InventoryFile::loadAny(path);
        if (!inventory)
            return inventory.error();
        QString id = QFileInfo(path).completeBaseName();
        for (int n = 2; std::any_of(served.begin(), served.end(),
                                    [&id](const api::ServedInventory& s) { return s.id == id; });
             ++n)
            id = QFileInfo(path).completeBaseName() + QLatin1Char('-') + QString::number(n);
        served << api::ServedInventory{id, QFileInfo(path).absoluteFilePath(), *inventory};
    }
    return served;
}

} // namespace

void runServe(CliServices& services, const QStringList& args, Done done)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions(parserOptions(findCommand(cliProgram(), {QStringLiteral("serve")})->options));
    auto fail = [&done](const QString& message) {
        err() << "hostdeck-cli serve: " << message << Qt::endl;
        done(ExitUsage);
    };
    if (!parser.parse(QStringList{QStringLiteral("hostdeck-cli serve")} + args))
        return fail(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument '%1'")
                        .arg(parser.positionalArguments().constFirst()));
    bool ok = false;
    const uint port = parser.value(QStringLiteral("port")).toUInt(&ok);
    if (!ok || port > 65535)
        return fail(QStringLiteral("--port must be a number from 0 to 65535"));
    Result<std::chrono::milliseconds> keyTimeout = parseSeconds(
        QStringLiteral("host-key-timeout"), parser.value(QStringLiteral("host-key-timeout")));
    if (!keyTimeout)
        return fail(keyTimeout.error().message);
    Result<std::chrono::milliseconds> ready = parseSeconds(
        QStringLiteral("ready-timeout"), parser.value(QStringLiteral("ready-timeout")));
    if (!ready)
        return fail(ready.error().message);
    Result<TargetSettings> settings = settingsFrom(parser);
    if (!settings)
        return fail(settings.error().message);
    Result<QList<api::ServedInventory>> inventories =
        loadInventories(parser.values(QStringLiteral("inventory")));
    if (!inventories)
        return fail(inventories.error().message);
    for (const api::ServedInventory& served : std::as_const(*inventories))
        services.keychain().setInventory(served.inventory);

    std::shared_ptr<api::ApiHostKeyDecider> hostKeys;
    if (parser.value(QStringLiteral("host-keys")) == QStringLiteral("ask"))
        hostKeys = std::make_shared<api::ApiHostKeyDecider>(*keyTimeout);
    CliServices::EngineOptions engineOptions;
    engineOptions.toolsDirs = parser.values(QStringLiteral("tools-dir"));
    engineOptions.readyTimeout = *ready;
    engineOptions.hostKeys = hostKeys;

    api::ApiContext context;
    context.engine = services.engine(engineOptions);
    context.settings = *settings;
    context.inventories = [served = *inventories] { return served; };
    if (!parser.isSet(QStringLiteral("no-history")))
        context.historyPath = parser.isSet(QStringLiteral("history"))
                                  ? parser.value(QStringLiteral("history"))
                                  : QStringLiteral("default");
    EngineClient* engine = context.engine;
    auto* host = new api::ApiHost(std::move(context), engine);
    api::ApiHost::Options options;
    options.port = quint16(port);
    options.tokenFile = parser.value(QStringLiteral("token-file"));
    options.version = QStringLiteral(HOSTDECK_VERSION);
    options.hostKeys = hostKeys;
    QObject::connect(host, &api::ApiHost::started, host,
                     [](const QString& url, const QString& tokenFile) {
                         out() << url << Qt::endl;
                         err() << "hostdeck-cli serve: listening on " << url << " (token in "
                               << tokenFile << ")" << Qt::endl;
                     });
    QObject::connect(host, &api::ApiHost::failed, host, [done](const QString& message) {
        err() << "hostdeck-cli serve: " << message << Qt::endl;
        done(ExitUsage);
    });
    onTermination(host, [host, done] {
        host->stop(); // the token file goes with the server
        done(ExitOk);
    });
    host->start(options);
}

} // namespace hostdeck::cli
