#include "engine/transfer/HashCache.h"

#include "engine/transfer/Sha256.h"

#include <QFile>
#include <QMutexLocker>
#include <QThread>

namespace hostdeck::engine {

std::optional<QString> HashCache::find(const QString& path, qint64 size, qint64 mtimeNs) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_items.constFind(path);
    if (it == m_items.cend() || it->size != size || it->mtimeNs != mtimeNs)
        return std::nullopt;
    return it->sha256;
}

void HashCache::insert(const QString& path, qint64 size, qint64 mtimeNs, const QString& sha256)
{
    QMutexLocker lock(&m_mutex);
    m_items.insert(path, Item{size, mtimeNs, sha256});
}

namespace {

QString hashOne(const HashJob& job, const std::atomic_bool& cancel, QString& sha256)
{
    QFile file(job.path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read %1: %2").arg(job.path, file.errorString());
    Sha256 hash;
    QByteArray block(1 << 20, Qt::Uninitialized);
    qint64 total = 0;
    for (qint64 n; (n = file.read(block.data(), block.size())) > 0;) {
        if (cancel.load())
            return QStringLiteral("cancelled");
        hash.addData(block.constData(), n);
        total += n;
    }
    if (file.error() != QFileDevice::NoError)
        return QStringLiteral("cannot read %1: %2").arg(job.path, file.errorString());
    if (total != job.size)
        return QStringLiteral("%1 changed while it was being copied (%2 bytes, expected %3)")
            .arg(job.path)
            .arg(total)
            .arg(job.size);
    sha256 = QString::fromLatin1(hash.hexDigest());
    return {};
}

} // namespace

HashCancel hashFiles(QList<HashJob> jobs, std::shared_ptr<HashCache> cache, QObject* receiver,
                     std::function<void(const QString& error)> done)
{
    auto cancel = std::make_shared<std::atomic_bool>(false);
    auto error = std::make_shared<QString>();
    QThread* thread = QThread::create([jobs = std::move(jobs), cache, cancel, error] {
        for (const HashJob& job : std::as_const(jobs)) {
            if (cache->find(job.path, job.size, job.mtimeNs))
                continue;
            QString sha256;
            *error = hashOne(job, *cancel, sha256);
            if (!error->isEmpty())
                return;
            cache->insert(job.path, job.size, job.mtimeNs, sha256);
        }
    });
    // Queued to the receiver's thread; Qt drops the call when the receiver is gone by then.
    QObject::connect(thread, &QThread::finished, receiver,
                     [error, done = std::move(done)] { done(*error); });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
    return cancel;
}

} // namespace hostdeck::engine
