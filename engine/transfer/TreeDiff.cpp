#include "engine/transfer/TreeDiff.h"

#include <QHash>
#include <QSet>

namespace hostdeck::engine {

namespace {

/// Whether `path` or a folder above it is in `removed`.
bool underRemoved(const QString& path, const QSet<QString>& removed)
{
    if (removed.isEmpty())
        return false;
    for (qsizetype slash = path.indexOf(QLatin1Char('/')); slash >= 0;
         slash = path.indexOf(QLatin1Char('/'), slash + 1)) {
        if (removed.contains(path.left(slash)))
            return true;
    }
    return removed.contains(path);
}

enum class Same
{
    Yes,
    No,
    Unknown ///< the local file must be hashed first
};

Same sameContent(const TreeEntry& source, const TreeEntry& destination,
                 const TreeDiffOptions& options)
{
    if (source.size != destination.size)
        return Same::No;
    if (!options.checksum && source.mtimeNs == destination.mtimeNs)
        return Same::Yes;
    const bool localIsSource = options.local == TreeDiffOptions::LocalSide::Source;
    const QString& local = localIsSource ? source.sha256 : destination.sha256;
    const QString& remote = localIsSource ? destination.sha256 : source.sha256;
    if (remote.isEmpty())
        return Same::No; // the host could not hash it: send it rather than guess
    if (local.isEmpty())
        return Same::Unknown;
    return local == remote ? Same::Yes : Same::No;
}

} // namespace

TreeDiff TreeDiff::compare(const QList<TreeEntry>& source, const QList<TreeEntry>& destination,
                           const TreeDiffOptions& options)
{
    TreeDiff diff;
    QHash<QString, const TreeEntry*> existing;
    existing.reserve(destination.size());
    for (const TreeEntry& entry : destination)
        existing.insert(entry.path, &entry);
    QSet<QString> wanted;
    wanted.reserve(source.size());

    for (const TreeEntry& entry : source) {
        wanted.insert(entry.path);
        const TreeEntry* there = existing.value(entry.path);
        if (there && (there->type != entry.type || there->type == TreeEntry::Type::Other)) {
            diff.replace << there->path;
            there = nullptr;
        }
        if (!there) {
            if (entry.isDir()) {
                diff.mkdirs << entry;
            } else {
                diff.send << entry;
                diff.sendBytes += entry.size;
            }
            continue;
        }
        if (entry.isDir()) {
            if (there->mode != entry.mode)
                diff.attrs << AttrChange{entry.path, entry.mode, std::nullopt};
            continue;
        }
        if (entry.isLink()) {
            if (there->target == entry.target) {
                ++diff.unchanged;
            } else {
                diff.send << entry;
            }
            continue;
        }
        switch (sameContent(entry, *there, options)) {
        case Same::Unknown:
            diff.needHash << entry.path;
            continue;
        case Same::No:
            diff.send << entry;
            diff.sendBytes += entry.size;
            continue;
        case Same::Yes:
            break;
        }
        AttrChange change{entry.path, std::nullopt, std::nullopt};
        const int mode = options.fileMode.value_or(entry.mode);
        if (there->mode != mode)
            change.mode = mode;
        if (there->mtimeNs != entry.mtimeNs)
            change.mtimeNs = entry.mtimeNs;
        if (change.mode || change.mtimeNs)
            diff.attrs << change;
        else
            ++diff.unchanged;
    }

    if (!options.deleteExtra && !diff.replace.isEmpty()) {
        QSet<QString> folders;
        for (const QString& path : std::as_const(diff.replace)) {
            if (const TreeEntry* there = existing.value(path); there && there->isDir())
                folders.insert(path);
        }
        for (const TreeEntry& entry : destination) {
            const qsizetype slash = entry.path.lastIndexOf(QLatin1Char('/'));
            if (slash > 0 && underRemoved(entry.path.left(slash), folders)) {
                QString top = entry.path.left(slash);
                while (!folders.contains(top))
                    top = top.left(top.lastIndexOf(QLatin1Char('/')));
                if (!diff.blocked.contains(top))
                    diff.blocked << top;
            }
        }
    }
    if (options.deleteExtra) {
        QSet<QString> removed;
        for (const QString& path : std::as_const(diff.replace))
            removed.insert(path);
        for (const TreeEntry& entry : destination) { // depth first: a folder before its content
            if (wanted.contains(entry.path) || underRemoved(entry.path, removed))
                continue;
            diff.remove << entry.path;
            removed.insert(entry.path);
        }
    }
    return diff;
}

} // namespace hostdeck::engine
