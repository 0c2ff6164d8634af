#pragma once

#include <QByteArray>
#include <QString>

namespace hostdeck::engine {

/// Bytecode made at build time for the build's Python (bootstrap/precompile.py), embedded under
/// :/hostdeck/bytecode. A blob is handed out only for the exact source it was compiled from; the
/// agent runs it only when its interpreter has the same bytecode magic, and compiles the source
/// otherwise, so a stale or foreign blob costs bytes, never correctness.
class Bytecode
{
public:
    /// "4-byte magic + xz(marshal(code))" for `source` of the agent ("agent") or a tool module
    /// ("tools/NAME"); empty when none was built or the source differs.
    static QByteArray forSource(const QString& name, const QByteArray& source);
    /// xz of `source` of the agent ("agent") or a tool module ("tools/NAME"): made at build time
    /// when embedded for this very source, else now (LZMA2 preset 9e, as lzma::compress).
    static QByteArray packedSource(const QString& name, const QByteArray& source);
    /// The bytecode magic of the embedded blobs as hex ("a70d0d0a"), empty when there are none.
    static QString magicHex();
};

} // namespace hostdeck::engine
