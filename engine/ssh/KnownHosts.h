#pragma once

#include "engine/util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

struct ssh_key_struct;

namespace hostdeck::engine {

/// One valid line of an OpenSSH known_hosts file.
struct KnownHostEntry
{
    enum class Marker
    {
        None,          ///< a trusted host key
        CertAuthority, ///< @cert-authority: trusts host certificates signed by this key, never
                       ///< the key itself
        Revoked,       ///< @revoked: this key is refused for the matching hosts
    };
    QString file;
    int line = 0; ///< 1-based
    Marker marker = Marker::None;
    QString hosts;        ///< the host field as written (patterns, or |1|salt|hash)
    QString keyAlgorithm; ///< the key's wire name: "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"
    QByteArray keyBlob;
    QString keyType;     ///< "ED25519", "ECDSA", "RSA", ...
    QString fingerprint; ///< "SHA256:..."
};

/// OpenSSH's verdict on a server key.
struct KnownHostsVerdict
{
    enum class Status
    {
        Ok,      ///< a trusted entry has this key
        Unknown, ///< no trusted entry for the host (or only one found under the portless name
                 ///< with another key, which OpenSSH also treats as unknown)
        Changed, ///< trusted entries for the host, none with this key (another key or type)
        Revoked, ///< the key is listed @revoked for the host
    };
    Status status = Status::Unknown;
    QList<KnownHostEntry> trusted; ///< the trusted entries for the name looked up
    KnownHostEntry decisive;       ///< the accepting or revoking entry
    bool viaPortlessName = false;  ///< accepted through `host` for a non-standard port
};

/// Reading, matching and appending OpenSSH known_hosts files as OpenSSH 9.2 does, markers,
/// hashed names and patterns included (libssh 0.10's own check ignores @revoked and
/// @cert-authority, so it is not used for the decision).
class KnownHosts
{
public:
    /// `host` for port 22, `[host]:port` otherwise (the OpenSSH spelling).
    static QString hostPattern(const QString& host, quint16 port);
    /// Whether a host field (`a,*.b,!c` patterns or `|1|salt|hash`) names `name`.
    static bool hostFieldMatches(const QString& field, const QString& name);
    /// Every valid line of `file` (bad lines are skipped, as ssh skips them); none when missing.
    static QList<KnownHostEntry> read(const QString& file);
    /// The lines of `files` whose host field names `name`, every marker.
    static QList<KnownHostEntry> entriesFor(const QStringList& files, const QString& name);
    /// OpenSSH's decision for a server key looked up as `name`; `portlessName` (the host without
    /// its non-standard port, empty when a HostKeyAlias is used or the port is 22) is consulted
    /// when nothing is known under `name`, as ssh does.
    static KnownHostsVerdict check(const QStringList& files, const QString& name,
                                   const QString& portlessName, const QByteArray& keyBlob);
    /// The host key algorithms to offer, those of keys known for `name` first, in OpenSSH 9.2's
    /// default order (restricted to what libssh negotiates; no SHA-1 ssh-rsa, as OpenSSH).
    static QString preferredAlgorithms(const QStringList& files, const QString& name);
    /// A known_hosts line for `name` (hashed as `|1|salt|hash` when `hash`).
    static QByteArray formatLine(const QString& name, const QByteArray& keyBlob, bool hash);
    /// Appends one line (without newline) atomically: the file is rewritten through a temp file
    /// and renamed, so a crash never leaves half a line. Creates the directory (0700) if needed.
    static Status append(const QString& file, const QByteArray& line);
    /// The algorithm name inside a public key blob ("ssh-ed25519"); empty when malformed.
    static QString blobAlgorithm(const QByteArray& keyBlob);
    static QString fingerprintOfBlob(const QByteArray& keyBlob);  ///< "SHA256:<base64>"
    static QString typeNameOfAlgorithm(const QString& algorithm); ///< "ED25519", "ECDSA", ...
    /// "SHA256:<base64>" of a public key.
    static QString fingerprint(ssh_key_struct* key);
    /// "ED25519", "ECDSA", "RSA", ... for a key.
    static QString keyTypeName(ssh_key_struct* key);
};

} // namespace hostdeck::engine
