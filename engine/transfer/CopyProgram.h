#pragma once

#include "engine/runner/RunRequest.h"
#include "engine/transfer/CopySource.h"
#include "engine/transfer/TransferReport.h"

#include <QPointer>

#include <deque>
#include <memory>

namespace hostdeck::engine {

class FileUpload;
class TreeSync;

/// Copies a CopyJob to one host (the HostProgram of CopyPlan and SyncPlan): where REMOTE is
/// and what it is (one stat), the folder made when the sources go into it, the single files
/// through FileUpload (identical content is hashed on both ends and not sent), the folders
/// through TreeSync, one after the other. Progress goes out as `progress` events a few times
/// a second; the record's value is the TransferReport.
class CopyProgram final : public HostProgram
{
    Q_OBJECT
public:
    explicit CopyProgram(std::shared_ptr<const CopyJob> job, QObject* parent = nullptr);
    ~CopyProgram() override;

    void start(HostContext* context) override;

private:
    void onStat(const QJsonObject& stat);
    void startFiles();
    void pumpFiles();
    void uploadFile(const CopySource& source);
    void nextTree();
    void sendProgress(bool force = false);
    void fail(const CallError& error);
    void finish();
    QString destFor(const CopySource& source) const;

    std::shared_ptr<const CopyJob> m_job;
    HostContext* m_context = nullptr;
    QString m_dest; ///< REMOTE, or REMOTE/NAME for one file into a folder
    bool m_destIsFolder = false;
    std::deque<const CopySource*> m_files;
    std::deque<const CopySource*> m_trees;
    QList<QPointer<FileUpload>> m_uploads;
    int m_uploadsInFlight = 0;
    QPointer<TreeSync> m_tree;
    TransferReport m_report;
    TransferMeter m_meter;
    bool m_done = false;
};

} // namespace hostdeck::engine
