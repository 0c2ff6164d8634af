#include "FanOutCommand.h"

#include "CliSupport.h"
#include "runner/DefaultTransportFactory.h"
#include "runner/FanOutRun.h"
#include "runner/SessionPool.h"
#include "ssh/SshConfigResolver.h"
#include "ssh/StaticCredentialProvider.h"
#include "util/RemoteText.h"
#include "wire/DataCodec.h"
#ifdef HOSTDECK_HAVE_INVENTORY
#include "InventoryFanOut.h"
#endif

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QProcess>

#include <cstdio>

namespace hostdeck::cli {

using namespace hostdeck::engine;

namespace {

/// Reads one line from stdin (a password piped in); never echoed, never logged.
SecretBuffer readSecretLine()
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return {};
    QByteArray line = in.readLine();
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    SecretBuffer secret(line);
    SecretBuffer::wipe(line);
    return secret;
}

} // namespace

void runFanOutCall(const QStringList& args, Done done)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption hostsOpt(QStringList{QStringLiteral("H"), QStringLiteral("hosts")},
                                      QStringLiteral("Comma-separated hosts."),
                                      QStringLiteral("HOSTS"));
    const QCommandLineOption sshConfig(QStringLiteral("ssh-config"),
                                       QStringLiteral("OpenSSH config file."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption knownHosts(
        QStringLiteral("known-hosts"), QStringLiteral("known_hosts file."), QStringLiteral("FILE"));
    const QCommandLineOption hostKeys(QStringLiteral("host-keys"),
                                      QStringLiteral("strict or accept-new."),
                                      QStringLiteral("POLICY"), QStringLiteral("strict"));
    const QCommandLineOption forks(QStringLiteral("forks"), QStringLiteral("Hosts at once."),
                                   QStringLiteral("N"), QStringLiteral("100"));
    const QCommandLineOption python(QStringLiteral("python"), QStringLiteral("Remote interpreter."),
                                    QStringLiteral("PATH"), QStringLiteral("python3"));
    const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("Call timeout (s)."),
                                     QStringLiteral("S"), QStringLiteral("0"));
    const QCommandLineOption connectTimeout(QStringLiteral("connect-timeout"),
                                            QStringLiteral("Connect timeout (s)."),
                                            QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption become(QStringLiteral("become"),
                                    QStringLiteral("Run the agent under sudo."));
    const QCommandLineOption becomeUser(QStringLiteral("become-user"),
                                        QStringLiteral("sudo -u USER."), QStringLiteral("USER"));
    const QCommandLineOption passwordStdin(
        QStringLiteral("password-stdin"),
        QStringLiteral("Read the SSH/sudo password from the first line of stdin."));
    const QCommandLineOption arg(QStringLiteral("arg"), QStringLiteral("NAME=JSON argument."),
                                 QStringLiteral("NAME=JSON"));
    const QCommandLineOption check(QStringLiteral("check"), QStringLiteral("Check mode."));
    const QCommandLineOption identity(QStringLiteral("identity"),
                                      QStringLiteral("Private key file."), QStringLiteral("FILE"));
    const QCommandLineOption inventoryOpt(
        QStringList{QStringLiteral("i"), QStringLiteral("inventory")},
        QStringLiteral("Inventory file."), QStringLiteral("FILE"));
    const QCommandLineOption limitOpt(QStringList{QStringLiteral("l"), QStringLiteral("limit")},
                                      QStringLiteral("Host pattern of the inventory."),
                                      QStringLiteral("PATTERN"));
    const QCommandLineOption toolsDir(QStringLiteral("tools-dir"),
                                      QStringLiteral("Extra tools folder."), QStringLiteral("DIR"));
    parser.addOptions({toolsDir, inventoryOpt, limitOpt, hostsOpt, sshConfig, knownHosts, hostKeys,
                       forks, python, timeout, connectTimeout, become, becomeUser, passwordStdin,
                       arg, check, identity});
    if (!parser.parse(QStringList{QStringLiteral("hostdeck-cli call")} + args)) {
        err() << "hostdeck-cli call: " << parser.errorText() << Qt::endl;
        return done(ExitUsage);
    }
    const auto fail = [&done](const QString& message) {
        err() << "hostdeck-cli call: " << message << Qt::endl;
        done(ExitUsage);
    };
    if (parser.isSet(hostsOpt) == parser.isSet(inventoryOpt))
        return fail(QStringLiteral(
            "name the targets: --local, -H HOST[,HOST...] or -i INVENTORY -l PATTERN"));
    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("expected exactly one TOOL.METHOD"));
    const auto toolMethod = parseToolMethod(parser.positionalArguments().constFirst());
    if (!toolMethod)
        return fail(toolMethod.error().message);
    const auto callArgs = parseCallArgs(parser.values(arg));
    if (!callArgs)
        return fail(callArgs.error().message);
    bool okForks = false;
    const int forkCount = parser.value(forks).toInt(&okForks);
    if (!okForks || forkCount < 1)
        return fail(QStringLiteral("--forks must be a positive number"));
    bool okTimeout = false;
    const double callTimeout = parser.value(timeout).toDouble(&okTimeout);
    bool okConnect = false;
    const double connectSeconds = parser.value(connectTimeout).toDouble(&okConnect);
    if (!okTimeout || !okConnect || callTimeout < 0 || connectSeconds <= 0)
        return fail(QStringLiteral("--timeout/--connect-timeout must be a number of seconds"));
    const QString policy = parser.value(hostKeys);
    if (policy != QStringLiteral("strict") && policy != QStringLiteral("accept-new"))
        return fail(
            QStringLiteral("--host-keys must be strict or accept-new (there is no accept-all)"));

    SshSettings base;
    base.sshConfigFile = parser.value(sshConfig);
    if (base.sshConfigFile.isEmpty() &&
        QFile::exists(QDir::homePath() + QStringLiteral("/.ssh/config")))
        base.sshConfigFile = QDir::homePath() + QStringLiteral("/.ssh/config");
    base.knownHostsFile = parser.value(knownHosts);
    base.hostKeyPolicy =
        policy == QStringLiteral("accept-new") ? HostKeyPolicy::AcceptNew : HostKeyPolicy::Strict;
    base.connectTimeout = std::chrono::milliseconds(qint64(connectSeconds * 1000));
    if (parser.isSet(identity))
        base.identityFiles = parser.values(identity);

    FanOutOptions options;
    options.forks = forkCount;
    options.passwordFromStdin = parser.isSet(passwordStdin);
    options.toolsDirs = parser.values(toolsDir);
    options.request.tool = toolMethod->first;
    options.request.method = toolMethod->second;
    options.request.args = *callArgs;
    options.request.check = parser.isSet(check);
    options.request.timeout = std::chrono::milliseconds(qint64(callTimeout * 1000));
    const QStringList interpreter = QProcess::splitCommand(parser.value(python));
    if (parser.isSet(inventoryOpt)) {
#ifdef HOSTDECK_HAVE_INVENTORY
        if (!parser.isSet(limitOpt))
            return fail(QStringLiteral("-i needs -l PATTERN (e.g. -l all)"));
        InventoryDefaults defaults;
        defaults.ssh = base;
        defaults.interpreter = interpreter;
        defaults.become = parser.isSet(become) || parser.isSet(becomeUser);
        defaults.becomeUser = parser.value(becomeUser);
        Result<InventoryFanOut> resolved =
            resolveInventoryFanOut(parser.value(inventoryOpt), parser.value(limitOpt), defaults);
        if (!resolved)
            return fail(resolved.error().message);
        for (const QString& warning : std::as_const(resolved->warnings))
            err() << "hostdeck-cli call: " << warning << Qt::endl;
        if (resolved->hosts.isEmpty())
            return fail(QStringLiteral("pattern '%1' matches no host").arg(parser.value(limitOpt)));
        options.hosts = resolved->hosts;
        if (!options.passwordFromStdin) {
            std::shared_ptr<KeychainCredentialProvider> keychain = resolved->credentials;
            options.credentials = keychain;
            options.sudoPasswordFor = [keychain](const HostTarget& target) {
                return keychain->sudoPasswordFor(target);
            };
        }
        executeFanOut(std::move(options), std::move(done));
        return;
#else
        return fail(QStringLiteral("this build has no inventory support"));
#endif
    }
    for (const QString& destination :
         parser.value(hostsOpt).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        auto settings = SshConfigResolver::resolve(destination.trimmed(), base);
        if (!settings)
            return fail(QStringLiteral("host '%1': %2").arg(destination, settings.error().message));
        HostTarget target;
        target.name = destination.trimmed();
        target.kind = HostTarget::Kind::Ssh;
        target.ssh = *settings;
        target.interpreter =
            interpreter.isEmpty() ? QStringList{QStringLiteral("python3")} : interpreter;
        target.become = parser.isSet(become) || parser.isSet(becomeUser);
        target.becomeUser = parser.value(becomeUser);
        options.hosts << target;
    }
    if (options.hosts.isEmpty())
        return fail(QStringLiteral("-H names no host"));
    executeFanOut(std::move(options), std::move(done));
}

void executeFanOut(FanOutOptions options, Done done)
{
    auto staticCredentials = std::make_shared<StaticCredentialProvider>();
    std::shared_ptr<CredentialProvider> credentials = staticCredentials;
    SessionPool::Options poolOptions;
    if (options.credentials) {
        credentials = options.credentials;
        poolOptions.sudoPasswordFor = options.sudoPasswordFor;
    } else if (options.passwordFromStdin) {
        SecretBuffer password = readSecretLine();
        staticCredentials->setSecret(CredentialKind::SshPassword, password.copy());
        staticCredentials->setSecret(CredentialKind::SudoPassword, password.copy());
        staticCredentials->setSecret(CredentialKind::KeyPassphrase, password.copy());
        auto shared = std::make_shared<SecretBuffer>(std::move(password));
        poolOptions.sudoPassword =
            [shared](std::function<void(std::optional<SecretBuffer>)> reply) {
                reply(shared->copy());
            };
    }
    auto factory = std::make_unique<DefaultTransportFactory>(credentials, nullptr);
    auto* pool = new SessionPool(std::move(factory), loadTools(options.toolsDirs), poolOptions,
                                 QCoreApplication::instance());
    FanOutRun::Options runOptions;
    runOptions.concurrency = options.forks;
    auto* run = new FanOutRun(pool, options.hosts, options.request, runOptions, pool);
    QObject::connect(run, &FanOutRun::resultsReady, pool, [](const QList<HostResult>& results) {
        for (const HostResult& r : results)
            out() << terminalSafeJson(wire::encodeValue(r.toJson())) << '\n';
        out().flush();
    });
    QObject::connect(run, &FanOutRun::finished, pool,
                     [pool, credentials, done](const RunSummary& summary) {
                         out() << wire::encodeValue(summary.toJson()) << '\n';
                         out().flush();
                         pool->closeAll();
                         pool->deleteLater();
                         done(summary.ok == summary.total ? ExitOk : ExitFailed);
                     });
    run->start();
}

} // namespace hostdeck::cli
