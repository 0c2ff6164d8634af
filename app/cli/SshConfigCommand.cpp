#include "app/cli/SshConfigCommand.h"

#include "app/cli/CliSupport.h"
#include "engine/ssh/SshConfigResolver.h"
#include "engine/ssh/SshConfigSyntax.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hostdeck::cli {

using namespace hostdeck::engine;

namespace {

QJsonArray toArray(const QStringList& list)
{
    return QJsonArray::fromStringList(list);
}

/// The identity files as `ssh -G` lists them: as written, or ssh's defaults when none is set.
QStringList identityFilesAsSshPrints(const SshHostConfig& config)
{
    if (!config.identityFiles.isEmpty())
        return config.identityFiles;
    QStringList defaults;
    for (const char* name :
         {"id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_xmss", "id_dsa"})
        defaults.append(QStringLiteral("~/.ssh/") + QLatin1String(name));
    return defaults;
}

QJsonObject hopJson(const SshEndpoint& hop)
{
    QJsonObject object{
        {QStringLiteral("user"), hop.user.isEmpty() ? sshconfig::localUserName() : hop.user},
        {QStringLiteral("hostname"), hop.host},
        {QStringLiteral("port"), int(hop.port)},
        {QStringLiteral("identityfile"), toArray(hop.identityFiles)}};
    if (hop.resolved) {
        object.insert(QStringLiteral("userknownhostsfile"),
                      toArray(hop.resolved->effectiveUserKnownHostsFiles()));
        object.insert(QStringLiteral("hostkeyalias"), hop.resolved->hostKeyAlias);
    }
    return object;
}

QJsonObject describe(const SshConfigFiles& files, const SshConfigQuery& query,
                     const SshSettings& base)
{
    QJsonObject object{{QStringLiteral("host"), query.host}};
    const Result<SshHostConfig> looked = SshConfigResolver::lookup(files, query);
    if (!looked) {
        object.insert(QStringLiteral("error"), looked.error().message);
        return object;
    }
    const SshHostConfig& c = *looked;
    object.insert(QStringLiteral("hostname"), c.hostName);
    object.insert(QStringLiteral("user"), c.effectiveUser());
    object.insert(QStringLiteral("port"), c.effectivePort());
    object.insert(QStringLiteral("identityfile"), toArray(identityFilesAsSshPrints(c)));
    object.insert(QStringLiteral("identityfile_expanded"), toArray(c.identityFilesExpanded));
    object.insert(QStringLiteral("proxyjump"), c.proxyJump.display());
    object.insert(QStringLiteral("proxycommand"), c.proxyCommand);
    object.insert(QStringLiteral("userknownhostsfile"), toArray(c.effectiveUserKnownHostsFiles()));
    object.insert(QStringLiteral("globalknownhostsfile"),
                  toArray(c.effectiveGlobalKnownHostsFiles()));
    object.insert(QStringLiteral("hostkeyalias"), c.hostKeyAlias);
    object.insert(QStringLiteral("stricthostkeychecking"), c.strictHostKeyCheckingName());
    object.insert(QStringLiteral("connecttimeout"), c.connectTimeout < 0
                                                        ? QJsonValue(QStringLiteral("none"))
                                                        : QJsonValue(c.connectTimeout));
    object.insert(QStringLiteral("serveraliveinterval"), qMax(0, c.serverAliveInterval));
    object.insert(QStringLiteral("hashknownhosts"),
                  c.hashKnownHosts == 1 ? QStringLiteral("yes") : QStringLiteral("no"));
    object.insert(QStringLiteral("batchmode"),
                  c.batchMode == 1 ? QStringLiteral("yes") : QStringLiteral("no"));
    object.insert(QStringLiteral("controlpath"), c.controlPath);
    object.insert(QStringLiteral("identityagent"), c.identityAgent);
    object.insert(QStringLiteral("final_pass"), c.finalPass);
    QJsonArray unsupported;
    for (const SshConfigIssue& issue : c.unsupported)
        unsupported.append(issue.line > 0 ? issue.toString() : issue.message);
    object.insert(QStringLiteral("unsupported"), unsupported);
    // Hostdeck's connection settings, the jump chain resolved hop by hop.
    const Result<SshSettings> settings = SshConfigResolver::resolve(query, base);
    if (!settings) {
        object.insert(QStringLiteral("connect_error"), settings.error().message);
        return object;
    }
    QJsonArray chain;
    for (const SshEndpoint& hop : settings->jumpHosts)
        chain.append(hopJson(hop));
    object.insert(QStringLiteral("jump_chain"), chain);
    return object;
}

} // namespace

int runSshConfigCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption config(QStringLiteral("ssh-config"),
                                    QStringLiteral("The user config (as ssh -F)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption system(QStringLiteral("system-config"),
                                    QStringLiteral("The system config read after it."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption user(QStringLiteral("l"), QStringLiteral("User (as ssh -l)."),
                                  QStringLiteral("USER"));
    const QCommandLineOption port(QStringLiteral("p"), QStringLiteral("Port (as ssh -p)."),
                                  QStringLiteral("PORT"));
    const QCommandLineOption jump(QStringLiteral("J"), QStringLiteral("Jump (as ssh -J)."),
                                  QStringLiteral("JUMP"));
    parser.addOptions({config, system, user, port, jump});
    const auto usage = [&err](const QString& message) {
        err << "hostdeck-cli ssh-config: " << message << "\n"
            << "usage: hostdeck-cli ssh-config resolve [--ssh-config FILE] [--system-config FILE] "
               "[-l USER] [-p PORT] [-J JUMP] ALIAS...\n";
        err.flush();
        return int(ExitUsage);
    };
    if (!parser.parse(QStringList{QStringLiteral("ssh-config")} + args))
        return usage(parser.errorText());
    const QStringList words = parser.positionalArguments();
    if (words.size() < 2 || words.first() != QLatin1String("resolve"))
        return usage(QStringLiteral("expected: resolve ALIAS..."));
    SshSettings base;
    SshConfigFiles files;
    if (parser.isSet(config)) {
        files = SshConfigFiles::explicitFile(parser.value(config));
        base.sshConfigFile = files.user;
    } else {
        files = SshConfigFiles::standard();
        base.sshConfigFile = files.user;
        base.systemSshConfigFile = files.system;
    }
    if (parser.isSet(system)) {
        files.system = parser.value(system);
        base.systemSshConfigFile = files.system;
    }
    base.hostKeyPolicyFromConfig = true;
    SshConfigQuery query;
    query.user = parser.value(user);
    query.jump = parser.value(jump);
    if (parser.isSet(port)) {
        query.port = sshconfig::portNumber(parser.value(port));
        if (query.port <= 0)
            return usage(QStringLiteral("bad port '%1'").arg(parser.value(port)));
    }
    QJsonArray results;
    bool allResolved = true;
    for (const QString& alias : words.mid(1)) {
        query.host = alias;
        const QJsonObject object = describe(files, query, base);
        allResolved = allResolved && !object.contains(QStringLiteral("error"));
        results.append(object);
    }
    out << QJsonDocument(results).toJson(QJsonDocument::Indented);
    out.flush();
    return allResolved ? ExitOk : ExitFailed;
}

} // namespace hostdeck::cli
