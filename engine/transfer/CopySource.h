#pragma once

#include "engine/transfer/HashCache.h"
#include "engine/transfer/LocalTree.h"

#include <QJsonObject>

#include <memory>
#include <optional>

namespace hostdeck::engine {

/// What a copy or sync sends, scanned once on this machine before the run and shared by its
/// hosts: each source is a file, a folder (copied as REMOTE/NAME) or, given with a trailing
/// '/', a folder's content (copied into REMOTE itself, as rsync reads "dir/").
struct CopySource
{
    enum class Kind
    {
        File,
        Folder,
        FolderContent
    };
    Kind kind = Kind::File;
    QString local;                         ///< the path as given (without the trailing '/')
    QString name;                          ///< its name below REMOTE (empty for FolderContent)
    TreeEntry file;                        ///< Kind::File: size, mtime, mode
    std::shared_ptr<const LocalTree> tree; ///< folders

    /// A command-line source: a symlink named here is followed, one inside a folder is not.
    static Result<CopySource> scan(const QString& path, const QStringList& exclude);
};

/// How a copy or sync writes on the hosts (the options of `copy`, `sync` and the GUI).
struct CopyOptions
{
    QString remote;           ///< absolute remote path
    bool deleteExtra = false; ///< sync --delete
    bool checksum = false;    ///< compare same-size files by content even when mtimes match
    std::optional<int> fileMode;
    QString owner;
    QString group;
    QStringList exclude;

    QJsonObject toJson() const;
    /// "0644", "644" or "0o644" -> bits; an error names the text.
    static Result<int> parseMode(const QString& text);
};

/// The sources and options of one copy or sync, immutable and shared between threads, with
/// the hash cache its hosts share.
struct CopyJob
{
    QList<CopySource> sources;
    CopyOptions options;
    /// REMOTE is a folder the sources go into (several sources, a folder, a trailing '/');
    /// otherwise the one file becomes REMOTE (or REMOTE/NAME when REMOTE is a folder there).
    bool intoFolder = false;
    std::shared_ptr<HashCache> hashes = std::make_shared<HashCache>();

    qint64 bytes() const;
    int files() const;
};

} // namespace hostdeck::engine
