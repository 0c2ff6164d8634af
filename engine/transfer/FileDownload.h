#pragma once

#include "engine/transfer/Sha256.h"
#include "engine/transfer/TransferResult.h"

#include <QObject>
#include <QPointer>
#include <QSaveFile>

#include <chrono>
#include <memory>

namespace hostdeck::engine {

class AgentCall;
class AgentSession;
struct CallResult;

/// Downloads one remote file to a local path through FileSystem.download: the CHUNKs are written
/// straight to a temp file next to the destination (QSaveFile) and hashed as they arrive; when
/// the agent's final {size, sha256} matches, the temp file is renamed into place. Memory stays
/// bounded by a few chunks whatever the file size. On failure or cancel() no temp file remains
/// and the destination is untouched. Lives on the session's thread; never blocks.
class FileDownload final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString remotePath;
        QString localPath;
        qint64 chunkSize = 1 << 20;
        std::chrono::milliseconds timeout{0}; ///< whole transfer; 0 = none
    };

    FileDownload(AgentSession* session, Options options, QObject* parent = nullptr);
    ~FileDownload() override;

    void start();
    void cancel();
    bool isFinished() const { return m_done; }
    const TransferResult& result() const { return m_result; }

signals:
    /// `total` is -1 until the remote size is known.
    void progress(qint64 done, qint64 total);
    void finished(const hostdeck::engine::TransferResult& result);

private:
    void onStat(const CallResult& reply);
    void onChunk(const QString& stream, const QJsonValue& data);
    void onFinished(const CallResult& reply);
    void fail(ErrorKind kind, const QString& what);
    void failAndCancel(ErrorKind kind, const QString& what);
    QString describe() const;

    QPointer<AgentSession> m_session;
    Options m_options;
    std::unique_ptr<QSaveFile> m_file;
    Sha256 m_hash;
    QPointer<AgentCall> m_call;
    qint64 m_received = 0;
    qint64 m_total = -1;
    bool m_started = false;
    bool m_done = false;
    TransferResult m_result;
};

} // namespace hostdeck::engine
