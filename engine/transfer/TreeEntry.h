#pragma once

#include "engine/util/Result.h"

#include <QJsonObject>
#include <QString>

namespace hostdeck::engine {

/// One entry of a file tree below its root, as a transfer compares two trees: the agent's
/// manifest (FileSystem.sync_manifest) on the host, LocalTree on this machine.
struct TreeEntry
{
    enum class Type
    {
        File,
        Directory,
        Symlink,
        Other ///< fifo, socket, device: never transferred
    };

    QString path; ///< relative to the root, '/'-separated, clean (isCleanRelativePath)
    Type type = Type::File;
    qint64 size = 0;    ///< files only
    qint64 mtimeNs = 0; ///< modification time, nanoseconds since the epoch
    int mode = 0;       ///< permission bits (07777)
    QString target;     ///< symlinks: what the link says
    QString sha256;     ///< files: lower-case hex when known

    bool isFile() const { return type == Type::File; }
    bool isDir() const { return type == Type::Directory; }
    bool isLink() const { return type == Type::Symlink; }

    /// An entry of a manifest: refused (Protocol) when the path could leave the root or a
    /// field has the wrong type, so a hostile host cannot steer a local write.
    static Result<TreeEntry> fromManifest(const QJsonObject& item);
    static QString typeName(Type type);
};

/// True for "a", "a/b.txt": not empty, not absolute, no empty, "." or ".." component, no NUL.
bool isCleanRelativePath(const QString& path);

/// "0644" for 0644.
QString octalMode(int mode);

} // namespace hostdeck::engine
