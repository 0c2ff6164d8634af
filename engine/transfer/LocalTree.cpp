#include "engine/transfer/LocalTree.h"

#include <QFile>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hostdeck::engine {

namespace {

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

TreeEntry::Type typeOf(mode_t mode)
{
    if (S_ISREG(mode))
        return TreeEntry::Type::File;
    if (S_ISDIR(mode))
        return TreeEntry::Type::Directory;
    if (S_ISLNK(mode))
        return TreeEntry::Type::Symlink;
    return TreeEntry::Type::Other;
}

Result<QString> readLink(int dirFd, const QByteArray& name, const QString& shown)
{
    QByteArray buffer(4096, '\0');
    const ssize_t n = ::readlinkat(dirFd, name.constData(), buffer.data(), buffer.size());
    if (n < 0)
        return makeError(
            ErrorKind::Io,
            QStringLiteral("cannot read the symlink %1: %2").arg(shown, errnoText(errno)));
    buffer.truncate(n);
    return QFile::decodeName(buffer);
}

TreeEntry entryOf(const QString& relative, const struct stat& st)
{
    TreeEntry entry;
    entry.path = relative;
    entry.type = typeOf(st.st_mode);
    entry.size = entry.isFile() ? qint64(st.st_size) : 0;
    entry.mtimeNs = qint64(st.st_mtim.tv_sec) * 1000000000LL + qint64(st.st_mtim.tv_nsec);
    entry.mode = int(st.st_mode & 07777);
    return entry;
}

struct ScanOutput
{
    QString root;
    QList<TreeEntry> entries;
    QStringList skipped;
};

struct DirCloser
{
    void operator()(DIR* dir) const { ::closedir(dir); }
};

class Scanner
{
public:
    Scanner(ScanOutput& out, const QStringList& exclude, int limit)
        : m_out(out), m_exclude(exclude), m_limit(limit)
    {
    }

    Status scan(int dirFd, const QString& prefix, const QString& shownDir)
    {
        std::unique_ptr<DIR, DirCloser> dir(::fdopendir(dirFd));
        if (!dir) {
            const int error = errno;
            ::close(dirFd);
            return makeError(
                ErrorKind::Io,
                QStringLiteral("cannot read the folder %1: %2").arg(shownDir, errnoText(error)));
        }
        QList<QByteArray> names;
        errno = 0;
        while (const dirent* item = ::readdir(dir.get())) {
            const QByteArray name(item->d_name);
            if (name != "." && name != "..")
                names << name;
        }
        std::sort(names.begin(), names.end());
        for (const QByteArray& raw : std::as_const(names)) {
            const QString name = QFile::decodeName(raw);
            const QString shown = shownDir + QLatin1Char('/') + name;
            if (QFile::encodeName(name) != raw)
                return makeError(ErrorKind::Usage,
                                 QStringLiteral("%1: the name is not valid UTF-8").arg(shown));
            const QString relative = prefix + name;
            if (LocalTree::excluded(relative, m_exclude))
                continue;
            struct stat st
            {
            };
            if (::fstatat(::dirfd(dir.get()), raw.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                return makeError(ErrorKind::Io,
                                 QStringLiteral("cannot read %1: %2").arg(shown, errnoText(errno)));
            TreeEntry entry = entryOf(relative, st);
            if (entry.type == TreeEntry::Type::Other) {
                m_out.skipped << relative;
                continue;
            }
            if (m_out.entries.size() >= m_limit)
                return makeError(ErrorKind::Usage,
                                 QStringLiteral("more than %1 entries under %2: copy a smaller "
                                                "folder or several folders one by one")
                                     .arg(m_limit)
                                     .arg(m_out.root));
            if (entry.isLink()) {
                Result<QString> target = readLink(::dirfd(dir.get()), raw, shown);
                if (!target)
                    return target.error();
                entry.target = *target;
            }
            m_out.entries << entry;
            if (!entry.isDir())
                continue;
            const int child = ::openat(::dirfd(dir.get()), raw.constData(),
                                       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child < 0)
                return makeError(
                    ErrorKind::Io,
                    QStringLiteral("cannot open the folder %1: %2").arg(shown, errnoText(errno)));
            if (Status inner = scan(child, relative + QLatin1Char('/'), shown); !inner)
                return inner;
        }
        return Ok{};
    }

private:
    ScanOutput& m_out;
    const QStringList& m_exclude;
    int m_limit;
};

} // namespace

bool LocalTree::excluded(const QString& relative, const QStringList& patterns)
{
    if (patterns.isEmpty())
        return false;
    const QByteArray path = relative.toUtf8();
    const qsizetype slash = relative.lastIndexOf(QLatin1Char('/'));
    const QByteArray name = slash < 0 ? path : relative.mid(slash + 1).toUtf8();
    for (const QString& pattern : patterns) {
        const QByteArray glob = pattern.toUtf8();
        if (::fnmatch(glob.constData(), path.constData(), 0) == 0 ||
            ::fnmatch(glob.constData(), name.constData(), 0) == 0)
            return true;
    }
    return false;
}

Result<LocalTree> LocalTree::scan(const QString& dir, const QStringList& exclude, int maxEntries)
{
    LocalTree tree;
    ScanOutput out;
    out.root = dir;
    while (out.root.size() > 1 && out.root.endsWith(QLatin1Char('/')))
        out.root.chop(1);
    const int fd =
        ::open(QFile::encodeName(out.root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        return makeError(
            error == ENOENT ? ErrorKind::NotFound : ErrorKind::Usage,
            error == ENOTDIR
                ? QStringLiteral("%1 is not a folder").arg(out.root)
                : QStringLiteral("cannot open %1: %2").arg(out.root, errnoText(error)));
    }
    Scanner scanner(out, exclude, maxEntries);
    const QString prefix;
    if (Status scanned = scanner.scan(fd, prefix, out.root); !scanned)
        return scanned.error();
    tree.m_root = out.root;
    tree.m_entries = std::move(out.entries);
    tree.m_skipped = std::move(out.skipped);
    return tree;
}

Result<TreeEntry> LocalTree::statPath(const QString& path, bool follow)
{
    struct stat st
    {
    };
    const QByteArray encoded = QFile::encodeName(path);
    const int rc = follow ? ::stat(encoded.constData(), &st) : ::lstat(encoded.constData(), &st);
    if (rc != 0) {
        const int error = errno;
        return makeError(error == ENOENT ? ErrorKind::NotFound : ErrorKind::Io,
                         error == ENOENT
                             ? QStringLiteral("%1: no such file or folder").arg(path)
                             : QStringLiteral("cannot read %1: %2").arg(path, errnoText(error)));
    }
    const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
    TreeEntry entry = entryOf(slash < 0 ? path : path.mid(slash + 1), st);
    if (entry.isLink()) {
        Result<QString> target = readLink(AT_FDCWD, encoded, path);
        if (!target)
            return target.error();
        entry.target = *target;
    }
    return entry;
}

QString LocalTree::localPath(const QString& relative) const
{
    if (m_root == QStringLiteral("/"))
        return m_root + relative;
    return m_root + QLatin1Char('/') + relative;
}

qint64 LocalTree::fileBytes() const
{
    qint64 total = 0;
    for (const TreeEntry& entry : m_entries)
        total += entry.isFile() ? entry.size : 0;
    return total;
}

int LocalTree::fileCount() const
{
    return int(std::count_if(m_entries.cbegin(), m_entries.cend(),
                             [](const TreeEntry& entry) { return entry.isFile(); }));
}

} // namespace hostdeck::engine
