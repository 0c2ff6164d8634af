#include "engine/agent/Bytecode.h"

#include "engine/util/Lzma.h"

#include <QCryptographicHash>
#include <QFile>

namespace hostdeck::engine {

namespace {
constexpr qsizetype kMagicSize = 4;
constexpr qsizetype kHashSize = 32;

QByteArray readBlob(const QString& name)
{
    QFile file(QStringLiteral(":/hostdeck/bytecode/%1.pyc").arg(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray blob = file.readAll();
    return blob.size() > kMagicSize + kHashSize ? blob : QByteArray();
}
} // namespace

QByteArray Bytecode::forSource(const QString& name, const QByteArray& source)
{
    const QByteArray blob = readBlob(name);
    if (blob.isEmpty() || blob.mid(kMagicSize, kHashSize) !=
                              QCryptographicHash::hash(source, QCryptographicHash::Sha256))
        return {};
    return blob.left(kMagicSize) + blob.mid(kMagicSize + kHashSize);
}

QByteArray Bytecode::packedSource(const QString& name, const QByteArray& source)
{
    QFile file(QStringLiteral(":/hostdeck/bytecode/%1.xz").arg(name));
    if (file.open(QIODevice::ReadOnly)) {
        const QByteArray blob = file.readAll();
        if (blob.size() > kHashSize &&
            blob.left(kHashSize) == QCryptographicHash::hash(source, QCryptographicHash::Sha256))
            return blob.mid(kHashSize);
    }
    return lzma::compress(source, 9, true);
}

QString Bytecode::magicHex()
{
    static const QString magic =
        QString::fromLatin1(readBlob(QStringLiteral("agent")).left(kMagicSize).toHex());
    return magic;
}

} // namespace hostdeck::engine
