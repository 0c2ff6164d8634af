#pragma once

#include "engine/util/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace hostdeck::engine {

/// The local side of a fetch: writes below a folder of this machine that never go through a
/// symlink (a host decides names and symlink targets, not where this machine writes), files
/// written whole (temp file beside them, renamed), with the host's mode and mtime.
class LocalFiles
{
public:
    /// `relative` below `root`: every folder on the way exists as a real folder (not a symlink).
    static Status checkParents(const QString& root, const QString& relative);
    /// Writes `data` to `path` through a temp file beside it (no fsync per file, as rsync).
    static Status writeFile(const QString& path, const QByteArray& data, int mode, qint64 mtimeNs);
    /// A symlink at `path` (replacing what is there, not a folder).
    static Status makeLink(const QString& path, const QString& target);
    static Status makeDir(const QString& path, int mode);
    /// chmod and/or the mtime (nanoseconds), never through a symlink.
    static Status setAttributes(const QString& path, std::optional<int> mode,
                                std::optional<qint64> mtimeNs);
    /// Removes a file, a symlink (not its target) or a folder with its content.
    static Status remove(const QString& path);
    /// A folder name for a host's files: its name with '/' and NUL replaced, never "." or "..".
    static QString hostFolderName(const QString& host);
    /// The local path of `relative` below `root`.
    static QString join(const QString& root, const QString& relative);
};

} // namespace hostdeck::engine
