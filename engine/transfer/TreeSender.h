#pragma once

#include "engine/agent/AgentCall.h"
#include "engine/transfer/TreeEntry.h"

#include <QList>
#include <QObject>
#include <QPointer>

#include <chrono>
#include <deque>
#include <optional>

namespace hostdeck::engine {

class FileUpload;
class HostContext;

/// Writes files and symlinks of a local tree below a remote root, pipelined: small files and
/// symlinks travel many to a call (FileSystem.sync_put, a few calls in flight), large files
/// stream through FileUpload (a couple at once, each with its own window of chunks) and get
/// their mtime with one sync_attrs at the end. Every file keeps its mode (or the given one)
/// and its mtime, so the next sync finds it unchanged by size and mtime alone. Memory stays
/// bounded by the windows. Lives on the engine thread; never blocks on the host.
class TreeSender final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString localRoot;  ///< the local folder the entries' paths are relative to
        QString remoteRoot; ///< the remote folder they go below (it exists)
        std::optional<int> fileMode;
        QString owner;
        QString group;
        qint64 smallFile = 1 << 20;  ///< files up to this size go in batches
        qint64 batchBytes = 4 << 20; ///< data per sync_put call
        int batchFiles = 1000;       ///< entries per sync_put call
        int batchWindow = 3;         ///< sync_put calls in flight
        int uploadWindow = 2;        ///< large files at once
        std::chrono::milliseconds callTimeout{std::chrono::minutes(10)};
    };

    TreeSender(HostContext* context, Options options, QList<TreeEntry> items,
               QObject* parent = nullptr);
    ~TreeSender() override;

    void start();
    /// Stops sending; calls in flight are cancelled and uploads abort (no temp file stays).
    void cancel();

signals:
    /// Bytes and files written since the last signal.
    void progress(qint64 bytes, int files);
    /// Once: ok, or why not (the first failure stops the rest).
    void finished(bool ok, const hostdeck::engine::CallError& error);

private:
    struct Batch;
    void pump();
    bool sendBatch();
    void startUpload(const TreeEntry& entry);
    void onBatchDone(qint64 bytes, int files, const CallResult& result);
    void finishIfDone();
    void fail(const CallError& error);
    QString localPath(const QString& relative) const;

    HostContext* m_context;
    Options m_options;
    std::deque<TreeEntry> m_small;
    std::deque<TreeEntry> m_large;
    QList<QPointer<AgentCall>> m_calls;
    QList<QPointer<FileUpload>> m_uploads;
    QJsonArray m_mtimes; ///< sync_attrs items of the large files done
    int m_batchesInFlight = 0;
    int m_uploadsInFlight = 0;
    bool m_started = false;
    bool m_finalizing = false;
    bool m_done = false;
};

} // namespace hostdeck::engine
