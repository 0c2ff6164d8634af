#pragma once

#include "engine/transfer/FileHasher.h"
#include "engine/transfer/Sha256.h"
#include "engine/transfer/TransferResult.h"

#include <QFile>
#include <QObject>
#include <QPointer>

#include <chrono>

namespace hostdeck::engine {

class AgentCall;
class AgentSession;
struct CallResult;

/// Uploads one local file to a path on the session's host through FileSystem.upload_*:
/// upload_begin with the size; when the destination already has that size, the agent asks for
/// the SHA-256 first (computed on a worker thread) and an identical file is skipped; otherwise
/// chunks read from disk go out at once with a bounded number in flight (the file is never held
/// in memory) and are hashed as they go, then upload_end (size + checksum verified remotely,
/// temp file renamed into place). cancel() or any failure sends upload_abort, so no temp file is
/// left behind; finished() comes after that. Lives on the session's thread; never blocks.
class FileUpload final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString localPath;
        QString remotePath;
        QString mode;  ///< octal text, e.g. "0644"; empty: keep the destination's / default
        QString owner; ///< empty: keep / the agent's user
        QString group;
        bool backup = false;
        bool check = false;         ///< check mode: report what would change, send nothing
        qint64 chunkSize = 1 << 20; ///< bytes per upload_chunk call
        int window = 8;             ///< chunks in flight at most
        std::chrono::milliseconds callTimeout{300000};
    };

    FileUpload(AgentSession* session, Options options, QObject* parent = nullptr);
    ~FileUpload() override;

    void start();
    /// Stops sending and removes the remote temp file; finished() reports Cancelled. While the
    /// final upload_end runs (the rename), it completes and its real outcome is reported.
    void cancel();
    bool isFinished() const { return m_phase == Phase::Done; }
    const TransferResult& result() const { return m_result; }
    const Options& options() const { return m_options; }

signals:
    void progress(qint64 done, qint64 total);
    void finished(const hostdeck::engine::TransferResult& result);

private:
    enum class Phase
    {
        Idle,
        Hashing,
        Beginning,
        Sending,
        Ending,
        Aborting,
        Done
    };

    void begin();
    void onHashed(const QByteArray& sha256, qint64 size, const QString& error);
    void onBegun(const CallResult& reply);
    void pump();
    void onChunkDone(qint64 bytes, const CallResult& reply);
    void onEnded(const CallResult& reply);
    void abortRemote(Error reason);
    AgentCall* callTool(const QString& method, const QJsonObject& args, bool check = false);
    void fail(ErrorKind kind, const QString& what);
    void finishWith(Error error);
    void succeed(const QJsonObject& remote, bool skipped, bool changed);
    QString describe() const;

    QPointer<AgentSession> m_session;
    Options m_options;
    Phase m_phase = Phase::Idle;
    QFile m_file;
    QPointer<AgentCall> m_beginCall; ///< upload_begin in flight: its token must still be aborted
    FileHasher::CancelFlag m_hashCancel;
    QString m_token;
    QString m_sha256;    ///< known up front (same-size destination) or at the end of sending
    Sha256 m_streamHash; ///< over the chunks as they are read, when m_sha256 is not known yet
    qint64 m_size = 0;
    qint64 m_sent = 0;  ///< bytes handed to the session
    qint64 m_acked = 0; ///< bytes the agent confirmed
    int m_inFlight = 0;
    bool m_cancelRequested = false;
    TransferResult m_result;
};

} // namespace hostdeck::engine
