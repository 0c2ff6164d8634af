#include "engine/ssh/SshConfigResolver.h"

#include "engine/ssh/SshConfigReader.h"
#include "engine/ssh/SshConfigSyntax.h"

#include <QCryptographicHash>
#include <QDir>

#include <unistd.h>

namespace hostdeck::engine {

using namespace sshconfig;

namespace {

constexpr int maxJumpDepth = 16;

/// The tokens OpenSSH 9.2 expands in IdentityFile, UserKnownHostsFile, ControlPath, IdentityAgent.
QHash<QChar, QString> pathTokens(const SshHostConfig& c)
{
    const QString thisHost = localHostName();
    const QString port = QString::number(c.effectivePort());
    const QString user = c.effectiveUser();
    const QByteArray connection =
        QCryptographicHash::hash((thisHost + c.hostName + port + user).toUtf8(),
                                 QCryptographicHash::Sha1)
            .toHex();
    return {{u'C', QString::fromLatin1(connection)},
            {u'L', thisHost.section(u'.', 0, 0)},
            {u'i', QString::number(getuid())},
            {u'k', c.hostKeyAlias.isEmpty() ? c.originalHost : c.hostKeyAlias},
            {u'l', thisHost},
            {u'n', c.originalHost},
            {u'p', port},
            {u'd', homeDirectory()},
            {u'h', c.hostName},
            {u'r', user},
            {u'u', localUserName()}};
}

Result<QString> expandPath(const QString& text, const QHash<QChar, QString>& tokens,
                           const QString& what)
{
    const Result<QString> tilde = expandTilde(text);
    if (!tilde)
        return makeError(ErrorKind::Usage, what + QStringLiteral(": ") + tilde.error().message);
    const Result<QString> expanded = expand(*tilde, tokens, true);
    if (!expanded)
        return makeError(ErrorKind::Usage, what + QStringLiteral(": ") + expanded.error().message);
    return expanded;
}

/// What ssh does between reading the files and using the values: expansions, defaults.
Status finish(SshHostConfig& c)
{
    if (c.batchMode == 1 && c.serverAliveInterval == -1)
        c.serverAliveInterval = 300; // Debian: BatchMode implies ServerAliveInterval 300
    if (c.proxyCommand.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        c.proxyCommand.clear();
    c.hostKeyAlias = c.hostKeyAlias.toLower();
    const QHash<QChar, QString> tokens = pathTokens(c);
    for (const QString& file : std::as_const(c.identityFiles)) {
        const Result<QString> expanded = expandPath(file, tokens, QStringLiteral("IdentityFile"));
        if (!expanded)
            return expanded.error();
        c.identityFilesExpanded.append(*expanded);
    }
    for (QString& file : c.userKnownHostsFiles) {
        const Result<QString> expanded =
            expandPath(file, tokens, QStringLiteral("UserKnownHostsFile"));
        if (!expanded)
            return expanded.error();
        file = *expanded;
    }
    if (c.controlPath.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        c.controlPath.clear();
    if (!c.controlPath.isEmpty()) {
        const Result<QString> expanded =
            expandPath(c.controlPath, tokens, QStringLiteral("ControlPath"));
        if (!expanded)
            return expanded.error();
        c.controlPath = *expanded;
    }
    if (!c.identityAgent.isEmpty()) {
        const Result<QString> expanded =
            expandPath(c.identityAgent, tokens, QStringLiteral("IdentityAgent"));
        if (!expanded)
            return expanded.error();
        c.identityAgent = *expanded;
    }
    return Ok{};
}

/// Whether `[user@]host[:port]` names a port (SshEndpoint::parse's reading: `[v6]:port` or one
/// colon; a bare IPv6 address has several).
bool namesPort(const QString& destination)
{
    const QString rest = destination.trimmed().section(u'@', -1);
    return rest.startsWith(u'[') ? rest.contains(QLatin1String("]:")) : rest.count(u':') == 1;
}

SshSettings withoutJumps(SshSettings settings)
{
    settings.jumpHosts.clear();
    return settings;
}

Result<QList<SshEndpoint>> jumpChain(const SshConfigFiles& files, const SshHostConfig& target,
                                     const SshSettings& hopBase, int depth)
{
    QList<SshEndpoint> chain;
    if (target.proxyJump.isNone || target.proxyJump.hops.isEmpty())
        return chain;
    if (depth >= maxJumpDepth)
        return makeError(ErrorKind::Usage,
                         QStringLiteral("ProxyJump chain of %1 is more than %2 hops deep (a loop?)")
                             .arg(target.originalHost)
                             .arg(maxJumpDepth));
    // ssh runs each hop as `ssh -l USER -p PORT -J EARLIER -W '[%h]:%p' HOP`, expanding %h %n %p
    // %r with the target's values: the hop text may use them.
    const QString written = target.proxyJump.parts.join(u',');
    const Result<QString> expanded = expand(written,
                                            {{u'h', target.hostName},
                                             {u'n', target.originalHost},
                                             {u'p', QString::number(target.effectivePort())},
                                             {u'r', target.effectiveUser()}},
                                            false);
    if (!expanded)
        return makeError(ErrorKind::Usage, QStringLiteral("ProxyJump of %1: %2")
                                               .arg(target.originalHost, expanded.error().message));
    const Result<JumpSpec> spec = parseJump(*expanded);
    if (!spec)
        return makeError(
            ErrorKind::Usage,
            QStringLiteral("ProxyJump of %1: %2").arg(target.originalHost, spec.error().message));
    for (qsizetype k = 0; k < spec->hops.size(); ++k) {
        const JumpHop& hop = spec->hops.at(k);
        SshConfigQuery query{hop.host, hop.user, hop.port, spec->parts.mid(0, k).join(u',')};
        const Result<SshHostConfig> hopConfig = SshConfigResolver::lookup(files, query);
        if (!hopConfig)
            return makeError(hopConfig.error().kind,
                             QStringLiteral("jump host '%1': %2")
                                 .arg(spec->parts.at(k), hopConfig.error().message));
        if (const QString problem = hopConfig->unsupportedText(); !problem.isEmpty())
            return makeError(ErrorKind::Usage,
                             QStringLiteral("jump host '%1': %2").arg(spec->parts.at(k), problem));
        const SshSettings hopSettings = SshConfigResolver::apply(*hopConfig, hopBase);
        if (k == 0) {
            // Only the first hop is reached by a plain `ssh`: its own ProxyJump applies.
            const Result<QList<SshEndpoint>> before =
                jumpChain(files, *hopConfig, hopBase, depth + 1);
            if (!before)
                return before.error();
            chain += *before;
        }
        SshEndpoint endpoint;
        endpoint.user = hopSettings.user;
        endpoint.host = hopSettings.host;
        endpoint.port = hopSettings.port;
        endpoint.identityFiles = hopSettings.identityFiles;
        endpoint.resolved = std::make_shared<const SshSettings>(withoutJumps(hopSettings));
        chain.append(endpoint);
    }
    return chain;
}

} // namespace

SshConfigFiles SshConfigFiles::explicitFile(const QString& file)
{
    return SshConfigFiles{file, true, false, QString()};
}

SshConfigFiles SshConfigFiles::standard()
{
    return SshConfigFiles{homeDirectory() + QStringLiteral("/.ssh/config"), false, true,
                          QStringLiteral("/etc/ssh/ssh_config")};
}

SshConfigFiles SshConfigFiles::fromSettings(const SshSettings& settings)
{
    SshConfigFiles files;
    files.user = settings.sshConfigFile;
    const bool isUsersOwn = !files.user.isEmpty() &&
                            QDir::cleanPath(files.user) ==
                                QDir::cleanPath(homeDirectory() + QStringLiteral("/.ssh/config"));
    files.userMustExist = !isUsersOwn;
    files.checkPermissions = isUsersOwn;
    files.system = settings.systemSshConfigFile;
    return files;
}

bool SshConfigResolver::isValidHostName(const QString& host)
{
    if (host.isEmpty() || host.startsWith(u'-'))
        return false;
    for (const QChar c : host) {
        if (QStringView(u"'`\"$\\;&<>|(){},").contains(c) || c.isSpace() ||
            c.category() == QChar::Other_Control)
            return false;
    }
    return true;
}

Result<SshHostConfig> SshConfigResolver::lookup(const SshConfigFiles& files,
                                                const SshConfigQuery& query)
{
    if (!isValidHostName(query.host))
        return makeError(
            ErrorKind::Usage,
            QStringLiteral("'%1': hostname contains invalid characters").arg(query.host));
    SshHostConfig config;
    config.originalHost = query.host;
    detail::SshConfigReader reader(query, config);
    if (Status status = reader.applyCommandLine(); !status)
        return status.error();
    if (Status status = reader.readPass(files, query.host, false); !status)
        return status.error();
    QString host = query.host;
    if (!config.hostName.isEmpty()) {
        const Result<QString> expanded = expand(config.hostName, {{u'h', query.host}}, false);
        if (!expanded)
            return makeError(ErrorKind::Usage,
                             QStringLiteral("HostName: ") + expanded.error().message);
        host = *expanded;
    }
    host = host.toLower();
    bool finalPass = reader.wantsFinalPass();
    if (config.canonicalizeHostname > 0) {
        finalPass = true; // ssh re-reads its config whenever canonicalisation is on
        const bool viaProxy = !config.proxyCommand.isEmpty() ||
                              (!config.proxyJump.isNone && !config.proxyJump.hops.isEmpty());
        if (!config.canonicalDomains.isEmpty() && (!viaProxy || config.canonicalizeHostname == 2) &&
            host.count(u'.') <= 1)
            config.unsupported.append(
                {files.user, 0,
                 QStringLiteral("CanonicalizeHostname with CanonicalDomains is not supported: ssh "
                                "would look '%1' up in DNS under each domain")
                     .arg(host)});
    }
    if (finalPass) {
        config.hostName = host;
        config.finalPass = true;
        if (Status status = reader.readPass(files, host, true); !status)
            return status.error();
    }
    config.hostName = host;
    if (Status status = finish(config); !status)
        return status.error();
    if (!config.proxyJump.isNone && !config.proxyJump.hops.isEmpty()) {
        // ssh refuses to jump through the very destination (same name, user and port).
        const JumpHop& last = config.proxyJump.hops.last();
        if (last.host == config.hostName &&
            (last.user.isEmpty() || last.user == config.effectiveUser()) &&
            (last.port > 0 ? last.port : 22) == config.effectivePort())
            return makeError(ErrorKind::Usage,
                             QStringLiteral("jumphost loop via %1").arg(last.host));
    }
    return config;
}

SshSettings SshConfigResolver::apply(const SshHostConfig& config, const SshSettings& base)
{
    SshSettings s = base;
    s.host = config.hostName;
    s.user = config.user.isEmpty() ? base.user : config.user;
    s.port = quint16(config.effectivePort());
    QStringList identities = base.identityFiles; // like -i: before the config's
    for (const QString& file : config.identityFilesExpanded) {
        if (!identities.contains(file))
            identities.append(file);
    }
    s.identityFiles = identities;
    if (!config.userKnownHostsFiles.isEmpty())
        s.userKnownHostsFiles = config.userKnownHostsFiles;
    if (!config.globalKnownHostsFiles.isEmpty()) {
        s.globalKnownHostsFiles.clear();
        for (const QString& file : config.globalKnownHostsFiles) {
            const Result<QString> expanded = expandTilde(file);
            s.globalKnownHostsFiles.append(expanded ? *expanded : file);
        }
    }
    s.hostKeyAlias = config.hostKeyAlias;
    if (config.hashKnownHosts >= 0)
        s.hashKnownHosts = config.hashKnownHosts == 1;
    if (base.hostKeyPolicyFromConfig && config.strictHostKeyChecking >= 0) {
        // "no"/"off" would also accept changed keys in OpenSSH; Hostdeck never does.
        s.hostKeyPolicy = config.strictHostKeyChecking == 3 || config.strictHostKeyChecking == 0
                              ? HostKeyPolicy::AcceptNew
                              : HostKeyPolicy::Strict;
    }
    if (config.connectTimeout > 0)
        s.connectTimeout = std::chrono::seconds(config.connectTimeout);
    if (config.serverAliveInterval >= 0)
        s.keepAliveInterval = std::chrono::seconds(config.serverAliveInterval);
    if (config.passwordAuthentication == 0)
        s.usePassword = false;
    if (config.kbdInteractiveAuthentication == 0)
        s.useKeyboardInteractive = false;
    if (config.identityAgent.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) {
        s.useAgent = false;
    } else if (config.identityAgent.startsWith(u'$')) {
        s.agentSocket = qEnvironmentVariable(config.identityAgent.mid(1).toLocal8Bit().constData());
    } else if (!config.identityAgent.isEmpty() &&
               config.identityAgent != QLatin1String("SSH_AUTH_SOCK")) {
        s.agentSocket = config.identityAgent;
    }
    s.jumpHosts.clear();
    return s;
}

Result<SshSettings> SshConfigResolver::resolve(const QString& destination, const SshSettings& base)
{
    const Result<SshEndpoint> parsed = SshEndpoint::parse(destination);
    if (!parsed)
        return parsed.error();
    SshConfigQuery query;
    query.host = parsed->host;
    query.user = parsed->user;
    if (namesPort(destination))
        query.port = parsed->port;
    return resolve(query, base);
}

Result<SshSettings> SshConfigResolver::resolve(const SshConfigQuery& query, const SshSettings& base)
{
    SshConfigQuery effective = query;
    if (effective.user.isEmpty())
        effective.user = base.user; // the caller's default user acts as `ssh -l`
    const SshConfigFiles files = SshConfigFiles::fromSettings(base);
    if (files.user.isEmpty() && files.system.isEmpty()) {
        SshSettings settings = base;
        settings.host = effective.host;
        settings.user = effective.user;
        if (effective.port > 0)
            settings.port = quint16(effective.port);
        return settings;
    }
    const Result<SshHostConfig> config = lookup(files, effective);
    if (!config)
        return config.error();
    if (const QString problem = config->unsupportedText(); !problem.isEmpty())
        return makeError(ErrorKind::Usage, problem);
    SshSettings settings = apply(*config, base);
    SshSettings hopBase = base;
    hopBase.user.clear(); // `-l` is the target's; a hop gets its own user or the login name
    const Result<QList<SshEndpoint>> chain = jumpChain(files, *config, hopBase, 0);
    if (!chain)
        return chain.error();
    settings.jumpHosts = *chain;
    return settings;
}

QString SshHostConfig::effectiveUser() const
{
    return user.isEmpty() ? localUserName() : user;
}

QStringList SshHostConfig::effectiveUserKnownHostsFiles() const
{
    if (!userKnownHostsFiles.isEmpty())
        return userKnownHostsFiles;
    const QString dir = homeDirectory() + QStringLiteral("/.ssh/");
    return {dir + QStringLiteral("known_hosts"), dir + QStringLiteral("known_hosts2")};
}

QStringList SshHostConfig::effectiveGlobalKnownHostsFiles() const
{
    if (!globalKnownHostsFiles.isEmpty())
        return globalKnownHostsFiles;
    return {QStringLiteral("/etc/ssh/ssh_known_hosts"),
            QStringLiteral("/etc/ssh/ssh_known_hosts2")};
}

QString SshHostConfig::strictHostKeyCheckingName() const
{
    switch (strictHostKeyChecking) {
    case 0:
        return QStringLiteral("false");
    case 1:
        return QStringLiteral("true");
    case 3:
        return QStringLiteral("accept-new");
    default:
        return QStringLiteral("ask");
    }
}

QString SshHostConfig::unsupportedText() const
{
    QStringList parts;
    for (const SshConfigIssue& issue : unsupported)
        parts.append(issue.line > 0 ? issue.toString() : issue.message);
    return parts.join(QStringLiteral("; "));
}

} // namespace hostdeck::engine
