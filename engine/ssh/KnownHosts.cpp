#include "ssh/KnownHosts.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <libssh/libssh.h>

namespace hostdeck::engine {

QString KnownHosts::hostPattern(const QString& host, quint16 port)
{
    return port == 22 ? host : QStringLiteral("[%1]:%2").arg(host).arg(port);
}

QList<KnownHostEntry> KnownHosts::entriesFor(const QString& file, const QString& host, quint16 port)
{
    QList<KnownHostEntry> entries;
    QFile input(file);
    if (!input.open(QIODevice::ReadOnly))
        return entries;
    const QByteArray pattern = hostPattern(host, port).toUtf8();
    int lineNumber = 0;
    while (!input.atEnd()) {
        const QByteArray line = input.readLine().trimmed();
        ++lineNumber;
        if (line.isEmpty() || line.startsWith('#') || line.startsWith('@'))
            continue;
        ssh_knownhosts_entry* entry = nullptr;
        if (ssh_known_hosts_parse_line(pattern.constData(), line.constData(), &entry) == SSH_OK &&
            entry) {
            entries.append(
                {lineNumber, keyTypeName(entry->publickey), fingerprint(entry->publickey)});
        }
        ssh_knownhosts_entry_free(entry);
    }
    return entries;
}

Status KnownHosts::append(const QString& file, const QByteArray& line)
{
    const QFileInfo info(file);
    if (!QDir().mkpath(info.absolutePath()))
        return makeError(ErrorKind::Io,
                         QStringLiteral("cannot create directory %1").arg(info.absolutePath()));
    QByteArray content;
    QFile existing(file);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly))
            return makeError(
                ErrorKind::Io,
                QStringLiteral("cannot read %1: %2").arg(file, existing.errorString()));
        content = existing.readAll();
        if (!content.isEmpty() && !content.endsWith('\n'))
            content.append('\n');
    }
    content.append(line.trimmed());
    content.append('\n');
    QSaveFile output(file);
    if (!output.open(QIODevice::WriteOnly))
        return makeError(ErrorKind::Io,
                         QStringLiteral("cannot write %1: %2").arg(file, output.errorString()));
    if (existing.exists())
        output.setPermissions(existing.permissions());
    output.write(content);
    if (!output.commit())
        return makeError(ErrorKind::Io,
                         QStringLiteral("cannot write %1: %2").arg(file, output.errorString()));
    return Ok{};
}

QString KnownHosts::fingerprint(ssh_key_struct* key)
{
    unsigned char* hash = nullptr;
    size_t length = 0;
    if (key == nullptr ||
        ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != SSH_OK)
        return QStringLiteral("SHA256:?");
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    const QString result = QString::fromLatin1(text ? text : "SHA256:?");
    ssh_string_free_char(text);
    ssh_clean_pubkey_hash(&hash);
    return result;
}

QString KnownHosts::keyTypeName(ssh_key_struct* key)
{
    switch (key ? ssh_key_type(key) : SSH_KEYTYPE_UNKNOWN) {
    case SSH_KEYTYPE_ED25519:
        return QStringLiteral("ED25519");
    case SSH_KEYTYPE_RSA:
        return QStringLiteral("RSA");
    case SSH_KEYTYPE_ECDSA_P256:
    case SSH_KEYTYPE_ECDSA_P384:
    case SSH_KEYTYPE_ECDSA_P521:
        return QStringLiteral("ECDSA");
    case SSH_KEYTYPE_SK_ED25519:
        return QStringLiteral("ED25519-SK");
    case SSH_KEYTYPE_SK_ECDSA:
        return QStringLiteral("ECDSA-SK");
    default:
        break;
    }
    const char* name = key ? ssh_key_type_to_char(ssh_key_type(key)) : nullptr;
    return name ? QString::fromLatin1(name).toUpper() : QStringLiteral("UNKNOWN");
}

} // namespace hostdeck::engine
