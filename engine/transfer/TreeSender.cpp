#include "engine/transfer/TreeSender.h"

#include "engine/runner/RunRequest.h"
#include "engine/transfer/FileUpload.h"

#include <QFile>

namespace hostdeck::engine {

namespace {
const QString kTool = QStringLiteral("FileSystem");

CallError errorOf(ErrorKind kind, const QString& message)
{
    CallError error;
    error.kind = kind;
    error.message = message;
    return error;
}
} // namespace

TreeSender::TreeSender(HostContext* context, Options options, QList<TreeEntry> items,
                       QObject* parent)
    : QObject(parent), m_context(context), m_options(std::move(options))
{
    for (TreeEntry& item : items) {
        if (item.isFile() && item.size > m_options.smallFile)
            m_large.push_back(std::move(item));
        else
            m_small.push_back(std::move(item));
    }
}

TreeSender::~TreeSender() = default;

QString TreeSender::localPath(const QString& relative) const
{
    return m_options.localRoot + QLatin1Char('/') + relative;
}

void TreeSender::start()
{
    if (m_started)
        return;
    m_started = true;
    pump();
}

void TreeSender::pump()
{
    if (m_done || m_finalizing)
        return;
    while (m_uploadsInFlight < m_options.uploadWindow && !m_large.empty()) {
        TreeEntry entry = std::move(m_large.front());
        m_large.pop_front();
        startUpload(entry);
        if (m_done)
            return;
    }
    while (m_batchesInFlight < m_options.batchWindow && !m_small.empty()) {
        if (!sendBatch())
            return;
    }
    finishIfDone();
}

bool TreeSender::sendBatch()
{
    QJsonArray files;
    QList<QByteArray> blobs;
    qint64 bytes = 0;
    int count = 0;
    while (!m_small.empty() && count < m_options.batchFiles &&
           (count == 0 || bytes + m_small.front().size <= m_options.batchBytes)) {
        const TreeEntry entry = std::move(m_small.front());
        m_small.pop_front();
        QJsonObject item{{QStringLiteral("path"), entry.path}};
        if (entry.isLink()) {
            item.insert(QStringLiteral("target"), entry.target);
        } else {
            QFile file(localPath(entry.path));
            if (!file.open(QIODevice::ReadOnly)) {
                fail(errorOf(
                    ErrorKind::Io,
                    QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString())));
                return false;
            }
            QByteArray data = file.read(entry.size + 1);
            if (data.size() != entry.size) {
                fail(errorOf(ErrorKind::Io,
                             QStringLiteral("%1 changed while it was being copied (%2 bytes, "
                                            "%3 when the copy started)")
                                 .arg(file.fileName())
                                 .arg(data.size())
                                 .arg(entry.size)));
                return false;
            }
            item.insert(QStringLiteral("data"),
                        QJsonObject{{QStringLiteral("$bin"), blobs.size()}});
            item.insert(QStringLiteral("mode"), octalMode(m_options.fileMode.value_or(entry.mode)));
            item.insert(QStringLiteral("mtime_ns"), entry.mtimeNs);
            blobs << std::move(data);
            bytes += entry.size;
        }
        if (!m_options.owner.isEmpty())
            item.insert(QStringLiteral("owner"), m_options.owner);
        if (!m_options.group.isEmpty())
            item.insert(QStringLiteral("group"), m_options.group);
        files.append(item);
        ++count;
    }
    CallRequest request = CallRequest::of(
        kTool, QStringLiteral("sync_put"),
        {{QStringLiteral("root"), m_options.remoteRoot}, {QStringLiteral("files"), files}});
    request.attachments = std::move(blobs);
    AgentCall* call = m_context->call(std::move(request));
    m_calls << call;
    ++m_batchesInFlight;
    connect(call, &AgentCall::finished, this,
            [this, bytes, count](const CallResult& result) { onBatchDone(bytes, count, result); });
    return true;
}

void TreeSender::onBatchDone(qint64 bytes, int files, const CallResult& result)
{
    --m_batchesInFlight;
    if (m_done)
        return;
    if (!result.ok) {
        fail(result.error);
        return;
    }
    emit progress(bytes, files);
    pump();
}

void TreeSender::startUpload(const TreeEntry& entry)
{
    AgentSession* session = m_context->session();
    FileUpload::Options options;
    options.localPath = localPath(entry.path);
    options.remotePath = m_options.remoteRoot + QLatin1Char('/') + entry.path;
    options.mode = octalMode(m_options.fileMode.value_or(entry.mode));
    options.owner = m_options.owner;
    options.group = m_options.group;
    options.callTimeout = m_options.callTimeout;
    auto* upload = new FileUpload(session, options, this);
    m_uploads << upload;
    ++m_uploadsInFlight;
    auto last = std::make_shared<qint64>(0);
    connect(upload, &FileUpload::progress, this, [this, last](qint64 done, qint64) {
        if (m_done || done <= *last)
            return;
        emit progress(done - *last, 0);
        *last = done;
    });
    connect(upload, &FileUpload::finished, this,
            [this, upload, entry, last](const TransferResult& result) {
                --m_uploadsInFlight;
                upload->deleteLater();
                if (m_done)
                    return;
                if (!result.ok) {
                    fail(errorOf(result.error.kind, result.error.message));
                    return;
                }
                if (result.size > *last)
                    emit progress(result.size - *last, 0);
                emit progress(0, 1);
                m_mtimes.append(QJsonObject{{QStringLiteral("path"), entry.path},
                                            {QStringLiteral("mtime_ns"), entry.mtimeNs}});
                pump();
            });
    upload->start();
}

void TreeSender::finishIfDone()
{
    if (m_done || m_finalizing || m_batchesInFlight > 0 || m_uploadsInFlight > 0 ||
        !m_small.empty() || !m_large.empty())
        return;
    if (m_mtimes.isEmpty()) {
        m_done = true;
        emit finished(true, {});
        return;
    }
    m_finalizing = true;
    AgentCall* call =
        m_context->call(CallRequest::of(kTool, QStringLiteral("sync_attrs"),
                                        {{QStringLiteral("root"), m_options.remoteRoot},
                                         {QStringLiteral("items"), std::exchange(m_mtimes, {})}}));
    m_calls << call;
    connect(call, &AgentCall::finished, this, [this](const CallResult& result) {
        if (m_done)
            return;
        m_done = true;
        if (result.ok)
            emit finished(true, {});
        else
            emit finished(false, result.error);
    });
}

void TreeSender::fail(const CallError& error)
{
    if (m_done)
        return;
    m_done = true;
    cancel();
    emit finished(false, error);
}

void TreeSender::cancel()
{
    m_done = true;
    m_small.clear();
    m_large.clear();
    const auto calls = std::exchange(m_calls, {});
    for (const QPointer<AgentCall>& call : calls) {
        if (call)
            call->cancel();
    }
    const auto uploads = m_uploads;
    for (const QPointer<FileUpload>& upload : uploads) {
        if (upload && !upload->isFinished())
            upload->cancel(); // aborts the remote temp file
    }
}

} // namespace hostdeck::engine
