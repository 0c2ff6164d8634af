#include "engine/ssh/SshConfigReader.h"

#include "engine/ssh/SshConfigSyntax.h"

#include <QFile>
#include <QHash>
#include <QSet>

#include <sys/stat.h>
#include <unistd.h>

namespace hostdeck::engine::detail {

using namespace sshconfig;

namespace {

constexpr int maxDepth = 16;          // READCONF_MAX_DEPTH
constexpr int maxIdentityFiles = 100; // SSH_MAX_IDENTITY_FILES
constexpr int maxHostsFiles = 32;     // SSH_MAX_HOSTS_FILES

Error lineError(const QString& file, int line, const QString& message)
{
    return makeError(ErrorKind::Usage,
                     QStringLiteral("%1 line %2: %3").arg(file).arg(line).arg(message));
}

/// The value tables of OpenSSH's multistate options (readconf.c), keyed by keyword.
const QHash<QString, QHash<QString, int>>& multistates()
{
    static const QHash<QString, QHash<QString, int>> tables = [] {
        const QHash<QString, int> flag = {{QStringLiteral("true"), 1},
                                          {QStringLiteral("false"), 0},
                                          {QStringLiteral("yes"), 1},
                                          {QStringLiteral("no"), 0}};
        QHash<QString, int> yesNoAsk = flag;
        yesNoAsk.insert(QStringLiteral("ask"), 2);
        QHash<QString, int> strict = yesNoAsk;
        strict.insert(QStringLiteral("off"), 0);
        strict.insert(QStringLiteral("accept-new"), 3);
        QHash<QString, int> canonicalize = flag;
        canonicalize.insert(QStringLiteral("always"), 2);
        QHash<QString, QHash<QString, int>> result;
        for (const char* name : {"forwardx11",
                                 "forwardx11trusted",
                                 "gatewayports",
                                 "exitonforwardfailure",
                                 "passwordauthentication",
                                 "kbdinteractiveauthentication",
                                 "hostbasedauthentication",
                                 "gssapiauthentication",
                                 "gssapidelegatecredentials",
                                 "batchmode",
                                 "checkhostip",
                                 "tcpkeepalive",
                                 "nohostauthenticationforlocalhost",
                                 "clearallforwardings",
                                 "enablesshkeysign",
                                 "identitiesonly",
                                 "hashknownhosts",
                                 "permitlocalcommand",
                                 "visualhostkey",
                                 "stdinnull",
                                 "forkafterauthentication",
                                 "proxyusefdpass",
                                 "canonicalizefallbacklocal",
                                 "streamlocalbindunlink",
                                 "enableescapecommandline",
                                 "gssapikeyexchange",
                                 "gssapitrustdns",
                                 "gssapirenewalforcesrekey"})
            result.insert(QLatin1String(name), flag);
        result.insert(QStringLiteral("verifyhostkeydns"), yesNoAsk);
        result.insert(QStringLiteral("updatehostkeys"), yesNoAsk);
        result.insert(QStringLiteral("stricthostkeychecking"), strict);
        result.insert(QStringLiteral("canonicalizehostname"), canonicalize);
        result.insert(QStringLiteral("compression"),
                      {{QStringLiteral("yes"), 1}, {QStringLiteral("no"), 0}});
        result.insert(QStringLiteral("addressfamily"), {{QStringLiteral("inet"), 1},
                                                        {QStringLiteral("inet6"), 2},
                                                        {QStringLiteral("any"), 0}});
        QHash<QString, int> master = flag;
        master.insert(QStringLiteral("auto"), 2);
        master.insert(QStringLiteral("ask"), 3);
        master.insert(QStringLiteral("autoask"), 4);
        result.insert(QStringLiteral("controlmaster"), master);
        QHash<QString, int> tunnel = flag;
        tunnel.insert(QStringLiteral("ethernet"), 2);
        tunnel.insert(QStringLiteral("point-to-point"), 3);
        result.insert(QStringLiteral("tunnel"), tunnel);
        QHash<QString, int> tty = flag;
        tty.insert(QStringLiteral("force"), 2);
        tty.insert(QStringLiteral("auto"), 3);
        result.insert(QStringLiteral("requesttty"), tty);
        result.insert(QStringLiteral("sessiontype"), {{QStringLiteral("none"), 0},
                                                      {QStringLiteral("subsystem"), 1},
                                                      {QStringLiteral("default"), 2}});
        QHash<QString, int> pubkey = flag;
        pubkey.insert(QStringLiteral("unbound"), 2);
        pubkey.insert(QStringLiteral("host-bound"), 3);
        result.insert(QStringLiteral("pubkeyauthentication"), pubkey);
        return result;
    }();
    return tables;
}

bool isIntegerOption(const QString& keyword)
{
    static const QSet<QString> set = {
        QStringLiteral("numberofpasswordprompts"), QStringLiteral("connectionattempts"),
        QStringLiteral("serveralivecountmax"), QStringLiteral("canonicalizemaxdots"),
        QStringLiteral("requiredrsasize")};
    return set.contains(keyword);
}

bool isTimeOption(const QString& keyword)
{
    return keyword == QLatin1String("connecttimeout") ||
           keyword == QLatin1String("serveraliveinterval") ||
           keyword == QLatin1String("forwardx11timeout");
}

/// Options that take exactly one word (parse_string and friends in readconf.c).
bool isSingleWordOption(const QString& keyword)
{
    static const QSet<QString> set = {QStringLiteral("user"),
                                      QStringLiteral("hostname"),
                                      QStringLiteral("hostkeyalias"),
                                      QStringLiteral("xauthlocation"),
                                      QStringLiteral("kbdinteractivedevices"),
                                      QStringLiteral("preferredauthentications"),
                                      QStringLiteral("bindaddress"),
                                      QStringLiteral("bindinterface"),
                                      QStringLiteral("pkcs11provider"),
                                      QStringLiteral("securitykeyprovider"),
                                      QStringLiteral("controlpath"),
                                      QStringLiteral("ignoreunknown"),
                                      QStringLiteral("revokedhostkeys"),
                                      QStringLiteral("identityagent"),
                                      QStringLiteral("identityfile"),
                                      QStringLiteral("certificatefile"),
                                      QStringLiteral("port"),
                                      QStringLiteral("fingerprinthash"),
                                      QStringLiteral("escapechar"),
                                      QStringLiteral("loglevel"),
                                      QStringLiteral("syslogfacility"),
                                      QStringLiteral("ciphers"),
                                      QStringLiteral("macs"),
                                      QStringLiteral("kexalgorithms"),
                                      QStringLiteral("hostkeyalgorithms"),
                                      QStringLiteral("casignaturealgorithms"),
                                      QStringLiteral("pubkeyacceptedalgorithms"),
                                      QStringLiteral("hostbasedacceptedalgorithms"),
                                      QStringLiteral("forwardagent"),
                                      QStringLiteral("controlpersist"),
                                      QStringLiteral("streamlocalbindmask"),
                                      QStringLiteral("tunneldevice")};
    return set.contains(keyword);
}

bool isEnvironmentName(const QString& name)
{
    if (name.isEmpty() || name.at(0).isDigit())
        return false;
    for (const QChar c : name) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'_')
            return false;
    }
    return true;
}

} // namespace

SshConfigReader::SshConfigReader(const SshConfigQuery& query, SshHostConfig& config)
    : m_query(query), m_c(config)
{
}

Status SshConfigReader::applyCommandLine()
{
    if (!m_query.user.isEmpty())
        m_c.user = m_query.user;
    if (m_query.port > 0)
        m_c.port = m_query.port;
    if (!m_query.jump.isEmpty()) {
        Result<JumpSpec> jump = parseJump(m_query.jump);
        if (!jump)
            return makeError(ErrorKind::Usage,
                             QStringLiteral("invalid jump host '%1'").arg(m_query.jump));
        m_c.proxyJump = *jump;
        m_jumpSet = true;
        m_proxyCommandSet = true;
    }
    return Ok{};
}

Status SshConfigReader::readPass(const SshConfigFiles& files, const QString& host, bool finalPass)
{
    m_host = host;
    m_final = finalPass;
    if (!files.user.isEmpty()) {
        bool active = true;
        const int flags = UserConfig | (files.checkPermissions ? CheckPermissions : 0);
        if (Status read = readFile(files.user, flags, active, 0, files.userMustExist); !read)
            return read;
    }
    if (!files.system.isEmpty()) {
        bool active = true;
        if (Status read = readFile(files.system, 0, active, 0, false); !read)
            return read;
    }
    return Ok{};
}

Status SshConfigReader::readFile(const QString& path, int flags, bool& active, int depth,
                                 bool mustExist)
{
    if (depth > maxDepth)
        return makeError(ErrorKind::Usage,
                         QStringLiteral("%1: too many recursive configuration includes").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (!file.exists() && !mustExist)
            return Ok{};
        return makeError(file.exists() ? ErrorKind::Io : ErrorKind::NotFound,
                         QStringLiteral("can't open ssh config file %1: %2")
                             .arg(path, file.exists()
                                            ? file.errorString()
                                            : QStringLiteral("No such file or directory")));
    }
    if (flags & CheckPermissions) {
        struct stat info = {};
        if (::fstat(file.handle(), &info) != 0 || (info.st_uid != 0 && info.st_uid != getuid()) ||
            (info.st_mode & 022) != 0)
            return makeError(ErrorKind::Usage,
                             QStringLiteral("bad owner or permissions on %1 (ssh refuses a config "
                                            "file others can write)")
                                 .arg(path));
    }
    int lineNumber = 0;
    while (!file.atEnd()) {
        ++lineNumber;
        QByteArray raw = file.readLine();
        if (raw.endsWith('\n'))
            raw.chop(1);
        const Status status =
            processLine(path, lineNumber, QString::fromUtf8(raw), flags, active, depth);
        if (!status)
            return status;
    }
    return Ok{};
}

Status SshConfigReader::processLine(const QString& file, int line, const QString& text, int flags,
                                    bool& active, int depth)
{
    const Result<std::optional<ConfigLine>> split = splitLine(text);
    if (!split)
        return lineError(file, line, split.error().message);
    if (!split->has_value())
        return Ok{};
    const ConfigLine& l = **split;
    switch (keywordKind(l.keyword)) {
    case KeywordKind::Unknown:
        if (m_ignoreUnknownSet && matchPatternList(l.keyword, m_ignoreUnknown, true) == 1)
            return Ok{};
        return lineError(file, line, QStringLiteral("Bad configuration option: %1").arg(l.keyword));
    case KeywordKind::Deprecated:
    case KeywordKind::Unsupported:
        return Ok{}; // ssh accepts these and does nothing (a warning at most)
    case KeywordKind::Known:
        break;
    }
    const QString keyword = canonicalKeyword(l.keyword);
    if (keyword == QLatin1String("host")) {
        active = false;
        for (const QString& arg : l.args) {
            if (arg.isEmpty())
                return lineError(file, line, QStringLiteral("keyword host empty argument"));
            if (flags & NeverMatch)
                break;
            const bool negated = arg.startsWith(u'!');
            if (matchPattern(m_host, negated ? QStringView(arg).mid(1) : QStringView(arg))) {
                if (negated) {
                    active = false;
                    break;
                }
                active = true;
            }
        }
        return Ok{};
    }
    if (keyword == QLatin1String("match")) {
        const Result<bool> matched = matchLine(file, line, l.rest, flags);
        if (!matched)
            return matched.error();
        active = (flags & NeverMatch) ? false : *matched;
        return Ok{};
    }
    if (keyword == QLatin1String("include"))
        return include(file, line, l.args, flags, active, depth);
    return option(file, line, keyword, l.args, l.rest, active);
}

Status SshConfigReader::include(const QString& file, int line, const QStringList& args, int flags,
                                bool& active, int depth)
{
    for (const QString& arg : args) {
        if (arg.isEmpty())
            return lineError(file, line, QStringLiteral("keyword include empty argument"));
        // Relative paths live in ~/.ssh for user files and /etc/ssh for the system file; glob's
        // '~' is $HOME, exactly as ssh's glob(GLOB_TILDE).
        const Result<QStringList> paths = includeFiles(arg, flags & UserConfig);
        if (!paths)
            return lineError(file, line, paths.error().message);
        const bool wasActive = active;
        for (const QString& path : *paths) {
            const int childFlags = flags | CheckPermissions | (wasActive ? 0 : NeverMatch);
            const Status status = readFile(path, childFlags, active, depth + 1, false);
            if (!status)
                return status;
            active = wasActive; // a Match in the included file cannot change ours
        }
    }
    return Ok{};
}

Result<bool> SshConfigReader::matchLine(const QString& file, int line, const QString& rest,
                                        int flags)
{
    QString host;
    if (m_final) {
        host = m_c.hostName;
    } else if (!m_c.hostName.isEmpty()) {
        const Result<QString> expanded = expand(m_c.hostName, {{u'h', m_query.host}}, false);
        if (!expanded)
            return lineError(file, line, QStringLiteral("HostName: ") + expanded.error().message);
        host = *expanded;
    } else {
        host = m_query.host;
    }
    const QString remoteUser = m_c.user.isEmpty() ? localUserName() : m_c.user;
    const QStringList words = delimitedWords(rest);
    bool result = true;
    int attributes = 0;
    for (qsizetype i = 0; i < words.size();) {
        QString attribute = words.at(i++);
        if (attribute.startsWith(u'#'))
            break;
        const bool negate = attribute.startsWith(u'!');
        if (negate)
            attribute.remove(0, 1);
        const QString name = attribute.toLower();
        if (name == QLatin1String("all")) {
            if (attributes > 1 || (i < words.size() && !words.at(i).startsWith(u'#')))
                return lineError(file, line,
                                 QStringLiteral("'%1' cannot be combined with other Match "
                                                "attributes")
                                     .arg(words.at(i - 1)));
            if (result)
                result = !negate;
            return result;
        }
        ++attributes;
        if (name == QLatin1String("canonical") || name == QLatin1String("final")) {
            if (name == QLatin1String("final") && !m_final)
                m_wantFinal = true;
            if (m_final == negate)
                result = false;
            continue;
        }
        if (i >= words.size() || words.at(i).startsWith(u'#'))
            return lineError(file, line,
                             QStringLiteral("Missing Match criteria for %1").arg(attribute));
        const QString arg = words.at(i++);
        bool matched = false;
        if (name == QLatin1String("host")) {
            matched = matchPatternList(host, arg, true) == 1;
        } else if (name == QLatin1String("originalhost")) {
            matched = matchPatternList(m_query.host, arg, true) == 1;
        } else if (name == QLatin1String("user")) {
            matched = matchPatternList(remoteUser, arg, false) == 1;
        } else if (name == QLatin1String("localuser")) {
            matched = matchPatternList(localUserName(), arg, false) == 1;
        } else if (name == QLatin1String("exec")) {
            if (!result)
                continue; // ssh skips the command once an earlier criterion failed
            // Running the user's command from a resolver would be a surprise (and not the
            // environment ssh runs it in): whether the block applies is unknown, so say so.
            if (!(flags & NeverMatch))
                unsupported(
                    file, line,
                    QStringLiteral("'Match exec %1' is not supported: Hostdeck does not run "
                                   "commands from the ssh config, so it cannot tell "
                                   "whether this block applies to %2")
                        .arg(arg, m_query.host));
            result = false;
            continue;
        } else {
            return lineError(file, line,
                             QStringLiteral("Unsupported Match attribute %1").arg(attribute));
        }
        if (matched == negate)
            result = false;
    }
    if (attributes == 0)
        return lineError(file, line, QStringLiteral("One or more attributes required for Match"));
    return result;
}

void SshConfigReader::unsupported(const QString& file, int line, const QString& message)
{
    for (const SshConfigIssue& known : std::as_const(m_c.unsupported)) {
        if (known.file == file && known.line == line)
            return; // the final pass meets the same line again
    }
    m_c.unsupported.append({file, line, message});
}

Status SshConfigReader::option(const QString& file, int line, const QString& keyword,
                               const QStringList& args, const QString& rest, bool active)
{
    const QString first = args.value(0);
    const auto tooMany = [&]() {
        return lineError(file, line,
                         QStringLiteral("keyword %1 extra arguments at end of line").arg(keyword));
    };
    if (isSingleWordOption(keyword) || multistates().contains(keyword) ||
        isIntegerOption(keyword) || isTimeOption(keyword)) {
        if (args.isEmpty() || first.isEmpty())
            return lineError(file, line, QStringLiteral("missing argument."));
        if (args.size() > 1)
            return tooMany();
    }
    if (const auto table = multistates().constFind(keyword); table != multistates().constEnd()) {
        const auto value = table->constFind(first.toLower());
        if (value == table->constEnd())
            return lineError(file, line, QStringLiteral("unsupported option \"%1\".").arg(first));
        if (!active)
            return Ok{};
        int* target = nullptr;
        if (keyword == QLatin1String("stricthostkeychecking"))
            target = &m_c.strictHostKeyChecking;
        else if (keyword == QLatin1String("hashknownhosts"))
            target = &m_c.hashKnownHosts;
        else if (keyword == QLatin1String("batchmode"))
            target = &m_c.batchMode;
        else if (keyword == QLatin1String("passwordauthentication"))
            target = &m_c.passwordAuthentication;
        else if (keyword == QLatin1String("kbdinteractiveauthentication"))
            target = &m_c.kbdInteractiveAuthentication;
        else if (keyword == QLatin1String("canonicalizehostname"))
            target = &m_c.canonicalizeHostname;
        if (target && *target == -1)
            *target = *value;
        return Ok{};
    }
    if (isIntegerOption(keyword)) {
        bool ok = false;
        first.toInt(&ok);
        return ok ? Status(Ok{}) : lineError(file, line, QStringLiteral("integer value invalid."));
    }
    if (isTimeOption(keyword)) {
        const int value = first == QLatin1String("none") ? -1 : seconds(first);
        if (value < 0 && first != QLatin1String("none"))
            return lineError(file, line, QStringLiteral("invalid time value."));
        int* target = keyword == QLatin1String("connecttimeout")        ? &m_c.connectTimeout
                      : keyword == QLatin1String("serveraliveinterval") ? &m_c.serverAliveInterval
                                                                        : nullptr;
        if (active && target && *target == -1)
            *target = value;
        return Ok{};
    }
    const auto setOnce = [active](QString& target, const QString& value) {
        if (active && target.isEmpty())
            target = value;
    };
    if (keyword == QLatin1String("port")) {
        const int port = portNumber(first);
        if (port <= 0)
            return lineError(file, line, QStringLiteral("Bad port '%1'.").arg(first));
        if (active && m_c.port == -1)
            m_c.port = port;
    } else if (keyword == QLatin1String("user")) {
        setOnce(m_c.user, first);
    } else if (keyword == QLatin1String("hostname")) {
        setOnce(m_c.hostName, first);
    } else if (keyword == QLatin1String("hostkeyalias")) {
        setOnce(m_c.hostKeyAlias, first);
    } else if (keyword == QLatin1String("controlpath")) {
        setOnce(m_c.controlPath, first);
    } else if (keyword == QLatin1String("identityfile")) {
        if (active) {
            if (m_c.identityFiles.size() >= maxIdentityFiles)
                return lineError(file, line, QStringLiteral("Too many identity files specified"));
            if (!m_c.identityFiles.contains(first))
                m_c.identityFiles.append(first);
        }
    } else if (keyword == QLatin1String("identityagent")) {
        if (!expand(first, {}, true, false) ||
            (first.startsWith(u'$') && !first.startsWith(QLatin1String("${")) &&
             !isEnvironmentName(first.mid(1))))
            return lineError(file, line,
                             QStringLiteral("Invalid environment expansion %1.").arg(first));
        setOnce(m_c.identityAgent, first);
    } else if (keyword == QLatin1String("userknownhostsfile") ||
               keyword == QLatin1String("globalknownhostsfile") ||
               keyword == QLatin1String("canonicaldomains")) {
        QStringList& target =
            keyword == QLatin1String("userknownhostsfile")     ? m_c.userKnownHostsFiles
            : keyword == QLatin1String("globalknownhostsfile") ? m_c.globalKnownHostsFiles
                                                               : m_c.canonicalDomains;
        const bool wasEmpty = target.isEmpty();
        for (qsizetype i = 0; i < args.size(); ++i) {
            if (args.at(i).isEmpty())
                return lineError(file, line,
                                 QStringLiteral("keyword %1 empty argument").arg(keyword));
            if (args.at(i).compare(QLatin1String("none"), Qt::CaseInsensitive) == 0 &&
                args.size() > 1)
                return lineError(
                    file, line,
                    QStringLiteral("keyword %1 \"none\" argument must appear alone.").arg(keyword));
        }
        if (args.size() > maxHostsFiles && keyword != QLatin1String("canonicaldomains"))
            return lineError(file, line, QStringLiteral("too many %1 entries.").arg(keyword));
        if (active && wasEmpty)
            target = args;
    } else if (keyword == QLatin1String("proxyjump")) {
        const Result<JumpSpec> jump = parseJump(rest);
        if (!jump)
            return lineError(file, line, jump.error().message);
        if (active && !m_jumpSet && !m_proxyCommandSet) {
            m_c.proxyJump = *jump;
            m_jumpSet = true;
            m_proxyCommandSet = !jump->isNone;
        }
    } else if (keyword == QLatin1String("proxycommand")) {
        qsizetype skip = 0;
        while (skip < rest.size() && (rest.at(skip).isSpace() || rest.at(skip) == u'='))
            ++skip;
        if (active && !m_jumpSet && !m_proxyCommandSet) {
            m_proxyCommandSet = true;
            m_c.proxyCommand = rest.mid(skip);
            if (m_c.proxyCommand.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0)
                unsupported(file, line,
                            QStringLiteral("ProxyCommand is not supported by Hostdeck (write the "
                                           "hop as ProxyJump instead)"));
        }
    } else if (keyword == QLatin1String("knownhostscommand")) {
        if (active && m_c.knownHostsCommand.isEmpty()) {
            m_c.knownHostsCommand = rest;
            if (rest.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0)
                unsupported(file, line,
                            QStringLiteral("KnownHostsCommand is not supported: Hostdeck reads "
                                           "host keys from known_hosts files only"));
        }
    } else if (keyword == QLatin1String("revokedhostkeys")) {
        if (active && m_c.revokedHostKeys.isEmpty()) {
            m_c.revokedHostKeys = first;
            if (first.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0)
                unsupported(file, line,
                            QStringLiteral("RevokedHostKeys is not supported: list revoked keys "
                                           "as @revoked lines in known_hosts instead"));
        }
    } else if (keyword == QLatin1String("ignoreunknown")) {
        if (active && !m_ignoreUnknownSet) {
            m_ignoreUnknownSet = true;
            m_ignoreUnknown = first;
        }
    } else if (keyword == QLatin1String("setenv")) {
        for (const QString& arg : args) {
            if (!arg.contains(u'='))
                return lineError(file, line, QStringLiteral("Invalid SetEnv."));
        }
    } else if (keyword == QLatin1String("sendenv")) {
        for (const QString& arg : args) {
            if (arg.isEmpty() || arg.contains(u'='))
                return lineError(file, line, QStringLiteral("Invalid environment name."));
        }
    }
    // Every other keyword is valid OpenSSH that does not change where or how Hostdeck connects.
    return Ok{};
}

} // namespace hostdeck::engine::detail
