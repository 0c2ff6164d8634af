#pragma once

// Generated trees and exact snapshots for the copy/fetch/sync tests (header-only).

#include "engine/transfer/Sha256.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QRandomGenerator>
#include <QStringList>

#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hostdeck::test {

/// Sets the mtime of `path` (not following a symlink), nanoseconds.
inline bool setMtime(const QString& path, qint64 ns)
{
    const struct timespec times[2] = {{0, UTIME_OMIT},
                                      {time_t(ns / 1000000000LL), long(ns % 1000000000LL)}};
    return ::utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, AT_SYMLINK_NOFOLLOW) ==
           0;
}

inline bool writeBytes(const QString& path, const QByteArray& data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(data) == data.size();
}

inline QByteArray randomBytes(QRandomGenerator& rng, qint64 size)
{
    QByteArray data(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; i += 4) {
        const quint32 word = rng.generate();
        std::memcpy(data.data() + i, &word, size_t(std::min<qint64>(4, size - i)));
    }
    return data;
}

/// What generateTree() made.
struct GeneratedTree
{
    QStringList files;
    QStringList dirs;
    QStringList links;
    qint64 bytes = 0;
};

/// A random tree under `root` (which exists): nested folders with their own modes, files of
/// random sizes (empty ones, a few over 1 MiB when `large`), random modes and past mtimes,
/// unicode names with spaces, symlinks inside, outside and dangling.
inline GeneratedTree generateTree(const QString& root, quint32 seed, int files, bool large)
{
    QRandomGenerator rng(seed);
    GeneratedTree made;
    QStringList dirs{QString()};
    const QStringList names{QStringLiteral("plain%1.txt"),       QStringLiteral("été ☃ %1.conf"),
                            QStringLiteral("日本語-%1.bin"),     QStringLiteral("🎉 party %1"),
                            QStringLiteral("with space %1.log"), QStringLiteral(".hidden%1")};
    const int fileModes[] = {0644, 0600, 0755, 0640, 0444};
    const int dirModes[] = {0755, 0750, 0700, 0775};
    for (int i = 0; i < files; ++i) {
        if (rng.bounded(100) < 12) {
            const QString parent = dirs.at(int(rng.bounded(int(dirs.size()))));
            const QString dir = (parent.isEmpty() ? QString() : parent + QLatin1Char('/')) +
                                QStringLiteral("dir %1 é").arg(i);
            QDir(root).mkpath(dir);
            dirs << dir;
            made.dirs << dir;
        }
        const QString parent = dirs.at(int(rng.bounded(int(dirs.size()))));
        const QString rel = (parent.isEmpty() ? QString() : parent + QLatin1Char('/')) +
                            names.at(int(rng.bounded(int(names.size())))).arg(i);
        qint64 size = rng.bounded(100) < 5 ? 0 : qint64(rng.bounded(40000));
        if (large && rng.bounded(100) < 3)
            size = (1 << 20) + qint64(rng.bounded(3 << 20));
        const QString path = root + QLatin1Char('/') + rel;
        writeBytes(path, randomBytes(rng, size));
        ::chmod(QFile::encodeName(path).constData(), mode_t(fileModes[rng.bounded(5)]));
        setMtime(path,
                 1500000000LL * 1000000000LL + qint64(rng.generate64() % 200000000000000000ULL));
        made.files << rel;
        made.bytes += size;
    }
    const auto link = [&](const QString& rel, const QString& target) {
        ::symlink(QFile::encodeName(target).constData(),
                  QFile::encodeName(root + QLatin1Char('/') + rel).constData());
        made.links << rel;
    };
    link(QStringLiteral("link to first"), made.files.constFirst());
    link(QStringLiteral("link-outside"), QStringLiteral("/etc/hostname"));
    link(QStringLiteral("dangling ☃"), QStringLiteral("nowhere/at/all"));
    if (!made.dirs.isEmpty())
        link(made.dirs.constFirst() + QStringLiteral("/up"), QStringLiteral(".."));
    for (const QString& dir : std::as_const(made.dirs))
        ::chmod(QFile::encodeName(root + QLatin1Char('/') + dir).constData(),
                mode_t(dirModes[rng.bounded(4)]));
    return made;
}

struct SnapshotOptions
{
    bool mtimes = true;     ///< files' mtimes (ns)
    int dirModeOr = 0;      ///< OR'ed into folder modes (a fetch keeps folders writable)
    bool skipTemps = false; ///< leave out *.hostdeck-tmp (to look for them separately)
};

inline QByteArray sha256Of(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return "unreadable";
    engine::Sha256 hash;
    QByteArray block(1 << 20, Qt::Uninitialized);
    for (qint64 n; (n = file.read(block.data(), block.size())) > 0;)
        hash.addData(block.constData(), n);
    return hash.hexDigest();
}

/// Every entry below `root` as "type mode size mtime sha256 -> target", from lstat and the
/// bytes on disk: two trees are equal when their snapshots are.
inline QMap<QString, QString> snapshotTree(const QString& root, const SnapshotOptions& options = {},
                                           const QString& prefix = {})
{
    QMap<QString, QString> out;
    const QString folder = prefix.isEmpty() ? root : root + QLatin1Char('/') + prefix;
    DIR* dir = ::opendir(QFile::encodeName(folder).constData());
    if (!dir)
        return out;
    QList<QByteArray> names;
    while (const dirent* item = ::readdir(dir)) {
        const QByteArray name(item->d_name);
        if (name != "." && name != "..")
            names << name;
    }
    ::closedir(dir);
    for (const QByteArray& raw : std::as_const(names)) {
        const QString rel =
            (prefix.isEmpty() ? QString() : prefix + QLatin1Char('/')) + QFile::decodeName(raw);
        if (options.skipTemps && rel.endsWith(QStringLiteral(".hostdeck-tmp")))
            continue;
        const QString path = root + QLatin1Char('/') + rel;
        struct stat st
        {
        };
        ::lstat(QFile::encodeName(path).constData(), &st);
        const QString mode = QString::number(st.st_mode & 07777, 8);
        if (S_ISLNK(st.st_mode)) {
            QByteArray target(4096, '\0');
            const ssize_t n = ::readlink(QFile::encodeName(path).constData(), target.data(), 4096);
            target.truncate(std::max<ssize_t>(n, 0));
            out.insert(rel, QStringLiteral("link -> ") + QFile::decodeName(target));
        } else if (S_ISDIR(st.st_mode)) {
            out.insert(rel, QStringLiteral("dir %1").arg(QString::number(
                                (st.st_mode & 07777) | mode_t(options.dirModeOr), 8)));
            out.insert(snapshotTree(root, options, rel));
        } else {
            const qint64 mtime = qint64(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
            out.insert(rel, QStringLiteral("file %1 %2 %3 %4")
                                .arg(mode)
                                .arg(qint64(st.st_size))
                                .arg(options.mtimes ? mtime : 0)
                                .arg(QString::fromLatin1(sha256Of(path))));
        }
    }
    return out;
}

/// Paths below `root` whose name ends in .hostdeck-tmp (an unfinished upload's temp file).
inline QStringList tempFilesUnder(const QString& root)
{
    QStringList found;
    const QMap<QString, QString> all = snapshotTree(root, {false, 0, false});
    for (auto it = all.cbegin(); it != all.cend(); ++it) {
        if (it.key().endsWith(QStringLiteral(".hostdeck-tmp")))
            found << it.key();
    }
    return found;
}

/// The first difference of two snapshots, for a failure message.
inline QString firstDifference(const QMap<QString, QString>& a, const QMap<QString, QString>& b)
{
    for (auto it = a.cbegin(); it != a.cend(); ++it) {
        if (!b.contains(it.key()))
            return QStringLiteral("only left: %1 (%2)").arg(it.key(), it.value());
        if (b.value(it.key()) != it.value())
            return QStringLiteral("%1: %2 | %3").arg(it.key(), it.value(), b.value(it.key()));
    }
    for (auto it = b.cbegin(); it != b.cend(); ++it) {
        if (!a.contains(it.key()))
            return QStringLiteral("only right: %1 (%2)").arg(it.key(), it.value());
    }
    return {};
}

} // namespace hostdeck::test
