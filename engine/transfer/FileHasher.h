#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace hostdeck::engine {

/// Computes the size and SHA-256 of a local file on a thread of its own (reading 1 MiB at a
/// time), so a large file never stalls the engine thread. Start with FileHasher::launch();
/// done() arrives on the receiver's thread through a queued connection. The worker and its
/// thread delete themselves when finished.
class FileHasher final : public QObject
{
    Q_OBJECT
public:
    using CancelFlag = std::shared_ptr<std::atomic_bool>;

    /// Starts hashing `path`; returns the flag that cancels it (done() then reports "cancelled").
    /// `receiver` gets done() (queued); it may be destroyed before the hash is finished.
    template <typename Receiver, typename Slot>
    static CancelFlag launch(const QString& path, Receiver* receiver, Slot slot)
    {
        auto* hasher = new FileHasher(path);
        connect(hasher, &FileHasher::done, receiver, slot, Qt::QueuedConnection);
        return hasher->startThread();
    }

signals:
    /// `sha256` is lower-case hex; on failure it is empty and `error` says why.
    void done(const QByteArray& sha256, qint64 size, const QString& error);

private:
    explicit FileHasher(QString path);
    CancelFlag startThread();
    void run();

    QString m_path;
    CancelFlag m_cancel = std::make_shared<std::atomic_bool>(false);
};

} // namespace hostdeck::engine
