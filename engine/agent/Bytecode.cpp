#include "agent/Bytecode.h"

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

QString Bytecode::magicHex()
{
    static const QString magic =
        QString::fromLatin1(readBlob(QStringLiteral("agent")).left(kMagicSize).toHex());
    return magic;
}

} // namespace hostdeck::engine
