#pragma once

#include "engine/transfer/TreeEntry.h"

#include <QList>
#include <QStringList>

namespace hostdeck::engine {

/// A local folder scanned as a transfer sees it: every entry below the root, depth first
/// (a folder before its content), symlinks listed and never followed, with nanosecond mtimes
/// (so a re-sync compares exactly what the host stores). Immutable once scanned; shared by
/// the hosts of a run. Fifos, sockets and devices are left out and listed in skipped().
class LocalTree
{
public:
    /// Trees larger than this are refused: the host's manifest of them must fit one reply.
    static constexpr int kMaxEntries = 50000;

    /// Scans `dir`; `exclude` are glob patterns matched against the relative path and the name
    /// (as the agent's manifest matches them). Errors name the path.
    static Result<LocalTree> scan(const QString& dir, const QStringList& exclude = {},
                                  int maxEntries = kMaxEntries);
    /// One path: lstat, or stat when `follow` (a symlink named on the command line).
    static Result<TreeEntry> statPath(const QString& path, bool follow);
    /// fnmatch(3) without FNM_PATHNAME against the relative path and the name, as Python's
    /// fnmatch.fnmatchcase does in the agent.
    static bool excluded(const QString& relative, const QStringList& patterns);

    const QString& root() const { return m_root; }
    const QList<TreeEntry>& entries() const { return m_entries; }
    const QStringList& skipped() const { return m_skipped; }
    /// The local path of an entry.
    QString localPath(const QString& relative) const;
    qint64 fileBytes() const;
    int fileCount() const;

private:
    QString m_root;
    QList<TreeEntry> m_entries;
    QStringList m_skipped;
};

} // namespace hostdeck::engine
