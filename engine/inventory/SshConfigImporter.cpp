#include "engine/inventory/SshConfigImporter.h"

#include "engine/inventory/YamlInventoryReader.h"

#include "engine/ssh/SshConfigResolver.h"
#include "engine/ssh/SshConfigSyntax.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

namespace hostdeck::engine {

using namespace sshconfig;

namespace {

constexpr int maxIncludeDepth = 16;

struct ScannedLine
{
    QString file;
    int line = 0;
    QString keyword; ///< canonical, lower case
    QStringList args;
};

/// Every line of the config and of everything it includes, whatever block it sits in.
Status scan(const QString& path, bool userConfig, int depth, QList<ScannedLine>& lines,
            QList<ImportIssue>& issues)
{
    if (depth > maxIncludeDepth)
        return makeError(
            ErrorKind::Usage,
            QStringLiteral("%1: Include nested more than %2 deep").arg(path).arg(maxIncludeDepth));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(file.exists() ? ErrorKind::Io : ErrorKind::NotFound,
                         QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    int number = 0;
    while (!file.atEnd()) {
        ++number;
        QByteArray raw = file.readLine();
        if (raw.endsWith('\n'))
            raw.chop(1);
        const Result<std::optional<ConfigLine>> split = splitLine(QString::fromUtf8(raw));
        if (!split)
            return makeError(
                ErrorKind::Usage,
                QStringLiteral("%1 line %2: %3").arg(path).arg(number).arg(split.error().message));
        if (!split->has_value())
            continue;
        const ConfigLine& l = **split;
        const QString keyword = canonicalKeyword(l.keyword);
        lines.append({path, number, keyword, l.args});
        if (keyword != QLatin1String("include"))
            continue;
        for (const QString& arg : l.args) {
            const Result<QStringList> paths = includeFiles(arg, userConfig);
            if (!paths)
                return makeError(ErrorKind::Usage, QStringLiteral("%1 line %2: %3")
                                                       .arg(path)
                                                       .arg(number)
                                                       .arg(paths.error().message));
            if (paths->isEmpty())
                issues.append(
                    {path, number,
                     QStringLiteral("Include '%1' matched no file (ssh ignores it too)").arg(arg)});
            for (const QString& included : *paths) {
                if (Status status = scan(included, userConfig, depth + 1, lines, issues); !status)
                    return status;
            }
        }
    }
    return Ok{};
}

/// What the import does with each keyword it does not turn into a variable.
QString adviceFor(const QString& keyword)
{
    static const QHash<QString, QString> advice = [] {
        QHash<QString, QString> map;
        const auto add = [&map](std::initializer_list<const char*> names, const char* text) {
            for (const char* name : names)
                map.insert(QLatin1String(name), QLatin1String(text));
        };
        add({"forwardagent", "forwardx11", "forwardx11trusted", "forwardx11timeout", "localforward",
             "remoteforward", "dynamicforward", "gatewayports", "exitonforwardfailure",
             "clearallforwardings", "tunnel", "tunneldevice", "permitremoteopen",
             "streamlocalbindmask", "streamlocalbindunlink", "xauthlocation"},
            "Hostdeck opens no forwardings and never forwards the agent: nothing to do");
        add({"requesttty", "remotecommand", "localcommand", "permitlocalcommand", "sendenv",
             "setenv", "escapechar", "sessiontype", "stdinnull", "forkafterauthentication",
             "loglevel", "logverbose", "syslogfacility", "visualhostkey", "enableescapecommandline",
             "batchmode", "numberofpasswordprompts"},
            "no effect on Hostdeck's sessions: nothing to do");
        add({"controlmaster", "controlpath", "controlpersist"},
            "Hostdeck keeps its own connections open: nothing to do");
        add({"ciphers", "macs", "kexalgorithms", "hostkeyalgorithms", "pubkeyacceptedalgorithms",
             "casignaturealgorithms", "hostbasedacceptedalgorithms", "rekeylimit", "compression",
             "ipqos", "requiredrsasize", "addressfamily", "bindaddress", "bindinterface",
             "tcpkeepalive", "connectionattempts"},
            "Hostdeck uses libssh's defaults for this; check the host accepts them");
        add({"serveraliveinterval", "serveralivecountmax"},
            "Hostdeck sends its own keep-alives (every 30 s): nothing to do");
        add({"identitiesonly"},
            "Hostdeck tries the agent's keys before the key files; if the host limits attempts "
            "(MaxAuthTries), leave only the right key in the agent");
        add({"identityagent"}, "set SSH_AUTH_SOCK for Hostdeck instead");
        add({"passwordauthentication", "kbdinteractiveauthentication", "pubkeyauthentication",
             "preferredauthentications", "kbdinteractivedevices", "hostbasedauthentication",
             "gssapiauthentication", "gssapidelegatecredentials", "gssapikeyexchange",
             "gssapitrustdns", "gssapirenewalforcesrekey", "gssapikexalgorithms",
             "gssapiclientidentity", "gssapiserveridentity", "enablesshkeysign", "addkeystoagent",
             "certificatefile", "pkcs11provider", "securitykeyprovider"},
            "Hostdeck authenticates with the agent, key files and a keychain password only: "
            "store the password with `hostdeck-cli secret set` if the host needs one");
        add({"checkhostip", "updatehostkeys", "verifyhostkeydns", "fingerprinthash",
             "nohostauthenticationforlocalhost", "knownhostscommand", "revokedhostkeys"},
            "Hostdeck checks host keys against known_hosts files only (list revoked keys as "
            "@revoked lines there)");
        add({"proxycommand"}, "Hostdeck cannot run a proxy command: write the hop as ProxyJump");
        add({"canonicalizehostname", "canonicaldomains", "canonicalizemaxdots",
             "canonicalizefallbacklocal", "canonicalizepermittedcnames"},
            "Hostdeck does not canonicalise names: write full names in HostName");
        return map;
    }();
    return advice.value(keyword, QStringLiteral("no inventory equivalent"));
}

bool isImportedKeyword(const QString& keyword)
{
    static const QSet<QString> imported = {QStringLiteral("host"),
                                           QStringLiteral("match"),
                                           QStringLiteral("include"),
                                           QStringLiteral("ignoreunknown"),
                                           QStringLiteral("hostname"),
                                           QStringLiteral("user"),
                                           QStringLiteral("port"),
                                           QStringLiteral("identityfile"),
                                           QStringLiteral("proxyjump"),
                                           QStringLiteral("userknownhostsfile"),
                                           QStringLiteral("globalknownhostsfile"),
                                           QStringLiteral("hostkeyalias"),
                                           QStringLiteral("stricthostkeychecking"),
                                           QStringLiteral("hashknownhosts"),
                                           QStringLiteral("connecttimeout")};
    return imported.contains(keyword);
}

QVariant listOrString(const QStringList& list)
{
    return list.size() == 1 ? QVariant(list.first()) : QVariant(list);
}

QString literalHop(const SshSettings& hop)
{
    return SshEndpoint{hop.user, hop.host, hop.port, {}, {}}.toString();
}

class Importer
{
public:
    Importer(SshConfigFiles files, QList<ScannedLine> lines, QList<ImportIssue> issues)
        : m_files(std::move(files)), m_lines(std::move(lines))
    {
        m_result.issues = std::move(issues);
    }

    Result<ImportResult> run()
    {
        collectHosts();
        reportLines();
        for (const QString& alias : std::as_const(m_aliases)) {
            if (Status status = importHost(alias); !status)
                return status.error();
        }
        m_result.inventory.ensureGroup(Inventory::allGroup())
            .vars.insert(QStringLiteral("hostdeck_ssh_config"), QStringLiteral("none"));
        return std::move(m_result);
    }

private:
    void issue(const QString& file, int line, const QString& problem)
    {
        m_result.issues.append({file, line, problem});
    }

    void collectHosts()
    {
        for (const ScannedLine& l : std::as_const(m_lines)) {
            if (l.keyword != QLatin1String("host"))
                continue;
            for (const QString& name : l.args) {
                const bool pattern =
                    name.contains(u'*') || name.contains(u'?') || name.startsWith(u'!');
                if (pattern || !SshConfigResolver::isValidHostName(name)) {
                    issue(l.file, l.line,
                          QStringLiteral("Host pattern '%1' names no single host (ssh cannot be "
                                         "given it as a destination): its settings were applied to "
                                         "the imported hosts it matches")
                              .arg(name));
                    continue;
                }
                if (!m_aliases.contains(name))
                    m_aliases.append(name);
            }
        }
    }

    void reportLines()
    {
        for (const ScannedLine& l : std::as_const(m_lines)) {
            if (isImportedKeyword(l.keyword)) {
                if (l.keyword == QLatin1String("match") &&
                    l.args.join(u' ').contains(QLatin1String("localuser"), Qt::CaseInsensitive))
                    issue(l.file, l.line,
                          QStringLiteral("Match localuser was evaluated for %1, who imported: "
                                         "another login would get other settings from ssh")
                              .arg(localUserName()));
                continue;
            }
            issue(l.file, l.line,
                  QStringLiteral("option '%1' not imported: %2")
                      .arg(l.keyword, adviceFor(l.keyword)));
        }
    }

    /// hostdeck_jump for a host: hops that are imported hosts by name (they carry their own
    /// settings), the others as the user@host:port ssh would dial.
    Result<QString> jumpFor(const SshHostConfig& config)
    {
        if (config.proxyJump.isNone || config.proxyJump.hops.isEmpty())
            return QString();
        const Result<QString> expanded = expand(config.proxyJump.parts.join(u','),
                                                {{u'h', config.hostName},
                                                 {u'n', config.originalHost},
                                                 {u'p', QString::number(config.effectivePort())},
                                                 {u'r', config.effectiveUser()}},
                                                false);
        if (!expanded)
            return expanded.error();
        const Result<JumpSpec> spec = parseJump(*expanded);
        if (!spec)
            return spec.error();
        SshSettings base;
        base.sshConfigFile = m_files.user;
        base.systemSshConfigFile = m_files.system;
        QStringList hops;
        for (qsizetype k = 0; k < spec->hops.size(); ++k) {
            const JumpHop& hop = spec->hops.at(k);
            if (m_aliases.contains(hop.host)) {
                // By name: the consumer dials it with that host's own settings.
                QString text = hop.user.isEmpty() ? hop.host : hop.user + u'@' + hop.host;
                if (hop.port > 0)
                    text += u':' + QString::number(hop.port);
                hops.append(text);
                continue;
            }
            const Result<SshSettings> resolved = SshConfigResolver::resolve(
                SshConfigQuery{hop.host, hop.user, hop.port, spec->parts.mid(0, k).join(u',')},
                base);
            if (!resolved)
                return resolved.error();
            if (k == 0) {
                for (const SshEndpoint& before : resolved->jumpHosts)
                    hops.append(before.resolved ? literalHop(*before.resolved) : before.toString());
            }
            hops.append(literalHop(*resolved));
            if (!resolved->identityFiles.isEmpty() || !resolved->hostKeyAlias.isEmpty() ||
                !resolved->userKnownHostsFiles.isEmpty())
                issue(m_files.user, 0,
                      QStringLiteral("host %1: jump host '%2' is no imported host; it is written "
                                     "as %3 and its own IdentityFile/UserKnownHostsFile/"
                                     "HostKeyAlias are not carried: add a Host block for it and "
                                     "import again")
                          .arg(config.originalHost, spec->parts.at(k), literalHop(*resolved)));
        }
        return hops.join(u',');
    }

    Status importHost(const QString& alias)
    {
        const Result<SshHostConfig> looked =
            SshConfigResolver::lookup(m_files, SshConfigQuery{alias, {}, -1, {}});
        if (!looked)
            return makeError(looked.error().kind,
                             QStringLiteral("host %1: %2").arg(alias, looked.error().message));
        const SshHostConfig& c = *looked;
        for (const SshConfigIssue& problem : c.unsupported)
            issue(problem.file, problem.line,
                  QStringLiteral("host %1: %2; its imported settings may differ from ssh's")
                      .arg(alias, problem.message));
        Host host(alias);
        if (c.hostName != alias)
            host.setVar(QStringLiteral("ansible_host"), c.hostName);
        if (!c.user.isEmpty())
            host.setVar(QStringLiteral("ansible_user"), c.user);
        if (c.port > 0)
            host.setVar(QStringLiteral("ansible_port"), c.port);
        if (!c.identityFilesExpanded.isEmpty()) {
            host.setVar(QStringLiteral("ansible_ssh_private_key_file"),
                        c.identityFilesExpanded.first());
            if (c.identityFilesExpanded.size() > 1)
                host.setVar(QStringLiteral("hostdeck_identity_files"), c.identityFilesExpanded);
        }
        const Result<QString> jump = jumpFor(c);
        if (!jump)
            return makeError(
                jump.error().kind,
                QStringLiteral("host %1: ProxyJump: %2").arg(alias, jump.error().message));
        if (!jump->isEmpty())
            host.setVar(QStringLiteral("hostdeck_jump"), *jump);
        if (!c.userKnownHostsFiles.isEmpty())
            host.setVar(QStringLiteral("hostdeck_known_hosts"),
                        listOrString(c.userKnownHostsFiles));
        if (!c.globalKnownHostsFiles.isEmpty()) {
            QStringList files;
            for (const QString& file : c.globalKnownHostsFiles) {
                const Result<QString> expanded = expandTilde(file);
                files.append(expanded ? *expanded : file);
            }
            host.setVar(QStringLiteral("hostdeck_global_known_hosts"), listOrString(files));
        }
        if (!c.hostKeyAlias.isEmpty())
            host.setVar(QStringLiteral("hostdeck_host_key_alias"), c.hostKeyAlias);
        if (c.hashKnownHosts == 1)
            host.setVar(QStringLiteral("hostdeck_hash_known_hosts"), true);
        if (c.strictHostKeyChecking >= 0)
            host.setVar(QStringLiteral("hostdeck_host_keys"),
                        c.strictHostKeyChecking == 3 || c.strictHostKeyChecking == 0
                            ? QStringLiteral("accept-new")
                            : QStringLiteral("strict"));
        if (c.connectTimeout > 0)
            host.setVar(QStringLiteral("ansible_ssh_timeout"), c.connectTimeout);
        m_result.inventory.addHost(host);
        return Ok{};
    }

    SshConfigFiles m_files;
    QList<ScannedLine> m_lines;
    QStringList m_aliases;
    ImportResult m_result;
};

} // namespace

Result<ImportResult> SshConfigImporter::importFile(const QString& path)
{
    const bool usersOwn = QDir::cleanPath(QFileInfo(path).absoluteFilePath()) ==
                          QDir::cleanPath(homeDirectory() + QStringLiteral("/.ssh/config"));
    SshConfigFiles files =
        usersOwn ? SshConfigFiles::standard() : SshConfigFiles::explicitFile(path);
    files.user = path;
    QList<ScannedLine> lines;
    QList<ImportIssue> issues;
    if (Status status = scan(path, true, 0, lines, issues); !status)
        return status.error();
    if (!files.system.isEmpty() && QFile::exists(files.system)) {
        if (Status status = scan(files.system, false, 0, lines, issues); !status)
            return status.error();
    }
    Result<ImportResult> imported = Importer(files, lines, issues).run();
    if (imported) {
        if (Status kept = YamlInventoryReader::checkImported(imported->inventory, path); !kept)
            return kept.error();
    }
    return imported;
}

} // namespace hostdeck::engine
