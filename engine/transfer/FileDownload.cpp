#include "engine/transfer/FileDownload.h"

#include "engine/agent/AgentSession.h"
#include "engine/wire/DataCodec.h"

#include <QDir>
#include <QFileInfo>

namespace hostdeck::engine {

namespace {
const QString kTool = QStringLiteral("FileSystem");

CallRequest toolRequest(const QString& method, const QJsonObject& args)
{
    return CallRequest::of(kTool, method, args);
}
} // namespace

FileDownload::FileDownload(AgentSession* session, Options options, QObject* parent)
    : QObject(parent), m_session(session), m_options(std::move(options))
{
    qRegisterMetaType<TransferResult>();
}

FileDownload::~FileDownload()
{
    if (m_call) {
        m_call->disconnect(this);
        m_call->cancel();
    }
    if (m_file)
        m_file->cancelWriting(); // the temp file goes with the QSaveFile
}

QString FileDownload::describe() const
{
    const QString target = m_session ? m_session->targetName() : QStringLiteral("?");
    return QStringLiteral("download of %1:%2 to %3")
        .arg(target, m_options.remotePath, m_options.localPath);
}

void FileDownload::start()
{
    if (m_started)
        return;
    m_started = true;
    if (!m_session) {
        fail(ErrorKind::ConnectionLost, QStringLiteral("no session"));
        return;
    }
    const QFileInfo info(m_options.localPath);
    if (info.isDir()) {
        fail(ErrorKind::Usage, QStringLiteral("the local destination is a directory"));
        return;
    }
    if (!info.dir().exists()) {
        fail(ErrorKind::NotFound, QStringLiteral("no local folder %1").arg(info.absolutePath()));
        return;
    }
    m_file = std::make_unique<QSaveFile>(m_options.localPath);
    if (!m_file->open(QIODevice::WriteOnly)) {
        const QString why = m_file->errorString();
        m_file.reset();
        fail(ErrorKind::Io, why);
        return;
    }
    // stat only feeds progress (total size); the download itself reports errors like a missing
    // file.
    AgentCall* stat = m_session->call(
        toolRequest(QStringLiteral("stat"), {{QStringLiteral("path"), m_options.remotePath},
                                             {QStringLiteral("follow"), true}}));
    connect(stat, &AgentCall::finished, this, &FileDownload::onStat);
    CallRequest request = toolRequest(QStringLiteral("download"),
                                      {{QStringLiteral("path"), m_options.remotePath},
                                       {QStringLiteral("chunk_size"), m_options.chunkSize}});
    request.timeout = m_options.timeout;
    request.maxReceive = -1; // the file's size: its chunks go to disk as they come, none is kept
    m_call = m_session->call(std::move(request));
    connect(m_call, &AgentCall::chunk, this, &FileDownload::onChunk);
    connect(m_call, &AgentCall::finished, this, &FileDownload::onFinished);
}

void FileDownload::onStat(const CallResult& reply)
{
    if (m_done || !reply.ok)
        return;
    const QJsonObject o = reply.value.toObject();
    if (o.value(QStringLiteral("exists")).toBool()) {
        m_total = qint64(o.value(QStringLiteral("size")).toDouble());
        emit progress(m_received, m_total);
    }
}

void FileDownload::onChunk(const QString& stream, const QJsonValue& data)
{
    if (m_done || stream != QStringLiteral("data"))
        return;
    const auto bytes = wire::toBytes(data);
    if (!bytes) {
        failAndCancel(ErrorKind::Protocol, QStringLiteral("a data chunk that is not bytes"));
        return;
    }
    if (m_file->write(*bytes) != bytes->size()) {
        failAndCancel(
            ErrorKind::Io,
            QStringLiteral("cannot write %1: %2").arg(m_options.localPath, m_file->errorString()));
        return;
    }
    m_hash.addData(*bytes);
    m_received += bytes->size();
    emit progress(m_received, m_total);
}

void FileDownload::onFinished(const CallResult& reply)
{
    if (m_done)
        return;
    if (!reply.ok) {
        const bool plain =
            reply.error.type.isEmpty() || reply.error.type == QStringLiteral("ToolError");
        fail(reply.error.kind,
             plain ? reply.error.message
                   : QStringLiteral("%1: %2").arg(reply.error.type, reply.error.message));
        return;
    }
    const QJsonObject o = reply.value.toObject();
    const qint64 size = qint64(o.value(QStringLiteral("size")).toDouble());
    const QString remoteSha = o.value(QStringLiteral("sha256")).toString();
    const QString localSha = QString::fromLatin1(m_hash.hexDigest());
    if (size != m_received) {
        fail(ErrorKind::Protocol,
             QStringLiteral("received %1 of %2 bytes").arg(m_received).arg(size));
        return;
    }
    if (remoteSha != localSha) {
        fail(ErrorKind::Protocol,
             QStringLiteral("checksum mismatch (remote %1, received %2)").arg(remoteSha, localSha));
        return;
    }
    if (!m_file->commit()) {
        const QString why = m_file->errorString();
        m_file.reset();
        fail(ErrorKind::Io, QStringLiteral("cannot save %1: %2").arg(m_options.localPath, why));
        return;
    }
    m_file.reset();
    m_done = true;
    m_result = TransferResult{};
    m_result.ok = true;
    m_result.changed = true;
    m_result.size = size;
    m_result.bytesSent = m_received;
    m_result.sha256 = localSha;
    m_result.remote = o;
    emit progress(m_received, size);
    emit finished(m_result);
}

void FileDownload::cancel()
{
    if (m_done)
        return;
    if (m_call)
        m_call->cancel(); // onFinished() sees Cancelled
    else
        fail(ErrorKind::Cancelled, QStringLiteral("cancelled"));
}

void FileDownload::failAndCancel(ErrorKind kind, const QString& what)
{
    const QPointer<AgentCall> call = m_call;
    fail(kind, what);
    if (call)
        call->cancel(); // its Cancelled reply is ignored: this transfer is already done
}

void FileDownload::fail(ErrorKind kind, const QString& what)
{
    if (m_done)
        return;
    m_done = true;
    if (m_file) {
        m_file->cancelWriting();
        m_file.reset();
    }
    m_result = TransferResult{};
    m_result.bytesSent = m_received;
    m_result.error = makeError(kind, QStringLiteral("%1 failed: %2").arg(describe(), what));
    emit finished(m_result);
}

} // namespace hostdeck::engine
