#include "engine/transfer/TreeEntry.h"

#include <QStringList>

namespace hostdeck::engine {

bool isCleanRelativePath(const QString& path)
{
    if (path.isEmpty() || path.startsWith(QLatin1Char('/')) || path.contains(QChar(0)))
        return false;
    const QStringList parts = path.split(QLatin1Char('/'));
    for (const QString& part : parts) {
        if (part.isEmpty() || part == QStringLiteral(".") || part == QStringLiteral(".."))
            return false;
    }
    return true;
}

QString octalMode(int mode)
{
    return QStringLiteral("%1").arg(mode & 07777, 4, 8, QLatin1Char('0'));
}

QString TreeEntry::typeName(Type type)
{
    switch (type) {
    case Type::File:
        return QStringLiteral("file");
    case Type::Directory:
        return QStringLiteral("directory");
    case Type::Symlink:
        return QStringLiteral("symlink");
    case Type::Other:
        break;
    }
    return QStringLiteral("other");
}

Result<TreeEntry> TreeEntry::fromManifest(const QJsonObject& item)
{
    TreeEntry entry;
    entry.path = item.value(QStringLiteral("path")).toString();
    if (!isCleanRelativePath(entry.path))
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("the host listed a path that leaves the root: '%1'")
                             .arg(entry.path.left(200)));
    const QString type = item.value(QStringLiteral("type")).toString();
    entry.type = type == QStringLiteral("file")        ? Type::File
                 : type == QStringLiteral("directory") ? Type::Directory
                 : type == QStringLiteral("symlink")   ? Type::Symlink
                                                       : Type::Other;
    const QJsonValue size = item.value(QStringLiteral("size"));
    const QJsonValue mtime = item.value(QStringLiteral("mtime_ns"));
    if (!size.isDouble() || size.toDouble() < 0 || !mtime.isDouble())
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("the host listed '%1' without a size or mtime")
                             .arg(entry.path.left(200)));
    entry.size = qint64(size.toDouble());
    entry.mtimeNs = mtime.toInteger(qint64(mtime.toDouble()));
    bool ok = false;
    entry.mode = item.value(QStringLiteral("mode")).toString().toInt(&ok, 8);
    if (!ok)
        entry.mode = 0;
    entry.target = item.value(QStringLiteral("target")).toString();
    entry.sha256 = item.value(QStringLiteral("sha256")).toString();
    if (entry.isLink() && entry.target.isEmpty())
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("the host listed the symlink '%1' without a target")
                             .arg(entry.path.left(200)));
    return entry;
}

} // namespace hostdeck::engine
