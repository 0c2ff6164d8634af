#include "ssh/SshConfigResolver.h"

#include "ssh/SshLog.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <fnmatch.h>

namespace hostdeck::engine {

namespace {

/// Splits a config line into keyword and arguments ("Key value", "Key=value", quoted args).
QStringList splitLine(const QString& line)
{
    QStringList words;
    QString current;
    bool quoted = false;
    bool haveWord = false;
    for (const QChar c : line) {
        if (c == QLatin1Char('"')) {
            quoted = !quoted;
            haveWord = true;
            continue;
        }
        const bool separator =
            !quoted && (c.isSpace() || (words.isEmpty() && c == QLatin1Char('=')));
        if (separator) {
            if (haveWord)
                words.append(current);
            current.clear();
            haveWord = false;
            continue;
        }
        current.append(c);
        haveWord = true;
    }
    if (haveWord)
        words.append(current);
    return words;
}

QString expandTokens(QString value, const QString& alias, const QString& hostName,
                     const QString& user)
{
    if (value.startsWith(QLatin1String("~/")))
        value = QDir::homePath() + value.mid(1);
    QString out;
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (value.at(i) != QLatin1Char('%') || i + 1 >= value.size()) {
            out.append(value.at(i));
            continue;
        }
        const QChar token = value.at(++i);
        switch (token.unicode()) {
        case '%':
            out.append(QLatin1Char('%'));
            break;
        case 'd':
            out.append(QDir::homePath());
            break;
        case 'h':
            out.append(hostName.isEmpty() ? alias : hostName);
            break;
        case 'n':
            out.append(alias);
            break;
        case 'r':
            out.append(user);
            break;
        default:
            out.append(QLatin1Char('%')).append(token);
            break; // left as written
        }
    }
    return out;
}

} // namespace

namespace {
// Compiled once: a fan-out resolves every host against every Host line of the config.
const QRegularExpression& patternSeparator()
{
    static const QRegularExpression re(QStringLiteral("[\\s,]+"));
    return re;
}

const QRegularExpression& explicitPortSuffix()
{
    static const QRegularExpression re(QStringLiteral(":\\d+$"));
    return re;
}
} // namespace

bool SshConfigResolver::hostMatches(const QString& patterns, const QString& alias)
{
    const QByteArray name = alias.toLower().toUtf8();
    bool matched = false;
    for (QString pattern : patterns.split(patternSeparator(), Qt::SkipEmptyParts)) {
        const bool negated = pattern.startsWith(QLatin1Char('!'));
        if (negated)
            pattern.remove(0, 1);
        if (fnmatch(pattern.toLower().toUtf8().constData(), name.constData(), 0) == 0) {
            if (negated)
                return false;
            matched = true;
        }
    }
    return matched;
}

Result<SshHostConfig> SshConfigResolver::lookup(const QString& configFile, const QString& alias)
{
    SshHostConfig config;
    QFile file(configFile);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(
            ErrorKind::NotFound,
            QStringLiteral("cannot read ssh config %1: %2").arg(configFile, file.errorString()));
    bool active = true; // lines before the first Host apply to every host
    int lineNumber = 0;
    while (!file.atEnd()) {
        ++lineNumber;
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QStringList words = splitLine(line);
        if (words.size() < 2)
            continue;
        const QString key = words.first().toLower();
        const QString value = words.mid(1).join(QLatin1Char(' '));
        if (key == QLatin1String("host")) {
            active = hostMatches(value, alias);
            continue;
        }
        if (key == QLatin1String("match")) {
            qCWarning(lcSsh).noquote() << configFile << "line" << lineNumber
                                       << ": Match blocks are not supported; skipped";
            active = false;
            continue;
        }
        if (!active)
            continue;
        if (key == QLatin1String("hostname") && config.hostName.isEmpty()) {
            config.hostName = expandTokens(words.at(1), alias, {}, {});
        } else if (key == QLatin1String("user") && config.user.isEmpty()) {
            config.user = words.at(1);
        } else if (key == QLatin1String("port") && config.port < 0) {
            bool ok = false;
            const int port = words.at(1).toInt(&ok);
            if (!ok || port <= 0 || port > 65535)
                return makeError(ErrorKind::Usage, QStringLiteral("%1 line %2: bad port '%3'")
                                                       .arg(configFile)
                                                       .arg(lineNumber)
                                                       .arg(words.at(1)));
            config.port = port;
        } else if (key == QLatin1String("identityfile")) {
            config.identityFiles.append(words.at(1)); // expanded once HostName and User are known
        } else if (key == QLatin1String("proxyjump") && config.proxyJump.isEmpty()) {
            config.proxyJump = words.at(1);
        } else if (key == QLatin1String("userknownhostsfile") &&
                   config.userKnownHostsFile.isEmpty()) {
            config.userKnownHostsFile = words.at(1);
        } else if (key == QLatin1String("connecttimeout") && config.connectTimeoutSeconds < 0) {
            config.connectTimeoutSeconds = words.at(1).toInt();
        } else if (key == QLatin1String("serveraliveinterval") &&
                   config.serverAliveIntervalSeconds < 0) {
            config.serverAliveIntervalSeconds = words.at(1).toInt();
        }
    }
    for (QString& identity : config.identityFiles)
        identity = expandTokens(identity, alias, config.hostName, config.user);
    if (!config.userKnownHostsFile.isEmpty())
        config.userKnownHostsFile =
            expandTokens(config.userKnownHostsFile, alias, config.hostName, config.user);
    return config;
}

Result<SshSettings> SshConfigResolver::resolve(const QString& destination, const SshSettings& base)
{
    const Result<SshEndpoint> parsed = SshEndpoint::parse(destination);
    if (!parsed)
        return parsed.error();
    const bool explicitPort = destination.contains(explicitPortSuffix());
    SshSettings settings = base;
    settings.host = parsed->host;
    if (!parsed->user.isEmpty())
        settings.user = parsed->user;
    if (explicitPort)
        settings.port = parsed->port;
    if (base.sshConfigFile.isEmpty())
        return settings;

    const Result<SshHostConfig> config = lookup(base.sshConfigFile, parsed->host);
    if (!config)
        return config.error();
    if (!config->hostName.isEmpty())
        settings.host = config->hostName;
    if (parsed->user.isEmpty() && !config->user.isEmpty())
        settings.user = config->user;
    if (!explicitPort && config->port > 0)
        settings.port = quint16(config->port);
    if (!config->identityFiles.isEmpty())
        settings.identityFiles = config->identityFiles + base.identityFiles;
    if (!config->userKnownHostsFile.isEmpty() && base.knownHostsFile.isEmpty())
        settings.knownHostsFile = config->userKnownHostsFile;
    if (config->connectTimeoutSeconds > 0)
        settings.connectTimeout = std::chrono::seconds(config->connectTimeoutSeconds);
    if (config->serverAliveIntervalSeconds >= 0)
        settings.keepAliveInterval = std::chrono::seconds(config->serverAliveIntervalSeconds);

    if (!config->proxyJump.isEmpty() &&
        config->proxyJump.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0) {
        settings.jumpHosts.clear();
        for (const QString& hopText :
             config->proxyJump.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const Result<SshEndpoint> hopParsed = SshEndpoint::parse(hopText);
            if (!hopParsed)
                return makeError(ErrorKind::Usage, QStringLiteral("bad ProxyJump '%1' for %2: %3")
                                                       .arg(config->proxyJump, parsed->host,
                                                            hopParsed.error().message));
            // A hop is itself looked up in the config (alias, user, port, keys), but its own
            // ProxyJump is not followed: the chain is the one written here.
            const Result<SshHostConfig> hopConfig = lookup(base.sshConfigFile, hopParsed->host);
            SshEndpoint hop = *hopParsed;
            const bool hopExplicitPort = hopText.contains(explicitPortSuffix());
            if (hopConfig) {
                if (!hopConfig->hostName.isEmpty())
                    hop.host = hopConfig->hostName;
                if (hop.user.isEmpty())
                    hop.user = hopConfig->user;
                if (!hopExplicitPort && hopConfig->port > 0)
                    hop.port = quint16(hopConfig->port);
                hop.identityFiles = hopConfig->identityFiles;
            }
            settings.jumpHosts.append(hop);
        }
    }
    return settings;
}

} // namespace hostdeck::engine
