#include "engine/transfer/FileUpload.h"

#include "engine/agent/AgentSession.h"
#include "engine/wire/DataCodec.h"

#include <QFileInfo>

namespace hostdeck::engine {

namespace {
const QString kTool = QStringLiteral("FileSystem");

CallRequest toolRequest(const QString& method, const QJsonObject& args)
{
    return CallRequest::of(kTool, method, args);
}

QString remoteMessage(const CallResult& reply)
{
    if (reply.error.type.isEmpty() || reply.error.type == QStringLiteral("ToolError"))
        return reply.error.message;
    return QStringLiteral("%1: %2").arg(reply.error.type, reply.error.message);
}
} // namespace

FileUpload::FileUpload(AgentSession* session, Options options, QObject* parent)
    : QObject(parent), m_session(session), m_options(std::move(options))
{
    qRegisterMetaType<TransferResult>();
    m_options.chunkSize = qBound(qint64(4096), m_options.chunkSize, qint64(16 << 20));
    m_options.window = qBound(1, m_options.window, 64);
}

FileUpload::~FileUpload()
{
    if (m_hashCancel)
        m_hashCancel->store(true);
    // Destroyed mid-transfer: still tell the agent to drop its temp file (no reply awaited).
    if (m_session && !m_token.isEmpty() &&
        (m_phase == Phase::Sending || m_phase == Phase::Aborting))
        m_session->call(
            toolRequest(QStringLiteral("upload_abort"), {{QStringLiteral("token"), m_token}}));
    // Destroyed while upload_begin runs: the temp file it opens is aborted once its token comes.
    if (m_session && m_phase == Phase::Beginning && m_beginCall) {
        AgentSession* session = m_session.data();
        connect(m_beginCall.data(), &AgentCall::finished, session,
                [session](const CallResult& reply) {
                    const QString token =
                        reply.value.toObject().value(QStringLiteral("token")).toString();
                    if (reply.ok && !token.isEmpty())
                        session->call(toolRequest(QStringLiteral("upload_abort"),
                                                  {{QStringLiteral("token"), token}}));
                });
    }
}

QString FileUpload::describe() const
{
    const QString target = m_session ? m_session->targetName() : QStringLiteral("?");
    return QStringLiteral("upload of %1 to %2:%3")
        .arg(m_options.localPath, target, m_options.remotePath);
}

void FileUpload::start()
{
    if (m_phase != Phase::Idle)
        return;
    if (!m_session) {
        fail(ErrorKind::ConnectionLost, QStringLiteral("no session"));
        return;
    }
    const QFileInfo info(m_options.localPath);
    if (!info.exists()) {
        fail(ErrorKind::NotFound, QStringLiteral("no such local file"));
        return;
    }
    if (!info.isFile()) {
        fail(ErrorKind::Usage, QStringLiteral("not a regular file"));
        return;
    }
    m_file.setFileName(m_options.localPath);
    if (!m_file.open(QIODevice::ReadOnly)) {
        fail(ErrorKind::Io, m_file.errorString());
        return;
    }
    m_size = m_file.size();
    begin(); // without a checksum: the agent asks for one only if dest could be identical
}

void FileUpload::onHashed(const QByteArray& sha256, qint64 size, const QString& error)
{
    if (m_phase != Phase::Hashing)
        return;
    m_hashCancel.reset();
    if (m_cancelRequested) {
        finishWith(makeError(ErrorKind::Cancelled, describe() + QStringLiteral(" cancelled")));
        return;
    }
    if (!error.isEmpty()) {
        fail(ErrorKind::Io, error);
        return;
    }
    if (size != m_size) {
        fail(ErrorKind::Io, QStringLiteral("the file changed size while it was being hashed"));
        return;
    }
    m_sha256 = QString::fromLatin1(sha256);
    begin();
}

void FileUpload::begin()
{
    QJsonObject args{{QStringLiteral("dest"), m_options.remotePath},
                     {QStringLiteral("size"), m_size},
                     {QStringLiteral("backup"), m_options.backup}};
    if (!m_sha256.isEmpty())
        args.insert(QStringLiteral("sha256"), m_sha256);
    if (!m_options.mode.isEmpty())
        args.insert(QStringLiteral("mode"), m_options.mode);
    if (!m_options.owner.isEmpty())
        args.insert(QStringLiteral("owner"), m_options.owner);
    if (!m_options.group.isEmpty())
        args.insert(QStringLiteral("group"), m_options.group);
    m_phase = Phase::Beginning;
    AgentCall* call = callTool(QStringLiteral("upload_begin"), args, m_options.check);
    m_beginCall = call;
    connect(call, &AgentCall::finished, this, &FileUpload::onBegun);
}

AgentCall* FileUpload::callTool(const QString& method, const QJsonObject& args, bool check)
{
    CallRequest request = toolRequest(method, args);
    request.check = check;
    request.timeout = m_options.callTimeout;
    return m_session->call(std::move(request));
}

void FileUpload::onBegun(const CallResult& reply)
{
    if (m_phase != Phase::Beginning)
        return;
    if (!reply.ok) {
        fail(reply.error.kind, remoteMessage(reply));
        return;
    }
    const QJsonObject o = reply.value.toObject();
    if (o.value(QStringLiteral("need_sha256")).toBool() && m_sha256.isEmpty()) {
        if (m_cancelRequested) {
            finishWith(makeError(ErrorKind::Cancelled, describe() + QStringLiteral(" cancelled")));
            return;
        }
        m_phase = Phase::Hashing; // dest has the same size: maybe the same content
        m_hashCancel = FileHasher::launch(m_options.localPath, this, &FileUpload::onHashed);
        return;
    }
    if (o.value(QStringLiteral("skip")).toBool()) {
        succeed(o, !o.value(QStringLiteral("check")).toBool(),
                o.value(QStringLiteral("changed")).toBool());
        return;
    }
    m_token = o.value(QStringLiteral("token")).toString();
    if (m_token.isEmpty()) {
        fail(ErrorKind::Protocol, QStringLiteral("the agent gave no upload token"));
        return;
    }
    if (m_cancelRequested) {
        abortRemote(makeError(ErrorKind::Cancelled, describe() + QStringLiteral(" cancelled")));
        return;
    }
    m_phase = Phase::Sending;
    pump();
}

void FileUpload::pump()
{
    while (m_phase == Phase::Sending && m_inFlight < m_options.window && m_sent < m_size) {
        const qint64 want = qMin(m_options.chunkSize, m_size - m_sent);
        const QByteArray data = m_file.read(want);
        if (data.size() != want) {
            const QString why = data.isEmpty() && m_file.error() != QFileDevice::NoError
                                    ? m_file.errorString()
                                    : QStringLiteral("the file shrank while it was being sent");
            abortRemote(
                makeError(ErrorKind::Io, QStringLiteral("%1 failed: %2").arg(describe(), why)));
            return;
        }
        CallRequest request =
            toolRequest(QStringLiteral("upload_chunk"),
                        {{QStringLiteral("token"), m_token},
                         {QStringLiteral("offset"), m_sent},
                         {QStringLiteral("data"), QJsonObject{{QStringLiteral("$bin"), 0}}}});
        if (m_sha256.isEmpty())
            m_streamHash.addData(data);
        request.attachments = {data}; // raw: no base64 round trip for the bulk of the transfer
        request.timeout = m_options.callTimeout;
        AgentCall* call = m_session->call(std::move(request));
        ++m_inFlight;
        m_sent += want;
        connect(call, &AgentCall::finished, this,
                [this, want](const CallResult& reply) { onChunkDone(want, reply); });
    }
    if (m_phase == Phase::Sending && m_inFlight == 0 && m_acked == m_size) {
        m_phase = Phase::Ending;
        m_file.close();
        if (m_sha256.isEmpty())
            m_sha256 = QString::fromLatin1(m_streamHash.hexDigest());
        AgentCall* call =
            callTool(QStringLiteral("upload_end"),
                     {{QStringLiteral("token"), m_token}, {QStringLiteral("sha256"), m_sha256}});
        connect(call, &AgentCall::finished, this, &FileUpload::onEnded);
    }
}

void FileUpload::onChunkDone(qint64 bytes, const CallResult& reply)
{
    --m_inFlight;
    if (m_phase != Phase::Sending)
        return;
    if (!reply.ok) {
        const Error reason = makeError(reply.error.kind, QStringLiteral("%1 failed at byte %2: %3")
                                                             .arg(describe())
                                                             .arg(m_acked)
                                                             .arg(remoteMessage(reply)));
        abortRemote(reason);
        return;
    }
    m_acked += bytes;
    emit progress(m_acked, m_size);
    pump();
}

void FileUpload::onEnded(const CallResult& reply)
{
    if (m_phase != Phase::Ending)
        return;
    m_token.clear(); // upload_end forgets the token on success and on failure
    if (!reply.ok) {
        fail(reply.error.kind, remoteMessage(reply));
        return;
    }
    const QJsonObject o = reply.value.toObject();
    const QString remoteSha = o.value(QStringLiteral("sha256")).toString();
    if (remoteSha != m_sha256) {
        fail(ErrorKind::Remote,
             QStringLiteral("checksum mismatch (local %1, remote %2)").arg(m_sha256, remoteSha));
        return;
    }
    succeed(o, false, true);
}

void FileUpload::cancel()
{
    switch (m_phase) {
    case Phase::Idle:
        finishWith(makeError(ErrorKind::Cancelled, describe() + QStringLiteral(" cancelled")));
        return;
    case Phase::Hashing:
        m_cancelRequested = true;
        if (m_hashCancel)
            m_hashCancel->store(true); // onHashed() finishes
        return;
    case Phase::Beginning:
        m_cancelRequested = true; // the begin may create a temp file: abort once its token is known
        return;
    case Phase::Sending:
        abortRemote(makeError(ErrorKind::Cancelled, describe() + QStringLiteral(" cancelled")));
        return;
    case Phase::Ending:
    case Phase::Aborting:
    case Phase::Done:
        return;
    }
}

void FileUpload::abortRemote(Error reason)
{
    m_phase = Phase::Aborting;
    m_file.close();
    if (!m_session || m_token.isEmpty()) {
        finishWith(std::move(reason));
        return;
    }
    // Chunks already sent are processed before this (frames run in order on the agent), so
    // the abort always finds the upload and removes its temp file.
    CallRequest request =
        toolRequest(QStringLiteral("upload_abort"), {{QStringLiteral("token"), m_token}});
    request.timeout = std::chrono::seconds(30);
    AgentCall* call = m_session->call(std::move(request));
    m_token.clear();
    connect(call, &AgentCall::finished, this,
            [this, reason](const CallResult&) { finishWith(reason); });
}

void FileUpload::fail(ErrorKind kind, const QString& what)
{
    finishWith(makeError(kind, QStringLiteral("%1 failed: %2").arg(describe(), what)));
}

void FileUpload::finishWith(Error error)
{
    if (m_phase == Phase::Done)
        return;
    m_phase = Phase::Done;
    m_file.close();
    m_result = TransferResult{};
    m_result.size = m_size;
    m_result.sha256 = m_sha256;
    m_result.bytesSent = m_acked;
    m_result.error = std::move(error);
    emit finished(m_result);
}

void FileUpload::succeed(const QJsonObject& remote, bool skipped, bool changed)
{
    m_phase = Phase::Done;
    m_file.close();
    m_result = TransferResult{};
    m_result.ok = true;
    m_result.skipped = skipped;
    m_result.changed = changed;
    m_result.size = m_size;
    m_result.bytesSent = m_acked;
    m_result.sha256 = m_sha256;
    m_result.remote = remote;
    emit progress(m_size, m_size);
    emit finished(m_result);
}

} // namespace hostdeck::engine
