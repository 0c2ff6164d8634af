#include "engine/ssh/SshConfigSyntax.h"

#include <QSet>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <netdb.h>

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

} // namespace hostdeck::engine::sshconfig
