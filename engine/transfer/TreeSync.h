#pragma once

#include "engine/agent/AgentCall.h"
#include "engine/transfer/HashCache.h"
#include "engine/transfer/LocalTree.h"
#include "engine/transfer/TreeDiff.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace hostdeck::engine {

class HostContext;
class TransferMeter;
class TransferReport;
class TreeSender;

/// Makes a folder on one host match a local tree (copy of a folder, sync): the host's manifest
/// (FileSystem.sync_manifest, with the local sizes and mtimes so that only files of equal size
/// and another mtime are hashed there), the same files hashed here (once per run, HashCache),
/// TreeDiff, then deletes, folders, the files that differ (TreeSender) and the attributes of
/// those whose content was right. Only what differs travels. In check mode it reports the same
/// plan and changes nothing. Every call goes through the HostContext (check mode, timeouts).
class TreeSync final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString remoteRoot;       ///< absolute; made (with parents) when missing
        QString reportPrefix;     ///< put before the paths in the report ("site/")
        bool deleteExtra = false; ///< remove what the local tree lacks (sync --delete)
        bool checksum = false;    ///< compare every same-size file by content
        std::optional<int> fileMode;
        QString owner;
        QString group;
        QStringList exclude;
    };

    TreeSync(HostContext* context, std::shared_ptr<const LocalTree> tree,
             std::shared_ptr<HashCache> hashes, Options options, TransferReport* report,
             TransferMeter* meter, QObject* parent = nullptr);
    ~TreeSync() override;

    void start();
    void cancel();

signals:
    void progress();
    void finished(bool ok, const hostdeck::engine::CallError& error);

private:
    using Next = std::function<void(const QJsonObject&)>;
    void call(const QString& method, QJsonObject args, Next next);
    void onManifest(const QJsonObject& reply);
    void compare();
    void report();
    void execute();
    void runSteps();
    void send();
    void applyOwnership();
    void fail(const CallError& error);
    void done();
    QString shown(const QString& path) const { return m_options.reportPrefix + path; }

    HostContext* m_context;
    std::shared_ptr<const LocalTree> m_tree;
    std::shared_ptr<HashCache> m_hashes;
    Options m_options;
    TransferReport* m_report;
    TransferMeter* m_meter;
    QList<TreeEntry> m_local;
    QList<TreeEntry> m_remote;
    bool m_rootMissing = false;
    TreeDiff m_diff;
    QList<std::function<void()>> m_steps;
    QPointer<AgentCall> m_call;
    QPointer<TreeSender> m_sender;
    HashCancel m_hashCancel;
    bool m_hashed = false;
    bool m_done = false;
};

} // namespace hostdeck::engine
