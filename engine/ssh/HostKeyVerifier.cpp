#include "engine/ssh/HostKeyVerifier.h"

#include "engine/ssh/KnownHosts.h"
#include "engine/ssh/SshLog.h"

#include <QStringList>

#include <libssh/libssh.h>

namespace hostdeck::engine {

namespace {

QString hostLabel(const SshSettings& settings)
{
    const QString address =
        settings.port == 22 ? settings.host : settings.host + u':' + QString::number(settings.port);
    return settings.hostKeyAlias.isEmpty()
               ? address
               : QStringLiteral("%1 (HostKeyAlias %2)").arg(address, settings.hostKeyAlias);
}

QStringList allFiles(const SshSettings& settings)
{
    return settings.effectiveUserKnownHostsFiles() + settings.effectiveGlobalKnownHostsFiles();
}

QString portlessName(const SshSettings& settings)
{
    return settings.hostKeyAlias.isEmpty() && settings.port != 22 ? settings.host : QString();
}

QString describe(const QList<KnownHostEntry>& entries)
{
    QStringList parts;
    for (const KnownHostEntry& entry : entries)
        parts.append(QStringLiteral("%1 %2 (%3:%4)")
                         .arg(entry.keyType, entry.fingerprint, entry.file)
                         .arg(entry.line));
    return parts.join(QStringLiteral(", "));
}

Result<QByteArray> serverKeyBlob(ssh_session session, QString& type, QString& fingerprint)
{
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(session, &key) != SSH_OK || key == nullptr)
        return makeError(ErrorKind::Protocol, QString::fromUtf8(ssh_get_error(session)));
    type = KnownHosts::keyTypeName(key);
    fingerprint = KnownHosts::fingerprint(key);
    char* base64 = nullptr;
    const int rc = ssh_pki_export_pubkey_base64(key, &base64);
    ssh_key_free(key);
    if (rc != SSH_OK || base64 == nullptr)
        return makeError(ErrorKind::Protocol, QStringLiteral("cannot export the server's key"));
    const QByteArray bytes = QByteArray::fromBase64(QByteArray(base64));
    ssh_string_free_char(base64);
    return bytes;
}

} // namespace

HostKeyCheck HostKeyVerifier::check(ssh_session_struct* session, const SshSettings& settings)
{
    HostKeyCheck result;
    const QString host = hostLabel(settings);
    result.question.host = settings.host;
    result.question.port = settings.port;
    result.question.knownHostsFile = settings.effectiveKnownHostsFile();
    result.question.target = settings.targetHost;
    result.question.viaJump = settings.isJumpHop;

    const Result<QByteArray> blob =
        serverKeyBlob(session, result.question.keyType, result.question.fingerprint);
    if (!blob) {
        result.error = makeError(
            ErrorKind::Protocol,
            QStringLiteral("cannot read the host key of %1: %2").arg(host, blob.error().message));
        return result;
    }
    const QString offered = result.question.keyType + u' ' + result.question.fingerprint;
    const QStringList files = allFiles(settings);
    const KnownHostsVerdict verdict =
        KnownHosts::check(files, settings.hostKeyName(), portlessName(settings), *blob);
    switch (verdict.status) {
    case KnownHostsVerdict::Status::Ok:
        result.outcome = HostKeyCheck::Outcome::Known;
        return result;
    case KnownHostsVerdict::Status::Unknown:
        result.outcome = HostKeyCheck::Outcome::Unknown;
        result.error = makeError(ErrorKind::HostKeyUnknown,
                                 QStringLiteral("unknown host key for %1: %2 (not in %3)")
                                     .arg(host, offered, files.join(QStringLiteral(", "))));
        return result;
    case KnownHostsVerdict::Status::Revoked:
        result.error = makeError(ErrorKind::HostKeyRevoked,
                                 QStringLiteral("host key for %1 is REVOKED: the server offers %2, "
                                                "which %3:%4 lists as @revoked; refusing to "
                                                "connect")
                                     .arg(host, offered, verdict.decisive.file)
                                     .arg(verdict.decisive.line));
        break;
    case KnownHostsVerdict::Status::Changed: {
        bool sameType = false;
        for (const KnownHostEntry& entry : verdict.trusted)
            sameType = sameType || entry.keyType == result.question.keyType;
        result.error =
            sameType ? makeError(ErrorKind::HostKeyChanged,
                                 QStringLiteral("host key for %1 has CHANGED: the server offers %2 "
                                                "but known_hosts has %3; refusing to connect (the "
                                                "connection may be intercepted; if the host was "
                                                "reinstalled, remove the old entry after checking "
                                                "the new key)")
                                     .arg(host, offered, describe(verdict.trusted)))
                     : makeError(ErrorKind::HostKeyChanged,
                                 QStringLiteral("host key for %1 is of an unexpected type: the "
                                                "server offers %2 but known_hosts has %3; "
                                                "refusing to connect")
                                     .arg(host, offered, describe(verdict.trusted)));
        break;
    }
    }
    qCWarning(lcSsh).noquote() << result.error.message;
    result.outcome = HostKeyCheck::Outcome::Refused;
    return result;
}

Status HostKeyVerifier::record(ssh_session_struct* session, const SshSettings& settings)
{
    QString type;
    QString fingerprint;
    const Result<QByteArray> blob = serverKeyBlob(session, type, fingerprint);
    if (!blob)
        return makeError(ErrorKind::Io, QStringLiteral("cannot format the host key of %1: %2")
                                            .arg(settings.host, blob.error().message));
    // Never record a key that is revoked for this host (check() refuses it before, but the
    // files may have changed while a user was deciding).
    const KnownHostsVerdict verdict = KnownHosts::check(allFiles(settings), settings.hostKeyName(),
                                                        portlessName(settings), *blob);
    if (verdict.status == KnownHostsVerdict::Status::Revoked)
        return makeError(ErrorKind::HostKeyRevoked,
                         QStringLiteral("host key %1 of %2 is revoked (%3:%4): not recorded")
                             .arg(fingerprint, settings.host, verdict.decisive.file)
                             .arg(verdict.decisive.line));
    return KnownHosts::append(
        settings.effectiveKnownHostsFile(),
        KnownHosts::formatLine(settings.hostKeyName(), *blob, settings.hashKnownHosts));
}

QString HostKeyVerifier::preferredAlgorithms(const SshSettings& settings)
{
    return KnownHosts::preferredAlgorithms(allFiles(settings), settings.hostKeyName());
}

} // namespace hostdeck::engine
