#include "engine/transfer/LocalFiles.h"

#include <QFile>
#include <QRandomGenerator>
#include <QStringList>

#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hostdeck::engine {

namespace {

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

Error ioError(const QString& what, const QString& path, int error)
{
    return makeError(ErrorKind::Io,
                     QStringLiteral("cannot %1 %2: %3").arg(what, path, errnoText(error)));
}

QString tempBeside(const QString& path)
{
    const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
    const QString folder = path.left(slash + 1);
    const QString name = path.mid(slash + 1);
    const QString tag = QString::number(QRandomGenerator::global()->generate64(), 16);
    // NAME_MAX is 255 bytes: a long name gets a short temp name.
    return folder + QLatin1Char('.') + (name.toUtf8().size() < 200 ? name : QStringLiteral("hd")) +
           QLatin1Char('.') + tag + QStringLiteral(".hostdeck-tmp");
}

int removeAt(int dirFd, const char* name)
{
    struct stat st
    {
    };
    if (::fstatat(dirFd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? 0 : errno;
    if (!S_ISDIR(st.st_mode))
        return ::unlinkat(dirFd, name, 0) == 0 ? 0 : errno;
    const int fd = ::openat(dirFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno;
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
        const int error = errno;
        ::close(fd);
        return error;
    }
    QList<QByteArray> names;
    while (const dirent* item = ::readdir(dir)) {
        const QByteArray child(item->d_name);
        if (child != "." && child != "..")
            names << child;
    }
    int error = 0;
    for (const QByteArray& child : std::as_const(names)) {
        if ((error = removeAt(::dirfd(dir), child.constData())) != 0)
            break;
    }
    ::closedir(dir);
    if (error != 0)
        return error;
    return ::unlinkat(dirFd, name, AT_REMOVEDIR) == 0 ? 0 : errno;
}

} // namespace

QString LocalFiles::join(const QString& root, const QString& relative)
{
    if (root.endsWith(QLatin1Char('/')))
        return root + relative;
    return root + QLatin1Char('/') + relative;
}

QString LocalFiles::hostFolderName(const QString& host)
{
    QString name = host;
    name.replace(QLatin1Char('/'), QLatin1Char('_')).replace(QChar(0), QLatin1Char('_'));
    if (name.isEmpty() || name == QStringLiteral(".") || name == QStringLiteral(".."))
        name.prepend(QLatin1Char('_'));
    return name;
}

Status LocalFiles::checkParents(const QString& root, const QString& relative)
{
    const QStringList parts = relative.split(QLatin1Char('/'));
    QString path = root;
    for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
        path = join(path, parts.at(i));
        struct stat st
        {
        };
        if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
            return ioError(QStringLiteral("reach"), path, errno);
        if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode))
            return makeError(ErrorKind::Io,
                             QStringLiteral("%1 is not a folder (a symlink or a file): nothing is "
                                            "written through it")
                                 .arg(path));
    }
    return Ok{};
}

Status LocalFiles::writeFile(const QString& path, const QByteArray& data, int mode, qint64 mtimeNs)
{
    const QString temp = tempBeside(path);
    const QByteArray tempName = QFile::encodeName(temp);
    const int fd =
        ::open(tempName.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return ioError(QStringLiteral("write"), path, errno);
    int error = 0;
    for (qsizetype done = 0; done < data.size() && error == 0;) {
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n < 0 && errno != EINTR)
            error = errno;
        else if (n > 0)
            done += n;
    }
    const struct timespec times[2] = {
        {0, UTIME_OMIT}, {time_t(mtimeNs / 1000000000LL), long(mtimeNs % 1000000000LL)}};
    if (error == 0 && ::fchmod(fd, mode_t(mode & 07777)) != 0)
        error = errno;
    if (error == 0 && ::futimens(fd, times) != 0)
        error = errno;
    if (::close(fd) != 0 && error == 0)
        error = errno;
    if (error == 0 && ::rename(tempName.constData(), QFile::encodeName(path).constData()) != 0)
        error = errno;
    if (error != 0) {
        ::unlink(tempName.constData());
        return ioError(QStringLiteral("write"), path, error);
    }
    return Ok{};
}

Status LocalFiles::makeLink(const QString& path, const QString& target)
{
    const QByteArray tempName = QFile::encodeName(tempBeside(path));
    if (::symlink(QFile::encodeName(target).constData(), tempName.constData()) != 0)
        return ioError(QStringLiteral("create the symlink"), path, errno);
    if (::rename(tempName.constData(), QFile::encodeName(path).constData()) != 0) {
        const int error = errno;
        ::unlink(tempName.constData());
        return ioError(QStringLiteral("create the symlink"), path, error);
    }
    return Ok{};
}

Status LocalFiles::makeDir(const QString& path, int mode)
{
    const QByteArray name = QFile::encodeName(path);
    if (::mkdir(name.constData(), 0700) != 0 && errno != EEXIST)
        return ioError(QStringLiteral("create the folder"), path, errno);
    return setAttributes(path, mode, std::nullopt);
}

Status LocalFiles::setAttributes(const QString& path, std::optional<int> mode,
                                 std::optional<qint64> mtimeNs)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return ioError(QStringLiteral("change"), path, errno);
    int error = 0;
    if (mode && ::fchmod(fd, mode_t(*mode & 07777)) != 0)
        error = errno;
    if (error == 0 && mtimeNs) {
        const struct timespec times[2] = {
            {0, UTIME_OMIT}, {time_t(*mtimeNs / 1000000000LL), long(*mtimeNs % 1000000000LL)}};
        if (::futimens(fd, times) != 0)
            error = errno;
    }
    ::close(fd);
    return error == 0 ? Status(Ok{}) : Status(ioError(QStringLiteral("change"), path, error));
}

Status LocalFiles::remove(const QString& path)
{
    if (const int error = removeAt(AT_FDCWD, QFile::encodeName(path).constData()); error != 0)
        return ioError(QStringLiteral("remove"), path, error);
    return Ok{};
}

} // namespace hostdeck::engine
