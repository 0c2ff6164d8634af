#include "ssh/SshConfigSyntax.h"

#include <QFile>
#include <QSet>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <glob.h>
#include <netdb.h>
#include <pwd.h>
#include <unistd.h>

namespace hostdeck::engine::sshconfig {

namespace {

bool isSpace(QChar c)
{
    return c == u' ' || c == u'\t' || c == u'\r' || c == u'\n';
}

/// OpenSSH's strdelim() with '=' splitting: the next word of `text` from `pos`; `pos` becomes -1
/// at the end. A double quote starts a quoted part (the quote is dropped); a lone quote ends all.
std::optional<QString> nextDelimited(const QString& text, qsizetype& pos)
{
    if (pos < 0)
        return std::nullopt;
    QString word;
    qsizetype i = pos;
    while (i < text.size() && !isSpace(text.at(i)) && text.at(i) != u'"' && text.at(i) != u'=')
        word.append(text.at(i++));
    if (i >= text.size()) {
        pos = -1;
        return word;
    }
    if (text.at(i) == u'"') {
        const qsizetype close = text.indexOf(u'"', i + 1);
        if (close < 0) {
            pos = -1;
            return std::nullopt; // no matching quote
        }
        word.append(QStringView(text).mid(i + 1, close - i - 1));
        i = close + 1;
        while (i < text.size() && isSpace(text.at(i)))
            ++i;
        pos = i;
        return word;
    }
    const bool wasEquals = text.at(i) == u'=';
    ++i;
    while (i < text.size() && isSpace(text.at(i)))
        ++i;
    if (!wasEquals && i < text.size() && text.at(i) == u'=') {
        ++i;
        while (i < text.size() && isSpace(text.at(i)))
            ++i;
    }
    pos = i;
    return word;
}

/// OpenSSH's argv_split(): words with single and double quotes and backslash escapes; a word that
/// starts with '#' ends the line. nullopt on an unterminated quote.
std::optional<QStringList> argvSplit(const QString& text)
{
    QStringList words;
    qsizetype i = 0;
    while (i < text.size()) {
        const QChar c = text.at(i);
        if (c == u' ' || c == u'\t') {
            ++i;
            continue;
        }
        if (c == u'#')
            break;
        QString word;
        QChar quote;
        for (; i < text.size(); ++i) {
            const QChar ch = text.at(i);
            if (ch == u'\\' && i + 1 < text.size()) {
                const QChar next = text.at(i + 1);
                if (next == u'\'' || next == u'"' || next == u'\\' ||
                    (quote.isNull() && next == u' ')) {
                    word.append(next);
                    ++i;
                } else {
                    word.append(ch);
                }
            } else if (quote.isNull() && (ch == u' ' || ch == u'\t')) {
                break;
            } else if (quote.isNull() && (ch == u'"' || ch == u'\'')) {
                quote = ch;
            } else if (!quote.isNull() && ch == quote) {
                quote = QChar();
            } else {
                word.append(ch);
            }
        }
        if (!quote.isNull())
            return std::nullopt;
        words.append(word);
    }
    return words;
}

const QHash<QString, QString>& aliases()
{
    static const QHash<QString, QString> map = {
        {QStringLiteral("identityfile2"), QStringLiteral("identityfile")},
        {QStringLiteral("challengeresponseauthentication"),
         QStringLiteral("kbdinteractiveauthentication")},
        {QStringLiteral("skeyauthentication"), QStringLiteral("kbdinteractiveauthentication")},
        {QStringLiteral("tisauthentication"), QStringLiteral("kbdinteractiveauthentication")},
        {QStringLiteral("dsaauthentication"), QStringLiteral("pubkeyauthentication")},
        {QStringLiteral("keepalive"), QStringLiteral("tcpkeepalive")},
        {QStringLiteral("hostbasedkeytypes"), QStringLiteral("hostbasedacceptedalgorithms")},
        {QStringLiteral("pubkeyacceptedkeytypes"), QStringLiteral("pubkeyacceptedalgorithms")},
        {QStringLiteral("smartcarddevice"), QStringLiteral("pkcs11provider")},
        // Debian's keep-alive patch: both are ServerAliveInterval (checked with ssh -G).
        {QStringLiteral("setuptimeout"), QStringLiteral("serveraliveinterval")},
        {QStringLiteral("protocolkeepalives"), QStringLiteral("serveraliveinterval")},
    };
    return map;
}

/// The client keywords of Debian's OpenSSH 9.2p1 (probed with `ssh -G` one by one).
const QSet<QString>& knownKeywords()
{
    static const QSet<QString> set = [] {
        const char* const names[] = {"addkeystoagent",
                                     "addressfamily",
                                     "batchmode",
                                     "bindaddress",
                                     "bindinterface",
                                     "canonicaldomains",
                                     "canonicalizefallbacklocal",
                                     "canonicalizehostname",
                                     "canonicalizemaxdots",
                                     "canonicalizepermittedcnames",
                                     "casignaturealgorithms",
                                     "certificatefile",
                                     "checkhostip",
                                     "ciphers",
                                     "clearallforwardings",
                                     "compression",
                                     "connectionattempts",
                                     "connecttimeout",
                                     "controlmaster",
                                     "controlpath",
                                     "controlpersist",
                                     "dynamicforward",
                                     "enableescapecommandline",
                                     "enablesshkeysign",
                                     "escapechar",
                                     "exitonforwardfailure",
                                     "fingerprinthash",
                                     "forkafterauthentication",
                                     "forwardagent",
                                     "forwardx11",
                                     "forwardx11timeout",
                                     "forwardx11trusted",
                                     "gatewayports",
                                     "globalknownhostsfile",
                                     "gssapiauthentication",
                                     "gssapiclientidentity",
                                     "gssapidelegatecredentials",
                                     "gssapikexalgorithms",
                                     "gssapikeyexchange",
                                     "gssapirenewalforcesrekey",
                                     "gssapiserveridentity",
                                     "gssapitrustdns",
                                     "hashknownhosts",
                                     "host",
                                     "hostbasedacceptedalgorithms",
                                     "hostbasedauthentication",
                                     "hostkeyalgorithms",
                                     "hostkeyalias",
                                     "hostname",
                                     "identitiesonly",
                                     "identityagent",
                                     "identityfile",
                                     "ignoreunknown",
                                     "include",
                                     "ipqos",
                                     "kbdinteractiveauthentication",
                                     "kbdinteractivedevices",
                                     "kexalgorithms",
                                     "knownhostscommand",
                                     "localcommand",
                                     "localforward",
                                     "loglevel",
                                     "logverbose",
                                     "macs",
                                     "match",
                                     "nohostauthenticationforlocalhost",
                                     "numberofpasswordprompts",
                                     "passwordauthentication",
                                     "permitlocalcommand",
                                     "permitremoteopen",
                                     "pkcs11provider",
                                     "port",
                                     "preferredauthentications",
                                     "proxycommand",
                                     "proxyjump",
                                     "proxyusefdpass",
                                     "pubkeyacceptedalgorithms",
                                     "pubkeyauthentication",
                                     "rekeylimit",
                                     "remotecommand",
                                     "remoteforward",
                                     "requesttty",
                                     "requiredrsasize",
                                     "revokedhostkeys",
                                     "securitykeyprovider",
                                     "sendenv",
                                     "serveralivecountmax",
                                     "serveraliveinterval",
                                     "sessiontype",
                                     "setenv",
                                     "stdinnull",
                                     "streamlocalbindmask",
                                     "streamlocalbindunlink",
                                     "stricthostkeychecking",
                                     "syslogfacility",
                                     "tcpkeepalive",
                                     "tunnel",
                                     "tunneldevice",
                                     "updatehostkeys",
                                     "user",
                                     "userknownhostsfile",
                                     "verifyhostkeydns",
                                     "visualhostkey",
                                     "xauthlocation"};
        QSet<QString> result;
        for (const char* name : names)
            result.insert(QLatin1String(name));
        return result;
    }();
    return set;
}

bool parseHop(const QString& text, JumpHop& hop)
{
    QString rest = text;
    if (rest.startsWith(QLatin1String("ssh://"))) {
        rest = rest.mid(6);
        if (rest.startsWith(u'[') || rest.contains(u'/') || rest.contains(u'%'))
            return false; // OpenSSH 9.2 refuses these URI forms (or mangles them): never guess
    }
    const qsizetype at = rest.lastIndexOf(u'@');
    if (at >= 0) {
        if (at == 0)
            return false;
        hop.user = rest.left(at);
        rest = rest.mid(at + 1);
    }
    QString portText;
    bool hasPort = false;
    if (rest.startsWith(u'[')) {
        const qsizetype close = rest.indexOf(u']');
        if (close < 0)
            return false;
        const QString tail = rest.mid(close + 1);
        if (!tail.isEmpty() && tail.at(0) != u':' && tail.at(0) != u'/')
            return false;
        hop.host = rest.mid(1, close - 1);
        hasPort = !tail.isEmpty();
        portText = tail.mid(1);
    } else {
        qsizetype split = -1;
        for (qsizetype i = 0; i < rest.size(); ++i) {
            if (rest.at(i) == u':' || rest.at(i) == u'/') {
                split = i;
                break;
            }
        }
        hop.host = split < 0 ? rest : rest.left(split);
        hasPort = split >= 0;
        portText = split < 0 ? QString() : rest.mid(split + 1);
    }
    if (hop.host.isEmpty())
        return false;
    if (hasPort && !portText.isEmpty()) {
        hop.port = portNumber(portText);
        if (hop.port <= 0)
            return false;
    }
    return true;
}

} // namespace

Result<std::optional<ConfigLine>> splitLine(const QString& line)
{
    QString text = line;
    // Trailing whitespace (and a form feed) go; the first character always stays.
    qsizetype end = text.size();
    while (end > 1 && (isSpace(text.at(end - 1)) || text.at(end - 1) == u'\f'))
        --end;
    text.truncate(end);
    if (text.isEmpty())
        return std::optional<ConfigLine>();
    qsizetype pos = 0;
    std::optional<QString> keyword = nextDelimited(text, pos);
    if (keyword && keyword->isEmpty())
        keyword = nextDelimited(text, pos);
    if (!keyword || keyword->isEmpty() || keyword->startsWith(u'#'))
        return std::optional<ConfigLine>();
    ConfigLine result;
    result.keyword = keyword->toLower();
    QString rest = pos < 0 ? QString() : text.mid(pos);
    qsizetype skip = 0;
    while (skip < rest.size() && isSpace(rest.at(skip)))
        ++skip;
    rest = rest.mid(skip);
    if (rest.isEmpty())
        return makeError(ErrorKind::Usage,
                         QStringLiteral("no argument after keyword \"%1\"").arg(result.keyword));
    const std::optional<QStringList> args = argvSplit(rest);
    if (!args)
        return makeError(ErrorKind::Usage, QStringLiteral("invalid quotes"));
    result.args = *args;
    result.rest = rest;
    return std::optional<ConfigLine>(result);
}

QStringList delimitedWords(const QString& text)
{
    QStringList words;
    qsizetype pos = 0;
    while (true) {
        const std::optional<QString> word = nextDelimited(text, pos);
        if (!word || word->isEmpty())
            break;
        words.append(*word);
    }
    return words;
}

bool matchPattern(QStringView text, QStringView pattern)
{
    // Iterative glob with single-star backtracking: '*' any run, '?' any one character.
    qsizetype t = 0;
    qsizetype p = 0;
    qsizetype starP = -1;
    qsizetype starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern.at(p) == u'*') {
            starP = p++;
            starT = t;
        } else if (p < pattern.size() && (pattern.at(p) == u'?' || pattern.at(p) == text.at(t))) {
            ++p;
            ++t;
        } else if (starP >= 0) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern.at(p) == u'*')
        ++p;
    return p == pattern.size();
}

int matchPatternList(const QString& text, const QString& list, bool lowerCase)
{
    const QString subject = lowerCase ? text.toLower() : text;
    int result = 0;
    for (QString pattern : list.split(u',')) {
        const bool negated = pattern.startsWith(u'!');
        if (negated)
            pattern.remove(0, 1);
        if (lowerCase)
            pattern = pattern.toLower();
        if (matchPattern(subject, pattern)) {
            if (negated)
                return -1;
            result = 1;
        }
    }
    return result;
}

int portNumber(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    if (!bytes.isEmpty()) {
        char* end = nullptr;
        errno = 0;
        const long long value = std::strtoll(bytes.constData(), &end, 10);
        if (end != bytes.constData() && *end == '\0' && errno == 0)
            return value >= 0 && value <= 65535 ? int(value) : -1;
    }
    if (const servent* service = getservbyname(bytes.constData(), "tcp"))
        return ntohs(quint16(service->s_port));
    return -1;
}

int seconds(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    const char* p = bytes.constData();
    if (*p == '\0')
        return -1;
    long long total = 0;
    while (*p != '\0') {
        char* end = nullptr;
        errno = 0;
        const long value = std::strtol(p, &end, 10);
        if (end == p || (errno == ERANGE) || value < 0)
            return -1;
        long long multiplier = 1;
        switch (*end) {
        case '\0':
            break;
        case 's':
        case 'S':
            ++end;
            break;
        case 'm':
        case 'M':
            multiplier = 60;
            ++end;
            break;
        case 'h':
        case 'H':
            multiplier = 3600;
            ++end;
            break;
        case 'd':
        case 'D':
            multiplier = 86400;
            ++end;
            break;
        case 'w':
        case 'W':
            multiplier = 604800;
            ++end;
            break;
        default:
            return -1;
        }
        if (value > INT_MAX / multiplier)
            return -1;
        total += value * multiplier;
        if (total > INT_MAX)
            return -1;
        p = end;
    }
    return int(total);
}

KeywordKind keywordKind(const QString& lowerKeyword)
{
    static const QSet<QString> deprecated = {QStringLiteral("protocol"),
                                             QStringLiteral("cipher"),
                                             QStringLiteral("fallbacktorsh"),
                                             QStringLiteral("globalknownhostsfile2"),
                                             QStringLiteral("rhostsauthentication"),
                                             QStringLiteral("userknownhostsfile2"),
                                             QStringLiteral("useroaming"),
                                             QStringLiteral("usersh"),
                                             QStringLiteral("useprivilegedport"),
                                             QStringLiteral("useblacklistedkeys")};
    static const QSet<QString> unsupported = {
        QStringLiteral("afstokenpassing"),         QStringLiteral("kerberosauthentication"),
        QStringLiteral("kerberostgtpassing"),      QStringLiteral("rsaauthentication"),
        QStringLiteral("rhostsrsaauthentication"), QStringLiteral("compressionlevel")};
    if (deprecated.contains(lowerKeyword))
        return KeywordKind::Deprecated;
    if (unsupported.contains(lowerKeyword))
        return KeywordKind::Unsupported;
    if (knownKeywords().contains(canonicalKeyword(lowerKeyword)))
        return KeywordKind::Known;
    return KeywordKind::Unknown;
}

QString canonicalKeyword(const QString& lowerKeyword)
{
    return aliases().value(lowerKeyword, lowerKeyword);
}

QString JumpSpec::display() const
{
    if (isNone || hops.isEmpty())
        return QString();
    const JumpHop& last = hops.last();
    bool numeric = last.host.contains(u':');
    if (!numeric) {
        numeric = true;
        for (const QChar c : last.host)
            numeric = numeric && (c.isDigit() || c == u'.');
    }
    QString text = extra.isEmpty() ? QString() : extra + u',';
    if (!last.user.isEmpty())
        text += last.user + u'@';
    text += numeric ? u'[' + last.host + u']' : last.host;
    if (last.port > 0)
        text += u':' + QString::number(last.port);
    return text;
}

Result<JumpSpec> parseJump(const QString& rawValue)
{
    qsizetype start = 0;
    while (start < rawValue.size() && (isSpace(rawValue.at(start)) || rawValue.at(start) == u'='))
        ++start;
    QString value = rawValue.mid(start);
    const QString quoted = value;
    // A comment ends the value, and so (observed with ssh -G) does the first blank.
    value = value.left(value.indexOf(u'#') < 0 ? value.size() : value.indexOf(u'#'));
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (isSpace(value.at(i))) {
            value.truncate(i);
            break;
        }
    }
    JumpSpec spec;
    if (value.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) {
        spec.isNone = true;
        return spec;
    }
    spec.parts = value.split(u',');
    for (const QString& part : std::as_const(spec.parts)) {
        JumpHop hop;
        if (!parseHop(part, hop))
            return makeError(ErrorKind::Usage,
                             QStringLiteral("Invalid ProxyJump \"%1\"").arg(quoted));
        spec.hops.append(hop);
    }
    const qsizetype lastComma = value.lastIndexOf(u',');
    spec.extra = lastComma > 0 ? value.left(lastComma) : QString();
    return spec;
}

Result<QStringList> includeFiles(const QString& argument, bool userConfig)
{
    if (argument.startsWith(u'~') && !userConfig)
        return makeError(ErrorKind::Usage, QStringLiteral("bad include path %1").arg(argument));
    QString pattern = argument;
    if (!argument.startsWith(u'/') && !argument.startsWith(u'~'))
        pattern = (userConfig ? QStringLiteral("~/.ssh/") : QStringLiteral("/etc/ssh/")) + argument;
    glob_t found = {};
    const int rc = ::glob(QFile::encodeName(pattern).constData(), GLOB_TILDE, nullptr, &found);
    QStringList paths;
    if (rc == 0) {
        for (size_t i = 0; i < found.gl_pathc; ++i)
            paths.append(QFile::decodeName(found.gl_pathv[i]));
    }
    ::globfree(&found);
    if (rc != 0 && rc != GLOB_NOMATCH)
        return makeError(ErrorKind::Usage, QStringLiteral("glob failed for %1").arg(pattern));
    return paths;
}

QString homeDirectory()
{
    if (const passwd* entry = getpwuid(getuid()))
        return QFile::decodeName(entry->pw_dir);
    return qEnvironmentVariable("HOME");
}

QString localUserName()
{
    if (const passwd* entry = getpwuid(getuid()))
        return QString::fromLocal8Bit(entry->pw_name);
    return qEnvironmentVariable("USER");
}

QString localHostName()
{
    char name[256] = {};
    if (gethostname(name, sizeof(name) - 1) != 0)
        return QString();
    return QString::fromLocal8Bit(name);
}

Result<QString> expandTilde(const QString& path)
{
    if (!path.startsWith(u'~'))
        return path;
    const qsizetype slash = path.indexOf(u'/');
    const QString userName = path.mid(1, slash < 0 ? -1 : slash - 1);
    QString home;
    if (userName.isEmpty()) {
        home = homeDirectory();
    } else {
        const passwd* entry = getpwnam(userName.toLocal8Bit().constData());
        if (!entry)
            return makeError(ErrorKind::Usage,
                             QStringLiteral("no such user '%1' in '%2'").arg(userName, path));
        home = QFile::decodeName(entry->pw_dir);
    }
    if (slash < 0)
        return home;
    const QString tail = path.mid(slash + 1);
    return home.endsWith(u'/') ? QString(home + tail) : QString(home + u'/' + tail);
}

Result<QString> expand(const QString& text, const QHash<QChar, QString>& tokens, bool environment,
                       bool percent)
{
    QString out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (environment && c == u'$' && i + 1 < text.size() && text.at(i + 1) == u'{') {
            const qsizetype close = text.indexOf(u'}', i + 2);
            if (close < 0)
                return makeError(
                    ErrorKind::Usage,
                    QStringLiteral("environment variable in '%1' misses its '}'").arg(text));
            const QString name = text.mid(i + 2, close - i - 2);
            if (name.isEmpty())
                return makeError(
                    ErrorKind::Usage,
                    QStringLiteral("zero-length environment variable in '%1'").arg(text));
            if (!qEnvironmentVariableIsSet(name.toLocal8Bit().constData()))
                return makeError(ErrorKind::Usage,
                                 QStringLiteral("env var ${%1} has no value").arg(name));
            out += qEnvironmentVariable(name.toLocal8Bit().constData());
            i = close;
            continue;
        }
        if (c != u'%' || !percent) {
            out.append(c);
            continue;
        }
        if (++i >= text.size())
            return makeError(ErrorKind::Usage, QStringLiteral("invalid format '%1'").arg(text));
        const QChar token = text.at(i);
        if (token == u'%') {
            out.append(u'%');
            continue;
        }
        const auto found = tokens.constFind(token);
        if (found == tokens.constEnd())
            return makeError(ErrorKind::Usage,
                             QStringLiteral("unknown key %%%1 in '%2'").arg(token).arg(text));
        out += *found;
    }
    return out;
}

} // namespace hostdeck::engine::sshconfig
