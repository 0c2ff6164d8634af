#include "engine/ssh/KnownHosts.h"

#include "engine/ssh/SshConfigSyntax.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QSaveFile>

#include <libssh/libssh.h>

namespace hostdeck::engine {

namespace {

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

/// The next whitespace-separated field of `line` from `pos`.
QByteArray nextField(const QByteArray& line, qsizetype& pos)
{
    while (pos < line.size() && isBlank(line.at(pos)))
        ++pos;
    const qsizetype start = pos;
    while (pos < line.size() && !isBlank(line.at(pos)))
        ++pos;
    return line.mid(start, pos - start);
}

bool hashedNameMatches(const QString& field, const QString& name)
{
    // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
    const QStringList parts = field.split(u'|');
    if (parts.size() != 4 || !parts.at(0).isEmpty() || parts.at(1) != QLatin1String("1"))
        return false;
    const QByteArray salt = QByteArray::fromBase64(parts.at(2).toLatin1());
    const QByteArray hash = QByteArray::fromBase64(parts.at(3).toLatin1());
    if (salt.size() != 20 || hash.size() != 20)
        return false;
    return QMessageAuthenticationCode::hash(name.toUtf8(), salt, QCryptographicHash::Sha1) == hash;
}

/// The algorithms a known key of `algorithm` lets ssh negotiate.
QStringList signatureAlgorithms(const QString& algorithm)
{
    if (algorithm == QLatin1String("ssh-rsa"))
        return {QStringLiteral("rsa-sha2-512"), QStringLiteral("rsa-sha2-256")};
    return {algorithm};
}

KnownHostsVerdict evaluate(const QList<KnownHostEntry>& entries, const QByteArray& keyBlob)
{
    KnownHostsVerdict verdict;
    for (const KnownHostEntry& entry : entries) {
        if (entry.marker != KnownHostEntry::Marker::None)
            continue;
        verdict.trusted.append(entry);
        if (verdict.status == KnownHostsVerdict::Status::Ok)
            continue;
        if (entry.keyBlob == keyBlob) {
            verdict.status = KnownHostsVerdict::Status::Ok;
            verdict.decisive = entry;
        } else {
            verdict.status = KnownHostsVerdict::Status::Changed;
        }
    }
    // As ssh: a revoked key is refused even when a trusted line lists it too.
    for (const KnownHostEntry& entry : entries) {
        if (entry.marker == KnownHostEntry::Marker::Revoked && entry.keyBlob == keyBlob) {
            verdict.status = KnownHostsVerdict::Status::Revoked;
            verdict.decisive = entry;
            break;
        }
    }
    return verdict;
}

} // namespace

QString KnownHosts::hostPattern(const QString& host, quint16 port)
{
    return port == 22 ? host : QStringLiteral("[%1]:%2").arg(host).arg(port);
}

bool KnownHosts::hostFieldMatches(const QString& field, const QString& name)
{
    const QString lower = name.toLower();
    if (field.startsWith(u'|'))
        return hashedNameMatches(field, lower);
    return sshconfig::matchPatternList(lower, field, true) == 1;
}

namespace {

/// The valid lines of `file` whose host field passes `wanted` (decoding a key only then: a
/// fan-out reads the same big file for every host).
template <typename Wanted> QList<KnownHostEntry> readMatching(const QString& file, Wanted wanted)
{
    QList<KnownHostEntry> entries;
    if (file.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return entries;
    QFile input(file);
    if (!input.open(QIODevice::ReadOnly))
        return entries;
    int lineNumber = 0;
    while (!input.atEnd()) {
        const QByteArray line = input.readLine().trimmed();
        ++lineNumber;
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        qsizetype pos = 0;
        KnownHostEntry entry;
        QByteArray field = nextField(line, pos);
        if (field.startsWith('@')) {
            if (field == "@cert-authority")
                entry.marker = KnownHostEntry::Marker::CertAuthority;
            else if (field == "@revoked")
                entry.marker = KnownHostEntry::Marker::Revoked;
            else
                continue; // an unknown marker makes the line invalid, as in ssh
            field = nextField(line, pos);
        }
        const QByteArray algorithm = nextField(line, pos);
        const QByteArray base64 = nextField(line, pos);
        if (field.isEmpty() || algorithm.isEmpty() || base64.isEmpty())
            continue;
        entry.hosts = QString::fromUtf8(field);
        if (!wanted(entry.hosts))
            continue;
        const auto decoded =
            QByteArray::fromBase64Encoding(base64, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || KnownHosts::blobAlgorithm(*decoded) != QLatin1String(algorithm))
            continue; // not a key, or the type in front does not match the blob: ssh skips it
        entry.file = file;
        entry.line = lineNumber;
        entry.keyAlgorithm = QString::fromLatin1(algorithm);
        entry.keyBlob = *decoded;
        entry.keyType = KnownHosts::typeNameOfAlgorithm(entry.keyAlgorithm);
        entry.fingerprint = KnownHosts::fingerprintOfBlob(entry.keyBlob);
        entries.append(entry);
    }
    return entries;
}

} // namespace

QList<KnownHostEntry> KnownHosts::read(const QString& file)
{
    return readMatching(file, [](const QString&) { return true; });
}

QList<KnownHostEntry> KnownHosts::entriesFor(const QStringList& files, const QString& name)
{
    QList<KnownHostEntry> result;
    for (const QString& file : files)
        result += readMatching(
            file, [&name](const QString& hosts) { return hostFieldMatches(hosts, name); });
    return result;
}

KnownHostsVerdict KnownHosts::check(const QStringList& files, const QString& name,
                                    const QString& portlessName, const QByteArray& keyBlob)
{
    KnownHostsVerdict verdict = evaluate(entriesFor(files, name), keyBlob);
    if (verdict.status != KnownHostsVerdict::Status::Unknown || portlessName.isEmpty())
        return verdict;
    // ssh: nothing under [host]:port, so check without the port; only a matching key counts.
    const KnownHostsVerdict portless = evaluate(entriesFor(files, portlessName), keyBlob);
    if (portless.status == KnownHostsVerdict::Status::Ok ||
        portless.status == KnownHostsVerdict::Status::Revoked) {
        // A key revoked under the portless name: ssh would still record it under accept-new;
        // Hostdeck refuses it whatever the policy.
        KnownHostsVerdict result = portless;
        result.viaPortlessName = true;
        return result;
    }
    return verdict;
}

QString KnownHosts::preferredAlgorithms(const QStringList& files, const QString& name)
{
    static const QStringList defaults = {
        QStringLiteral("ssh-ed25519"),
        QStringLiteral("ecdsa-sha2-nistp256"),
        QStringLiteral("ecdsa-sha2-nistp384"),
        QStringLiteral("ecdsa-sha2-nistp521"),
        QStringLiteral("sk-ssh-ed25519@openssh.com"),
        QStringLiteral("sk-ecdsa-sha2-nistp256@openssh.com"),
        QStringLiteral("rsa-sha2-512"),
        QStringLiteral("rsa-sha2-256"),
    };
    // As ssh's order_hostkeyalgs(): an algorithm counts as known when the first trusted entry
    // of its key type exists and that key is not revoked for the host.
    const QList<KnownHostEntry> entries = entriesFor(files, name);
    const auto revoked = [&entries](const QByteArray& blob) {
        for (const KnownHostEntry& entry : entries) {
            if (entry.marker == KnownHostEntry::Marker::Revoked && entry.keyBlob == blob)
                return true;
        }
        return false;
    };
    QStringList first;
    QStringList rest;
    for (const QString& algorithm : defaults) {
        bool known = false;
        for (const KnownHostEntry& entry : entries) {
            if (entry.marker == KnownHostEntry::Marker::None &&
                signatureAlgorithms(entry.keyAlgorithm).contains(algorithm)) {
                known = !revoked(entry.keyBlob);
                break;
            }
        }
        (known ? first : rest).append(algorithm);
    }
    return (first + rest).join(u',');
}

QByteArray KnownHosts::formatLine(const QString& name, const QByteArray& keyBlob, bool hash)
{
    QByteArray host = name.toLower().toUtf8();
    if (hash) {
        QByteArray salt(20, Qt::Uninitialized);
        for (char& byte : salt)
            byte = char(QRandomGenerator::system()->bounded(256));
        host = "|1|" + salt.toBase64() + '|' +
               QMessageAuthenticationCode::hash(host, salt, QCryptographicHash::Sha1).toBase64();
    }
    return host + ' ' + blobAlgorithm(keyBlob).toLatin1() + ' ' + keyBlob.toBase64();
}

Status KnownHosts::append(const QString& file, const QByteArray& line)
{
    if (file.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return makeError(ErrorKind::Io, QStringLiteral("no known_hosts file to record the key in "
                                                       "(UserKnownHostsFile is none)"));
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

QString KnownHosts::blobAlgorithm(const QByteArray& keyBlob)
{
    if (keyBlob.size() < 4)
        return QString();
    const quint32 length = (quint32(quint8(keyBlob.at(0))) << 24) |
                           (quint32(quint8(keyBlob.at(1))) << 16) |
                           (quint32(quint8(keyBlob.at(2))) << 8) | quint32(quint8(keyBlob.at(3)));
    if (length == 0 || length > 64 || qsizetype(length) > keyBlob.size() - 4)
        return QString();
    return QString::fromLatin1(keyBlob.mid(4, qsizetype(length)));
}

QString KnownHosts::fingerprintOfBlob(const QByteArray& keyBlob)
{
    return QStringLiteral("SHA256:") +
           QString::fromLatin1(QCryptographicHash::hash(keyBlob, QCryptographicHash::Sha256)
                                   .toBase64(QByteArray::OmitTrailingEquals));
}

QString KnownHosts::typeNameOfAlgorithm(const QString& algorithm)
{
    if (algorithm == QLatin1String("ssh-ed25519"))
        return QStringLiteral("ED25519");
    if (algorithm == QLatin1String("ssh-rsa"))
        return QStringLiteral("RSA");
    if (algorithm.startsWith(QLatin1String("ecdsa-sha2-")))
        return QStringLiteral("ECDSA");
    if (algorithm == QLatin1String("sk-ssh-ed25519@openssh.com"))
        return QStringLiteral("ED25519-SK");
    if (algorithm == QLatin1String("sk-ecdsa-sha2-nistp256@openssh.com"))
        return QStringLiteral("ECDSA-SK");
    if (algorithm == QLatin1String("ssh-dss"))
        return QStringLiteral("DSA");
    return algorithm.toUpper();
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
