#include "engine/api/ApiToken.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QStandardPaths>

namespace hostdeck::engine::api {

QByteArray ApiToken::generate()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(bytes.data()),
                                          bytes.size() / int(sizeof(quint32)));
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString ApiToken::defaultFile()
{
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    const QString base =
        !runtime.isEmpty() && QFileInfo(runtime).isDir()
            ? runtime
            : QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    return base + QStringLiteral("/hostdeck/api.json");
}

Status ApiToken::writeFile(const QString& path, const QJsonObject& content)
{
    const QString dir = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(dir))
        return makeError(ErrorKind::Io, QStringLiteral("cannot create %1").arg(dir));
    QFile::setPermissions(dir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorKind::Io,
                         QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    // Narrowed before the token is written into it.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return makeError(ErrorKind::Io, QStringLiteral("cannot make %1 private").arg(path));
    file.write(QJsonDocument(content).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return makeError(ErrorKind::Io,
                         QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return Ok{};
}

void ApiToken::removeFile(const QString& path, const QByteArray& token)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QJsonObject json = QJsonDocument::fromJson(file.read(64 * 1024)).object();
    file.close();
    if (json.value(QStringLiteral("token")).toString().toUtf8() == token)
        QFile::remove(path);
}

bool ApiToken::equal(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

} // namespace hostdeck::engine::api
