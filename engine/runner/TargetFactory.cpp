#include "engine/runner/TargetFactory.h"

#include "engine/inventory/HostPattern.h"
#include "engine/ssh/InventorySshSettings.h"
#include "engine/ssh/SshConfigResolver.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>

namespace hostdeck::engine {

namespace {

Result<QStringList> interpreterOf(const QString& command, const QString& host)
{
    const QStringList argv = QProcess::splitCommand(command);
    if (argv.isEmpty())
        return makeError(ErrorKind::Usage,
                         QStringLiteral("host '%1': ansible_python_interpreter '%2' is not a "
                                        "command")
                             .arg(host, command));
    return argv;
}

/// The host's `environment` (Ansible's keyword): a mapping of variable names to scalar values,
/// or a list of mappings merged in order.
Result<QJsonObject> environmentOf(const QVariantMap& vars, const QString& host)
{
    QJsonObject env;
    const QVariant value = vars.value(QStringLiteral("environment"));
    if (!value.isValid() || value.isNull())
        return env;
    const auto problem = [&host](const QString& what) {
        return makeError(ErrorKind::InvalidArgument,
                         QStringLiteral("host '%1': environment %2").arg(host, what));
    };
    QVariantList maps;
    if (value.typeId() == QMetaType::QVariantList)
        maps = value.toList();
    else
        maps = {value};
    for (const QVariant& item : std::as_const(maps)) {
        if (item.typeId() != QMetaType::QVariantMap)
            return problem(QStringLiteral("must be a mapping of variable names to values"));
        const QVariantMap map = item.toMap();
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            const QString& name = it.key();
            if (name.isEmpty() || name.contains(QLatin1Char('=')) || name.contains(QChar(0)))
                return problem(
                    QStringLiteral("has a variable name '%1' (empty, or with '=' or NUL)")
                        .arg(name));
            const QVariant& v = it.value();
            if (v.typeId() == QMetaType::QVariantMap || v.typeId() == QMetaType::QVariantList)
                return problem(QStringLiteral("variable '%1' is not a scalar").arg(name));
            const QString text = v.isNull() ? QString() : v.toString();
            if (text.contains(QChar(0)))
                return problem(QStringLiteral("variable '%1' contains NUL").arg(name));
            env.insert(name, text);
        }
    }
    return env;
}

/// Become from the host's variables, else the run's settings. A become method other than sudo
/// or su is an error naming the host, not sudo in its place.
Status applyBecome(HostTarget& target, const QVariantMap& vars, const Host& host,
                   const TargetSettings& settings)
{
    target.become =
        vars.contains(QStringLiteral("ansible_become")) ? host.become() : settings.become;
    const QString user = vars.contains(QStringLiteral("ansible_become_user"))
                             ? vars.value(QStringLiteral("ansible_become_user")).toString()
                             : settings.becomeUser;
    target.becomeUser = user == QStringLiteral("root") ? QString() : user;
    const QString method = vars.value(QStringLiteral("ansible_become_method")).toString();
    if (method.isEmpty())
        target.becomeMethod = settings.becomeMethod;
    else if (method == QStringLiteral("su"))
        target.becomeMethod = BecomeMethod::Su;
    else if (method == QStringLiteral("sudo"))
        target.becomeMethod = BecomeMethod::Sudo;
    else if (target.become)
        return makeError(ErrorKind::InvalidArgument,
                         QStringLiteral("host '%1': ansible_become_method '%2' is not supported "
                                        "(sudo or su)")
                             .arg(host.name(), method));
    return Ok{};
}

SshSettings baseSsh(const TargetSettings& settings)
{
    SshSettings base = settings.ssh;
    base.sshConfigFile = TargetFactory::sshConfigFile(settings);
    // As ssh: without -F the system config is read after the user's (Debian's hashes names).
    if (settings.useSshConfig && settings.sshConfigFile.isEmpty() &&
        QFileInfo::exists(QStringLiteral("/etc/ssh/ssh_config")))
        base.systemSshConfigFile = QStringLiteral("/etc/ssh/ssh_config");
    return base;
}

} // namespace

QString TargetFactory::sshConfigFile(const TargetSettings& settings)
{
    if (!settings.useSshConfig)
        return {};
    if (!settings.sshConfigFile.isEmpty())
        return settings.sshConfigFile;
    const QString user = QDir::homePath() + QStringLiteral("/.ssh/config");
    return QFileInfo::exists(user) ? user : QString();
}

HostTarget TargetFactory::localMachine(const TargetSettings& settings, const QString& name,
                                       const QString& inventoryId)
{
    HostTarget target = HostTarget::local(name);
    target.inventoryId = inventoryId;
    target.interpreter = settings.localInterpreter.isEmpty()
                             ? QStringList{QStringLiteral("python3")}
                             : settings.localInterpreter;
    target.become = settings.become;
    target.becomeUser =
        settings.becomeUser == QStringLiteral("root") ? QString() : settings.becomeUser;
    target.becomeMethod = settings.becomeMethod;
    return target;
}

Result<HostTarget> TargetFactory::forHost(const Inventory& inventory, const QString& name,
                                          const TargetSettings& settings)
{
    if (!inventory.hasHost(name)) {
        if (name == localHostName())
            return localMachine(settings, name, inventory.id());
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("no host '%1' in the inventory").arg(name));
    }
    const Host host = inventory.resolvedHost(name);
    const QVariantMap& vars = host.vars();
    HostTarget target;
    target.name = name;
    target.inventoryId = inventory.id();
    target.vars = vars;
    Result<QJsonObject> environment = environmentOf(vars, name);
    if (!environment)
        return environment.error();
    target.environment = *environment;
    if (Status become = applyBecome(target, vars, host, settings); !become)
        return become.error();
    const bool hasInterpreter = vars.contains(QStringLiteral("ansible_python_interpreter"));
    if (hasInterpreter) {
        Result<QStringList> argv = interpreterOf(host.pythonInterpreter(), name);
        if (!argv)
            return argv.error();
        target.interpreter = *argv;
    }
    if (host.transport() == HostTransport::Local) {
        target.kind = HostTarget::Kind::Local;
        if (!hasInterpreter)
            target.interpreter = settings.localInterpreter.isEmpty()
                                     ? QStringList{QStringLiteral("python3")}
                                     : settings.localInterpreter;
        return target;
    }
    target.kind = HostTarget::Kind::Ssh;
    if (!hasInterpreter && !settings.interpreter.isEmpty())
        target.interpreter = settings.interpreter;
    // One reading of the connection variables (engine/ssh): the user's ssh_config for the
    // address Ansible would dial unless hostdeck_ssh_config says otherwise, then what the
    // inventory sets; jump hosts that are inventory hosts get their own settings.
    const HostVariables lookup = [&inventory](const QString& other) -> std::optional<QVariantMap> {
        if (!inventory.hasHost(other))
            return std::nullopt;
        return inventory.resolvedHost(other).vars();
    };
    Result<SshSettings> ssh = InventorySshSettings::forHost(name, vars, baseSsh(settings), lookup);
    if (!ssh)
        return makeError(ssh.error().kind,
                         ssh.error().message.contains(name)
                             ? ssh.error().message
                             : QStringLiteral("host '%1': %2").arg(name, ssh.error().message));
    target.ssh = *ssh;
    target.ssh.inventoryId = target.inventoryId;
    target.ssh.targetHost = name;
    return target;
}

Result<HostTarget> TargetFactory::forDestination(const QString& destination,
                                                 const TargetSettings& settings)
{
    const QString text = destination.trimmed();
    if (text.isEmpty())
        return makeError(ErrorKind::Usage, QStringLiteral("an empty host name"));
    Result<SshSettings> ssh = SshConfigResolver::resolve(text, baseSsh(settings));
    if (!ssh)
        return makeError(ssh.error().kind,
                         QStringLiteral("host '%1': %2").arg(text, ssh.error().message));
    HostTarget target;
    target.name = text;
    target.kind = HostTarget::Kind::Ssh;
    target.ssh = *ssh;
    target.ssh.targetHost = text;
    target.interpreter = settings.interpreter.isEmpty() ? QStringList{QStringLiteral("python3")}
                                                        : settings.interpreter;
    target.become = settings.become;
    target.becomeUser =
        settings.becomeUser == QStringLiteral("root") ? QString() : settings.becomeUser;
    target.becomeMethod = settings.becomeMethod;
    return target;
}

Result<ResolvedTargets> TargetFactory::resolve(const Inventory& inventory, const QString& pattern,
                                               const TargetSettings& settings)
{
    if (pattern.trimmed().isEmpty())
        return makeError(ErrorKind::Usage, QStringLiteral("no targets: give a host pattern"));
    const PatternMatch match = HostPattern::resolve(inventory, pattern);
    if (!match.error.isEmpty())
        return makeError(ErrorKind::Usage, match.error);
    ResolvedTargets resolved;
    const bool syntheticLocal = !inventory.hasHost(localHostName());
    const bool wantsLocal =
        syntheticLocal && HostPattern::splitTerms(pattern).contains(localHostName());
    for (const QString& warning : match.warnings) {
        if (!(wantsLocal && warning.contains(localHostName())))
            resolved.warnings << warning;
    }
    if (wantsLocal)
        resolved.hosts << localMachine(settings, localHostName(), inventory.id());
    for (const QString& name : match.hosts) {
        Result<HostTarget> target = forHost(inventory, name, settings);
        if (!target)
            return target.error();
        resolved.hosts << std::move(*target);
    }
    return resolved;
}

} // namespace hostdeck::engine
