#include "engine/transfer/CopySource.h"

#include <QJsonArray>

namespace hostdeck::engine {

Result<CopySource> CopySource::scan(const QString& path, const QStringList& exclude)
{
    CopySource source;
    QString local = path;
    const bool content = local.size() > 1 && local.endsWith(QLatin1Char('/'));
    while (local.size() > 1 && local.endsWith(QLatin1Char('/')))
        local.chop(1);
    source.local = local;
    Result<TreeEntry> entry = LocalTree::statPath(local, true);
    if (!entry)
        return entry.error();
    if (entry->isDir()) {
        Result<LocalTree> tree = LocalTree::scan(local, exclude);
        if (!tree)
            return tree.error();
        source.kind = content ? Kind::FolderContent : Kind::Folder;
        source.tree = std::make_shared<const LocalTree>(std::move(*tree));
        source.name = content ? QString() : entry->path;
        if (!content && (source.name.isEmpty() || source.name == QStringLiteral("..") ||
                         source.name == QStringLiteral(".")))
            return makeError(ErrorKind::Usage,
                             QStringLiteral("%1: name the folder, or add a '/' to copy its "
                                            "content")
                                 .arg(path));
        return source;
    }
    if (!entry->isFile())
        return makeError(ErrorKind::Usage,
                         QStringLiteral("%1 is not a file or a folder").arg(path));
    if (content)
        return makeError(ErrorKind::Usage, QStringLiteral("%1 is not a folder").arg(path));
    source.kind = Kind::File;
    source.name = entry->path;
    source.file = *entry;
    return source;
}

Result<int> CopyOptions::parseMode(const QString& text)
{
    QString digits = text.trimmed().toLower();
    if (digits.startsWith(QStringLiteral("0o")))
        digits = digits.mid(2);
    bool ok = false;
    const int mode = digits.toInt(&ok, 8);
    if (!ok || digits.isEmpty() || mode < 0 || mode > 07777)
        return makeError(ErrorKind::Usage,
                         QStringLiteral("mode '%1': expected octal such as 0644").arg(text));
    return mode;
}

QJsonObject CopyOptions::toJson() const
{
    QJsonObject json{{QStringLiteral("dest"), remote},
                     {QStringLiteral("delete"), deleteExtra},
                     {QStringLiteral("checksum"), checksum},
                     {QStringLiteral("exclude"), QJsonArray::fromStringList(exclude)}};
    if (fileMode)
        json.insert(QStringLiteral("mode"), octalMode(*fileMode));
    if (!owner.isEmpty())
        json.insert(QStringLiteral("owner"), owner);
    if (!group.isEmpty())
        json.insert(QStringLiteral("group"), group);
    return json;
}

qint64 CopyJob::bytes() const
{
    qint64 total = 0;
    for (const CopySource& source : sources)
        total += source.tree ? source.tree->fileBytes() : source.file.size;
    return total;
}

int CopyJob::files() const
{
    int total = 0;
    for (const CopySource& source : sources)
        total += source.tree ? source.tree->fileCount() : 1;
    return total;
}

} // namespace hostdeck::engine
