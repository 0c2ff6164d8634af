#pragma once

#include "engine/runner/RunRequest.h"
#include "engine/transfer/FetchPlan.h"
#include "engine/transfer/HashCache.h"
#include "engine/transfer/TransferReport.h"

#include <QPointer>

#include <memory>

namespace hostdeck::engine {

class FileDownload;
class TreeFetch;

/// Fetches a FetchJob from one host into `localPath` (FetchPlan's HostProgram): a stat says
/// file or folder; a file whose local copy has the same size is hashed on both ends and only
/// downloaded when it differs; a folder goes through TreeFetch.
class FetchProgram final : public HostProgram
{
    Q_OBJECT
public:
    FetchProgram(std::shared_ptr<const FetchJob> job, QString localPath, QObject* parent = nullptr);
    ~FetchProgram() override;

    void start(HostContext* context) override;

private:
    void onStat(const QJsonObject& stat);
    void fetchFile(qint64 size, int mode, qint64 mtimeNs);
    void compareFile(qint64 size, int mode, qint64 mtimeNs);
    void downloadFile(qint64 size, int mode, qint64 mtimeNs);
    void fetchTree();
    void sendProgress(bool force = false);
    void fail(const CallError& error);
    void finish();

    std::shared_ptr<const FetchJob> m_job;
    QString m_localPath;
    HostContext* m_context = nullptr;
    QPointer<FileDownload> m_download;
    QPointer<TreeFetch> m_tree;
    HashCancel m_hashCancel;
    TransferReport m_report;
    TransferMeter m_meter;
    bool m_done = false;
};

} // namespace hostdeck::engine
