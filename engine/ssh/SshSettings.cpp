#include "engine/ssh/SshSettings.h"

#include "engine/ssh/SshConfigSyntax.h"

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
        const int port = sshconfig::portNumber(portText); // a number or a service name, as ssh
        if (port <= 0)
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
    return effectiveUserKnownHostsFiles().constFirst();
}

QString SshSettings::effectiveGlobalKnownHostsFile() const
{
    return effectiveGlobalKnownHostsFiles().constFirst();
}

QStringList SshSettings::effectiveUserKnownHostsFiles() const
{
    if (!knownHostsFile.isEmpty())
        return {knownHostsFile};
    if (!userKnownHostsFiles.isEmpty())
        return userKnownHostsFiles;
    // $HOME rather than the password database: tests and sandboxes point HOME elsewhere.
    const QString dir = QDir::homePath() + QStringLiteral("/.ssh/");
    return {dir + QStringLiteral("known_hosts"), dir + QStringLiteral("known_hosts2")};
}

QStringList SshSettings::effectiveGlobalKnownHostsFiles() const
{
    if (!globalKnownHostsFile.isEmpty())
        return {globalKnownHostsFile};
    if (!globalKnownHostsFiles.isEmpty())
        return globalKnownHostsFiles;
    return {QStringLiteral("/etc/ssh/ssh_known_hosts"),
            QStringLiteral("/etc/ssh/ssh_known_hosts2")};
}

QString SshSettings::hostKeyName() const
{
    if (!hostKeyAlias.isEmpty())
        return hostKeyAlias;
    return port == 22 ? host : QStringLiteral("[%1]:%2").arg(host).arg(port);
}

QStringList SshSettings::effectiveIdentityFiles() const
{
    if (!identityFiles.isEmpty() || !useDefaultIdentities)
        return identityFiles;
    QStringList found;
    for (const char* name : {"id_rsa", "id_ecdsa", "id_ed25519"}) { // OpenSSH's order
        const QString path = QDir::homePath() + QStringLiteral("/.ssh/") + QLatin1String(name);
        if (QFileInfo::exists(path))
            found.append(path);
    }
    return found;
}

QString SshSettings::targetName() const
{
    return SshEndpoint{effectiveUser(), host, port, {}, {}}.toString();
}

SshSettings SshSettings::forJumpHost(const SshEndpoint& hop) const
{
    SshSettings settings = hop.resolved ? *hop.resolved : *this;
    settings.host = hop.host;
    settings.port = hop.port;
    if (!hop.resolved) {
        // A bare hop is dialled as `ssh -J hop` would: the login name unless it names a user,
        // never the target's user; the target's config-specific identity is not the hop's.
        settings.user = hop.user;
        settings.hostKeyAlias.clear();
        if (!hop.identityFiles.isEmpty())
            settings.identityFiles = hop.identityFiles;
    } else if (!hop.user.isEmpty()) {
        settings.user = hop.user;
    }
    settings.jumpHosts.clear();
    settings.isJumpHop = true;
    return settings;
}

QString SshSettings::connectionKey() const
{
    QStringList hops;
    for (const SshEndpoint& hop : jumpHosts) {
        hops << hop.toString();
        if (hop.resolved)
            hops << forJumpHost(hop).connectionKey();
    }
    return QStringList{targetName(),
                       hops.join(u','),
                       identityFiles.join(u','),
                       effectiveUserKnownHostsFiles().join(u','),
                       effectiveGlobalKnownHostsFiles().join(u','),
                       hostKeyAlias,
                       QString::number(int(hostKeyPolicy)),
                       QString::number(int(hashKnownHosts)),
                       agentSocket,
                       QString::number(int(useAgent))}
        .join(QChar(0x1e));
}

} // namespace hostdeck::engine
