#pragma once

#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QObject;

namespace hostdeck::engine {

/// SHA-256 of local files, keyed by path, size and mtime, shared by the hosts of a run (a file
/// that twenty hosts need hashed is read once). Thread-safe.
class HashCache
{
public:
    std::optional<QString> find(const QString& path, qint64 size, qint64 mtimeNs) const;
    void insert(const QString& path, qint64 size, qint64 mtimeNs, const QString& sha256);

private:
    struct Item
    {
        qint64 size = 0;
        qint64 mtimeNs = 0;
        QString sha256;
    };
    mutable QMutex m_mutex;
    QHash<QString, Item> m_items;
};

/// A local file to hash.
struct HashJob
{
    QString path;
    qint64 size = 0;
    qint64 mtimeNs = 0;
};

using HashCancel = std::shared_ptr<std::atomic_bool>;

/// Hashes `jobs` on a thread of its own (1 MiB at a time, so the engine thread never waits on
/// a disk), fills `cache`, then calls `done` (empty error, or what failed) queued on
/// `receiver`'s thread; nothing is called when `receiver` is gone. Setting the returned flag
/// stops early with the error "cancelled".
HashCancel hashFiles(QList<HashJob> jobs, std::shared_ptr<HashCache> cache, QObject* receiver,
                     std::function<void(const QString& error)> done);

} // namespace hostdeck::engine
