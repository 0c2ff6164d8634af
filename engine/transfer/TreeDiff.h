#pragma once

#include "engine/transfer/TreeEntry.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace hostdeck::engine {

struct TreeDiffOptions
{
    /// Which side is this machine: its files can be hashed when a comparison needs it.
    enum class LocalSide
    {
        Source,
        Destination
    };
    LocalSide local = LocalSide::Source;
    bool deleteExtra = false;    ///< destination entries the source lacks are removed
    bool checksum = false;       ///< same-size files are compared by content even when mtimes match
    std::optional<int> fileMode; ///< every file gets this mode instead of the source's
};

/// The mode and/or mtime an entry whose content is already right must get.
struct AttrChange
{
    QString path;
    std::optional<int> mode;
    std::optional<qint64> mtimeNs;
};

/// What makes a destination tree match a source tree (both relative to their roots). Files
/// are equal when size and mtime match (rsync's quick check) or, when the mtimes differ or
/// `checksum` is set, when their SHA-256 match: an identical file is never sent again, it
/// only gets its mtime. A pure function of the two lists: tests feed it generated trees.
struct TreeDiff
{
    QStringList remove;      ///< destination entries the source lacks (deleteExtra), top-most only
    QStringList replace;     ///< destination entries of another type: removed before writing
    QList<TreeEntry> mkdirs; ///< source folders the destination lacks, parents first
    QList<TreeEntry> send;   ///< source files and symlinks to write (new or changed)
    QList<AttrChange> attrs; ///< destination entries with the right content, other mode/mtime
    QStringList needHash;    ///< local files to hash before these can be compared
    /// Destination folders with content where the source has a file or symlink: replaced only
    /// with deleteExtra (as rsync refuses to remove a non-empty folder without --delete).
    QStringList blocked;
    int unchanged = 0;    ///< files and symlinks already right
    qint64 sendBytes = 0; ///< bytes of the files in `send`

    bool hasChanges() const
    {
        return !remove.isEmpty() || !replace.isEmpty() || !mkdirs.isEmpty() || !send.isEmpty() ||
               !attrs.isEmpty();
    }

    static TreeDiff compare(const QList<TreeEntry>& source, const QList<TreeEntry>& destination,
                            const TreeDiffOptions& options);
};

} // namespace hostdeck::engine
