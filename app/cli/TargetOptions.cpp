#include "app/cli/TargetOptions.h"

#include "engine/history/RunHistory.h"
#include "engine/inventory/InventoryFile.h"

#include <QFile>
#include <QProcess>

namespace hostdeck::cli {

using namespace hostdeck::engine;

namespace {

QCommandLineOption option(const QStringList& names, const QString& help, const QString& value = {},
                          const QString& defaultValue = {})
{
    QCommandLineOption o(names, help, value);
    if (!defaultValue.isEmpty())
        o.setDefaultValue(defaultValue);
    return o;
}

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

Result<std::chrono::milliseconds> parseSeconds(const QString& option, const QString& text)
{
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || value < 0 || value > 1e7)
        return makeError(
            ErrorKind::Usage,
            QStringLiteral("--%1 '%2': expected a number of seconds").arg(option, text));
    return std::chrono::milliseconds(qint64(value * 1000.0));
}

TargetOptions::TargetOptions(HostsFrom from)
    : m_from(from),
      m_local(option({QStringLiteral("local")}, QStringLiteral("Run on this machine."))),
      m_hosts(option({QStringLiteral("H"), QStringLiteral("hosts")},
                     QStringLiteral("Comma-separated hosts ([user@]host[:port] or ssh_config "
                                    "aliases)."),
                     QStringLiteral("HOSTS"))),
      m_inventory(option({QStringLiteral("i"), QStringLiteral("inventory")},
                         QStringLiteral("Inventory file."), QStringLiteral("FILE"))),
      m_limit(option({QStringLiteral("l"), QStringLiteral("limit")},
                     QStringLiteral("Host pattern of the inventory."), QStringLiteral("PATTERN"))),
      m_sshConfig(option({QStringLiteral("ssh-config")},
                         QStringLiteral("OpenSSH config file (default ~/.ssh/config)."),
                         QStringLiteral("FILE"))),
      m_noSshConfig(option({QStringLiteral("no-ssh-config")},
                           QStringLiteral("Do not read any OpenSSH config file."))),
      m_knownHosts(option({QStringLiteral("known-hosts")}, QStringLiteral("known_hosts file."),
                          QStringLiteral("FILE"))),
      m_hostKeys(option({QStringLiteral("host-keys")},
                        QStringLiteral("Unknown host keys: strict (refuse) or accept-new."),
                        QStringLiteral("POLICY"), QStringLiteral("strict"))),
      m_identity(option({QStringLiteral("identity")}, QStringLiteral("Private key file."),
                        QStringLiteral("FILE"))),
      m_connectTimeout(option({QStringLiteral("connect-timeout")},
                              QStringLiteral("SSH connect timeout in seconds."),
                              QStringLiteral("S"), QStringLiteral("10"))),
      m_python(option({QStringLiteral("python")},
                      QStringLiteral("Interpreter command where the inventory names none."),
                      QStringLiteral("CMD"), QStringLiteral("python3"))),
      m_become(option({QStringLiteral("become")},
                      QStringLiteral("Run the agent as root (sudo) where the inventory says "
                                     "nothing."))),
      m_becomeUser(option({QStringLiteral("become-user")},
                          QStringLiteral("Run the agent as USER (implies --become)."),
                          QStringLiteral("USER"))),
      m_becomeMethod(option({QStringLiteral("become-method")},
                            QStringLiteral("sudo or su (implies --become)."),
                            QStringLiteral("METHOD"))),
      m_passwordStdin(option({QStringLiteral("password-stdin")},
                             QStringLiteral("Read the SSH/become password from the first line of "
                                            "stdin."))),
      m_forks(option({QStringLiteral("forks")}, QStringLiteral("Hosts at once."),
                     QStringLiteral("N"), QStringLiteral("100"))),
      m_timeout(option({QStringLiteral("timeout")},
                       QStringLiteral("Call timeout in seconds, unless a tool declares its own "
                                      "(0: none)."),
                       QStringLiteral("S"), QStringLiteral("600"))),
      m_deadline(option({QStringLiteral("deadline")},
                        QStringLiteral("Deadline of the whole run in seconds (0: none)."),
                        QStringLiteral("S"), QStringLiteral("0"))),
      m_check(option({QStringLiteral("check")},
                     QStringLiteral("Check mode: report what would change, change nothing."))),
      m_serial(option({QStringLiteral("serial")},
                      QStringLiteral("Rollout batches: counts or percentages, e.g. 1,10%,100%."),
                      QStringLiteral("LIST"))),
      m_maxFail(option({QStringLiteral("max-fail-percentage")},
                       QStringLiteral("Stop the rollout when more than P% of a batch failed."),
                       QStringLiteral("P"))),
      m_readyTimeout(option({QStringLiteral("ready-timeout")},
                            QStringLiteral("Seconds to wait for an agent to start."),
                            QStringLiteral("S"), QStringLiteral("30"))),
      m_toolsDir(option({QStringLiteral("tools-dir")}, QStringLiteral("Extra tools folder."),
                        QStringLiteral("DIR"))),
      m_history(option({QStringLiteral("history")},
                       QStringLiteral("History database to record the run in."),
                       QStringLiteral("FILE"))),
      m_noHistory(option({QStringLiteral("no-history")}, QStringLiteral("Record nothing."))),
      m_rerunFailed(option({QStringLiteral("rerun-failed")},
                           QStringLiteral("Only the hosts that failed, were unreachable or timed "
                                          "out in run ID of the history ('last': the newest)."),
                           QStringLiteral("ID")))
{
}

void TargetOptions::addTo(QCommandLineParser& parser, History history) const
{
    if (m_from == HostsFrom::Options)
        parser.addOptions({m_local, m_hosts, m_limit});
    parser.addOptions({m_inventory, m_sshConfig,  m_noSshConfig,    m_knownHosts,
                       m_hostKeys,  m_identity,   m_connectTimeout, m_python,
                       m_become,    m_becomeUser, m_becomeMethod,   m_passwordStdin,
                       m_forks,     m_timeout,    m_deadline,       m_check,
                       m_serial,    m_maxFail,    m_readyTimeout,   m_toolsDir});
    if (history == History::Recorded)
        parser.addOptions({m_history, m_noHistory, m_rerunFailed});
}

CliServices::EngineOptions TargetOptions::engineOptions(const QCommandLineParser& parser) const
{
    CliServices::EngineOptions options;
    options.toolsDirs = parser.values(m_toolsDir);
    if (Result<std::chrono::milliseconds> ready =
            parseSeconds(QStringLiteral("ready-timeout"), parser.value(m_readyTimeout)))
        options.readyTimeout = *ready;
    return options;
}

Result<TargetSettings> TargetOptions::settings(const QCommandLineParser& parser) const
{
    TargetSettings settings;
    const QString policy = parser.value(m_hostKeys);
    if (policy != QStringLiteral("strict") && policy != QStringLiteral("accept-new"))
        return makeError(ErrorKind::Usage,
                         QStringLiteral("--host-keys must be strict or accept-new (there is no "
                                        "accept-all)"));
    settings.ssh.hostKeyPolicy =
        policy == QStringLiteral("accept-new") ? HostKeyPolicy::AcceptNew : HostKeyPolicy::Strict;
    // As ssh: the config's StrictHostKeyChecking applies unless the command line chose.
    settings.ssh.hostKeyPolicyFromConfig = !parser.isSet(m_hostKeys);
    Result<std::chrono::milliseconds> connect =
        parseSeconds(QStringLiteral("connect-timeout"), parser.value(m_connectTimeout));
    if (!connect)
        return connect.error();
    if (connect->count() == 0)
        return makeError(ErrorKind::Usage, QStringLiteral("--connect-timeout must be above 0"));
    settings.ssh.connectTimeout = *connect;
    settings.ssh.knownHostsFile = parser.value(m_knownHosts);
    if (parser.isSet(m_identity))
        settings.ssh.identityFiles = parser.values(m_identity);
    settings.useSshConfig = !parser.isSet(m_noSshConfig);
    settings.sshConfigFile = parser.value(m_sshConfig);
    if (!settings.sshConfigFile.isEmpty() && !QFile::exists(settings.sshConfigFile))
        return makeError(
            ErrorKind::Usage,
            QStringLiteral("--ssh-config %1: no such file").arg(settings.sshConfigFile));
    const QStringList python = QProcess::splitCommand(parser.value(m_python));
    if (python.isEmpty())
        return makeError(ErrorKind::Usage, QStringLiteral("--python: an empty command"));
    settings.interpreter = python;
    settings.localInterpreter = python;
    const QString method = parser.value(m_becomeMethod);
    if (!method.isEmpty() && method != QStringLiteral("sudo") && method != QStringLiteral("su"))
        return makeError(ErrorKind::Usage, QStringLiteral("--become-method must be sudo or su"));
    settings.become =
        parser.isSet(m_become) || parser.isSet(m_becomeUser) || parser.isSet(m_becomeMethod);
    settings.becomeUser = parser.value(m_becomeUser);
    settings.becomeMethod = method == QStringLiteral("su") ? BecomeMethod::Su : BecomeMethod::Sudo;
    return settings;
}

Result<TargetSettings> TargetOptions::prepare(const QCommandLineParser& parser,
                                              CliServices& services) const
{
    Result<TargetSettings> settings = this->settings(parser);
    if (!settings)
        return settings.error();
    if (parser.isSet(m_passwordStdin)) {
        SecretBuffer password = readSecretLine();
        for (CredentialKind kind : allCredentialKinds())
            services.typed().setSecret(kind, password.copy());
    }
    return settings;
}

QString TargetOptions::historyPath(const QCommandLineParser& parser) const
{
    if (parser.isSet(m_noHistory))
        return {};
    return parser.isSet(m_history) ? parser.value(m_history) : RunHistory::defaultPath();
}

QString TargetOptions::rerunFailed(const QCommandLineParser& parser) const
{
    return parser.value(m_rerunFailed);
}

Result<Targets> TargetOptions::targets(const QCommandLineParser& parser, CliServices& services,
                                       const QString& defaultPattern) const
{
    const int named =
        int(parser.isSet(m_local)) + int(parser.isSet(m_hosts)) + int(parser.isSet(m_inventory));
    if (named != 1)
        return makeError(ErrorKind::Usage,
                         QStringLiteral("name the targets: --local, -H HOST[,HOST...] or -i "
                                        "INVENTORY -l PATTERN"));
    Result<TargetSettings> settings = prepare(parser, services);
    if (!settings)
        return settings.error();
    Targets targets;
    if (parser.isSet(m_local)) {
        targets.local = true;
        targets.pattern = TargetFactory::localHostName();
        targets.hosts << TargetFactory::localMachine(*settings);
        return targets;
    }
    if (parser.isSet(m_hosts))
        return fromDestinations(parser.value(m_hosts), *settings);
    if (!parser.isSet(m_limit) && defaultPattern.isEmpty())
        return makeError(ErrorKind::Usage, QStringLiteral("-i needs -l PATTERN (e.g. -l all)"));
    return fromInventory(parser.value(m_inventory),
                         parser.isSet(m_limit) ? parser.value(m_limit) : defaultPattern, *settings,
                         services);
}

Result<Targets> TargetOptions::targetsNamed(const QCommandLineParser& parser, CliServices& services,
                                            const QString& pattern) const
{
    Result<TargetSettings> settings = prepare(parser, services);
    if (!settings)
        return settings.error();
    if (parser.isSet(m_inventory))
        return fromInventory(parser.value(m_inventory), pattern, *settings, services);
    return fromDestinations(pattern, *settings);
}

Result<Targets> TargetOptions::fromDestinations(const QString& list, const TargetSettings& settings)
{
    Targets targets;
    targets.pattern = list;
    for (const QString& destination : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        Result<HostTarget> target = TargetFactory::forDestination(destination, settings);
        if (!target)
            return target.error();
        targets.hosts << *target;
    }
    if (targets.hosts.isEmpty())
        return makeError(ErrorKind::Usage, QStringLiteral("-H names no host"));
    return targets;
}

Result<Targets> TargetOptions::fromInventory(const QString& file, const QString& pattern,
                                             const TargetSettings& settings, CliServices& services)
{
    Targets targets;
    targets.inventory = file;
    targets.pattern = pattern;
    Result<Inventory> inventory = InventoryFile::loadAny(targets.inventory);
    if (!inventory)
        return inventory.error();
    services.keychain().setInventory(*inventory);
    Result<ResolvedTargets> resolved =
        TargetFactory::resolve(*inventory, targets.pattern, settings);
    if (!resolved)
        return resolved.error();
    targets.hosts = resolved->hosts;
    targets.warnings = resolved->warnings;
    if (targets.hosts.isEmpty())
        return makeError(ErrorKind::Usage,
                         QStringLiteral("pattern '%1' matches no host").arg(targets.pattern));
    return targets;
}

Result<RunOptions> TargetOptions::runOptions(const QCommandLineParser& parser) const
{
    RunOptions options;
    options.origin = QStringLiteral("cli");
    bool ok = false;
    options.forks = parser.value(m_forks).toInt(&ok);
    if (!ok || options.forks < 1)
        return makeError(ErrorKind::Usage, QStringLiteral("--forks must be a positive number"));
    Result<std::chrono::milliseconds> timeout =
        parseSeconds(QStringLiteral("timeout"), parser.value(m_timeout));
    if (!timeout)
        return timeout.error();
    options.callTimeout = *timeout;
    Result<std::chrono::milliseconds> deadline =
        parseSeconds(QStringLiteral("deadline"), parser.value(m_deadline));
    if (!deadline)
        return deadline.error();
    options.deadline = *deadline;
    if (Result<std::chrono::milliseconds> ready =
            parseSeconds(QStringLiteral("ready-timeout"), parser.value(m_readyTimeout));
        !ready)
        return ready.error();
    options.check = parser.isSet(m_check);
    if (parser.isSet(m_serial)) {
        options.serial = parser.value(m_serial).split(QLatin1Char(','), Qt::SkipEmptyParts);
        if (Status valid = RunOptions::validateSerial(options.serial); !valid)
            return makeError(ErrorKind::Usage, QStringLiteral("--") + valid.error().message);
    }
    if (parser.isSet(m_maxFail)) {
        const double percent = parser.value(m_maxFail).toDouble(&ok);
        if (!ok || percent < 0 || percent > 100)
            return makeError(ErrorKind::Usage,
                             QStringLiteral("--max-fail-percentage must be between 0 and 100"));
        options.maxFailPercentage = percent;
    }
    return options;
}

} // namespace hostdeck::cli
