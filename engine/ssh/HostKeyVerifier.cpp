#include "ssh/HostKeyVerifier.h"

#include "ssh/KnownHosts.h"
#include "ssh/SshLog.h"

#include <QStringList>

#include <libssh/libssh.h>

namespace hostdeck::engine {

namespace {

QString hostLabel(const SshSettings& settings)
{
    return settings.port == 22 ? settings.host
                               : settings.host + u':' + QString::number(settings.port);
}

QString describeKnown(const SshSettings& settings)
{
    QStringList parts;
    for (const QString& file :
         {settings.effectiveKnownHostsFile(), settings.effectiveGlobalKnownHostsFile()}) {
        for (const KnownHostEntry& entry :
             KnownHosts::entriesFor(file, settings.host, settings.port))
            parts.append(QStringLiteral("%1 %2 (%3:%4)")
                             .arg(entry.keyType, entry.fingerprint, file)
                             .arg(entry.line));
    }
    return parts.isEmpty()
               ? QStringLiteral("a different key (%1)").arg(settings.effectiveKnownHostsFile())
               : parts.join(QStringLiteral(", "));
}

} // namespace

HostKeyCheck HostKeyVerifier::check(ssh_session_struct* session, const SshSettings& settings)
{
    HostKeyCheck result;
    const QString host = hostLabel(settings);
    result.question.host = settings.host;
    result.question.port = settings.port;
    result.question.knownHostsFile = settings.effectiveKnownHostsFile();

    ssh_key key = nullptr;
    if (ssh_get_server_publickey(session, &key) != SSH_OK || key == nullptr) {
        result.error = makeError(ErrorKind::Protocol,
                                 QStringLiteral("cannot read the host key of %1: %2")
                                     .arg(host, QString::fromUtf8(ssh_get_error(session))));
        return result;
    }
    result.question.keyType = KnownHosts::keyTypeName(key);
    result.question.fingerprint = KnownHosts::fingerprint(key);
    ssh_key_free(key);
    const QString offered = result.question.keyType + u' ' + result.question.fingerprint;

    switch (ssh_session_is_known_server(session)) {
    case SSH_KNOWN_HOSTS_OK:
        result.outcome = HostKeyCheck::Outcome::Known;
        return result;
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        result.outcome = HostKeyCheck::Outcome::Unknown;
        result.error = makeError(ErrorKind::HostKeyUnknown,
                                 QStringLiteral("unknown host key for %1: %2 (not in %3)")
                                     .arg(host, offered, settings.effectiveKnownHostsFile()));
        return result;
    case SSH_KNOWN_HOSTS_CHANGED:
        result.error = makeError(ErrorKind::HostKeyChanged,
                                 QStringLiteral("host key for %1 has CHANGED: the server offers %2 "
                                                "but known_hosts has %3; refusing to "
                                                "connect (the connection may be intercepted; if "
                                                "the host was reinstalled, remove the "
                                                "old entry after checking the new key)")
                                     .arg(host, offered, describeKnown(settings)));
        break;
    case SSH_KNOWN_HOSTS_OTHER:
        result.error = makeError(ErrorKind::HostKeyChanged,
                                 QStringLiteral("host key for %1 is of an unexpected type: the "
                                                "server offers %2 but known_hosts has %3; "
                                                "refusing to connect")
                                     .arg(host, offered, describeKnown(settings)));
        break;
    case SSH_KNOWN_HOSTS_ERROR:
        result.error = makeError(ErrorKind::Io,
                                 QStringLiteral("cannot check the host key of %1 against %2: %3")
                                     .arg(host, settings.effectiveKnownHostsFile(),
                                          QString::fromUtf8(ssh_get_error(session))));
        break;
    }
    qCWarning(lcSsh).noquote() << result.error.message;
    result.outcome = HostKeyCheck::Outcome::Refused;
    return result;
}

Status HostKeyVerifier::record(ssh_session_struct* session, const SshSettings& settings)
{
    char* line = nullptr;
    if (ssh_session_export_known_hosts_entry(session, &line) != SSH_OK || line == nullptr)
        return makeError(ErrorKind::Io,
                         QStringLiteral("cannot format the host key of %1: %2")
                             .arg(settings.host, QString::fromUtf8(ssh_get_error(session))));
    const QByteArray text(line);
    ssh_string_free_char(line);
    return KnownHosts::append(settings.effectiveKnownHostsFile(), text);
}

} // namespace hostdeck::engine
