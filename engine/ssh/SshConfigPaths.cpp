#include "engine/ssh/SshConfigSyntax.h"

#include <QFile>

#include <glob.h>
#include <pwd.h>
#include <unistd.h>

// ProxyJump specs, Include paths and the ~, %token and ${ENV} expansions of OpenSSH 9.2.
namespace hostdeck::engine::sshconfig {

namespace {

bool isSpace(QChar c)
{
    return c == u' ' || c == u'\t' || c == u'\r' || c == u'\n';
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
