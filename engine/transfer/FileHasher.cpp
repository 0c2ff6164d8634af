#include "engine/transfer/FileHasher.h"

#include "engine/transfer/Sha256.h"

#include <QFile>
#include <QThread>

namespace hostdeck::engine {

namespace {
constexpr qint64 kBlock = 1 << 20;
}

FileHasher::FileHasher(QString path) : m_path(std::move(path)) {}

FileHasher::CancelFlag FileHasher::startThread()
{
    auto* thread = new QThread;
    thread->setObjectName(QStringLiteral("hostdeck-hash"));
    moveToThread(thread);
    connect(thread, &QThread::started, this, &FileHasher::run);
    connect(this, &FileHasher::done, thread, &QThread::quit);
    connect(thread, &QThread::finished, this, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    CancelFlag flag = m_cancel;
    thread->start();
    return flag;
}

void FileHasher::run()
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        emit done({}, 0, QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString()));
        return;
    }
    Sha256 hash;
    QByteArray block(kBlock, Qt::Uninitialized);
    qint64 total = 0;
    while (true) {
        if (m_cancel->load()) {
            emit done({}, total, QStringLiteral("cancelled"));
            return;
        }
        const qint64 got = file.read(block.data(), kBlock);
        if (got < 0) {
            emit done({}, total,
                      QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString()));
            return;
        }
        if (got == 0)
            break;
        hash.addData(block.constData(), got);
        total += got;
    }
    emit done(hash.hexDigest(), total, QString());
}

} // namespace hostdeck::engine
