#pragma once

#include "engine/agent/AgentCall.h"
#include "engine/transfer/HashCache.h"
#include "engine/transfer/TreeDiff.h"

#include <QObject>
#include <QPointer>

#include <deque>
#include <memory>

namespace hostdeck::engine {

class FileDownload;
class HostContext;
class TransferMeter;
class TransferReport;

/// Makes a local folder match a folder of one host (fetch of a folder): the local tree, the
/// host's manifest (sizes and mtimes known here, so only files of equal size and another mtime
/// are hashed there and here), TreeDiff, then folders, files (small ones read many at once with
/// FileSystem.read_bytes, large ones streamed by FileDownload), symlinks and attributes. Every
/// path the host names is checked to stay below the local folder, and nothing is written
/// through a symlink. Local folders keep their owner's write bit. Check mode writes nothing.
class TreeFetch final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString remoteRoot;
        QString localRoot;
        bool checksum = false;
        QStringList exclude;
        std::shared_ptr<HashCache> hashes;
    };

    TreeFetch(HostContext* context, Options options, TransferReport* report, TransferMeter* meter,
              QObject* parent = nullptr);
    ~TreeFetch() override;

    void start();
    void cancel();

signals:
    void progress();
    void finished(bool ok, const hostdeck::engine::CallError& error);

private:
    void onManifest(const QJsonObject& reply);
    void compare();
    void execute();
    void pump();
    void read(const TreeEntry& entry);
    void download(const TreeEntry& entry);
    void finishFiles();
    bool check(const Status& status);
    void fail(const CallError& error);
    QString local(const QString& relative) const;
    QString remote(const QString& relative) const;

    HostContext* m_context;
    Options m_options;
    TransferReport* m_report;
    TransferMeter* m_meter;
    bool m_localExists = false;
    QList<TreeEntry> m_local;
    QList<TreeEntry> m_remote;
    TreeDiff m_diff;
    std::deque<TreeEntry> m_small;
    std::deque<TreeEntry> m_large;
    QList<TreeEntry> m_links;
    QList<QPointer<AgentCall>> m_calls;
    QList<QPointer<FileDownload>> m_downloads;
    int m_readsInFlight = 0;
    int m_downloadsInFlight = 0;
    HashCancel m_hashCancel;
    bool m_hashed = false;
    bool m_done = false;
};

} // namespace hostdeck::engine
