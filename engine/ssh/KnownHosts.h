#pragma once

#include "util/Result.h"

#include <QList>
#include <QString>

struct ssh_key_struct;

namespace hostdeck::engine {

/// An entry of an OpenSSH known_hosts file that matches a host.
struct KnownHostEntry
{
    int line = 0;        ///< 1-based
    QString keyType;     ///< "ED25519", ...
    QString fingerprint; ///< "SHA256:..."
};

/// Reading and appending OpenSSH known_hosts files (plain and hashed host names).
class KnownHosts
{
public:
    /// `host` for port 22, `[host]:port` otherwise (the OpenSSH spelling).
    static QString hostPattern(const QString& host, quint16 port);
    /// Every non-revoked, non-CA entry of `file` that matches host:port.
    static QList<KnownHostEntry> entriesFor(const QString& file, const QString& host, quint16 port);
    /// Appends one line (without newline) atomically: the file is rewritten through a temp file
    /// and renamed, so a crash never leaves half a line. Creates the directory (0700) if needed.
    static Status append(const QString& file, const QByteArray& line);
    /// "SHA256:<base64>" of a public key.
    static QString fingerprint(ssh_key_struct* key);
    /// "ED25519", "ECDSA", "RSA", ... for a key.
    static QString keyTypeName(ssh_key_struct* key);
};

} // namespace hostdeck::engine
