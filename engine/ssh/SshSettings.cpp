#include "ssh/SshSettings.h"

#include <QDir>
#include <QFileInfo>

#include <pwd.h>
#include <unistd.h>

namespace hostdeck::engine {

Result<SshEndpoint> SshEndpoint::parse(const QString& text)
{
    SshEndpoint endpoint;
    QString rest = text.trimmed();
    const qsizetype at = rest.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        endpoint.user = rest.left(at);
        rest = rest.mid(at + 1);
    }
    QString portText;
    if (rest.startsWith(QLatin1Char('['))) {
        const qsizetype close = rest.indexOf(QLatin1Char(']'));
        if (close < 0)
            return makeError(ErrorKind::Usage,
                             QStringLiteral("bad address '%1': missing ']'").arg(text));
        endpoint.host = rest.mid(1, close - 1);
        const QString tail = rest.mid(close + 1);
        if (tail.startsWith(QLatin1Char(':')))
            portText = tail.mid(1);
        else if (!tail.isEmpty())
            return makeError(ErrorKind::Usage, QStringLiteral("bad address '%1'").arg(text));
    } else {
        const qsizetype colon = rest.indexOf(QLatin1Char(':'));
        if (colon >= 0 && rest.indexOf(QLatin1Char(':'), colon + 1) < 0) {
            endpoint.host = rest.left(colon);
            portText = rest.mid(colon + 1);
        } else {
            endpoint.host = rest; // a bare IPv6 address has several colons and no port
        }
    }
    if (endpoint.host.isEmpty())
        return makeError(ErrorKind::Usage, QStringLiteral("bad address '%1': no host").arg(text));
    if (at >= 0 && endpoint.user.isEmpty())
        return makeError(ErrorKind::Usage,
                         QStringLiteral("bad address '%1': empty user").arg(text));
    if (!portText.isEmpty() || text.endsWith(QLatin1Char(':'))) {
        bool ok = false;
        const uint port = portText.toUInt(&ok);
        if (!ok || port == 0 || port > 65535)
            return makeError(ErrorKind::Usage, QStringLiteral("bad port in '%1'").arg(text));
        endpoint.port = quint16(port);
    }
    return endpoint;
}

QString SshEndpoint::toString() const
{
    const QString hostPart = host.contains(QLatin1Char(':')) ? u'[' + host + u']' : host;
    const QString address = hostPart + u':' + QString::number(port);
    return user.isEmpty() ? address : user + u'@' + address;
}

QString SshSettings::effectiveUser() const
{
    if (!user.isEmpty())
        return user;
    if (const passwd* entry = getpwuid(getuid()))
        return QString::fromLocal8Bit(entry->pw_name);
    return qEnvironmentVariable("USER");
}

QString SshSettings::effectiveKnownHostsFile() const
{
    return knownHostsFile.isEmpty() ? QDir::homePath() + QStringLiteral("/.ssh/known_hosts")
                                    : knownHostsFile;
}

QString SshSettings::effectiveGlobalKnownHostsFile() const
{
    return globalKnownHostsFile.isEmpty() ? QStringLiteral("/etc/ssh/ssh_known_hosts")
                                          : globalKnownHostsFile;
}

QStringList SshSettings::effectiveIdentityFiles() const
{
    if (!identityFiles.isEmpty() || !useDefaultIdentities)
        return identityFiles;
    QStringList found;
    for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
        const QString path = QDir::homePath() + QStringLiteral("/.ssh/") + QLatin1String(name);
        if (QFileInfo::exists(path))
            found.append(path);
    }
    return found;
}

QString SshSettings::targetName() const
{
    return SshEndpoint{effectiveUser(), host, port, {}}.toString();
}

SshSettings SshSettings::forJumpHost(const SshEndpoint& hop) const
{
    SshSettings settings = *this;
    settings.host = hop.host;
    settings.port = hop.port;
    if (!hop.user.isEmpty())
        settings.user = hop.user;
    if (!hop.identityFiles.isEmpty())
        settings.identityFiles = hop.identityFiles;
    settings.jumpHosts.clear();
    settings.isJumpHop = true;
    return settings;
}

} // namespace hostdeck::engine
