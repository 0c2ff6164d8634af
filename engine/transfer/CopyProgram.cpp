#include "engine/transfer/CopyProgram.h"

#include "engine/transfer/FileUpload.h"
#include "engine/transfer/TreeSync.h"

#include <QJsonArray>

namespace hostdeck::engine {

namespace {
const QString kTool = QStringLiteral("FileSystem");
constexpr int kUploadWindow = 4; ///< single files at once

QString joinRemote(const QString& folder, const QString& name)
{
    if (folder.endsWith(QLatin1Char('/')))
        return folder + name;
    return folder + QLatin1Char('/') + name;
}

QString baseName(const QString& path)
{
    return path.mid(path.lastIndexOf(QLatin1Char('/')) + 1);
}

QString dirName(const QString& path)
{
    const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
    return slash <= 0 ? QStringLiteral("/") : path.left(slash);
}
} // namespace

CopyProgram::CopyProgram(std::shared_ptr<const CopyJob> job, QObject* parent)
    : HostProgram(parent), m_job(std::move(job))
{
}

CopyProgram::~CopyProgram() = default;

void CopyProgram::start(HostContext* context)
{
    m_context = context;
    AgentCall* call = context->call(CallRequest::of(
        kTool, QStringLiteral("stat"),
        {{QStringLiteral("path"), m_job->options.remote}, {QStringLiteral("follow"), true}}));
    connect(call, &AgentCall::finished, this, [this](const CallResult& result) {
        if (!result.ok)
            return fail(result.error);
        onStat(result.value.toObject());
    });
}

void CopyProgram::onStat(const QJsonObject& stat)
{
    const QString remote = m_job->options.remote;
    const bool exists = stat.value(QStringLiteral("exists")).toBool();
    const QString type = stat.value(QStringLiteral("type")).toString();
    if (!m_job->intoFolder) {
        const bool folder = exists && type == QStringLiteral("directory");
        m_dest = folder ? joinRemote(remote, m_job->sources.constFirst().name) : remote;
        m_report.setDest(m_dest);
        return startFiles();
    }
    m_dest = remote;
    m_destIsFolder = true;
    m_report.setDest(m_dest);
    if (exists && type != QStringLiteral("directory")) {
        CallError error;
        error.kind = ErrorKind::Usage;
        error.message = QStringLiteral("%1:%2 is a %3, not a folder to copy into")
                            .arg(m_context->target().name, remote, type);
        return fail(error);
    }
    if (exists)
        return startFiles();
    m_report.created(QStringLiteral("."));
    AgentCall* call = m_context->call(
        CallRequest::of(kTool, QStringLiteral("mkdir"),
                        {{QStringLiteral("path"), remote}, {QStringLiteral("parents"), true}}));
    connect(call, &AgentCall::finished, this, [this](const CallResult& result) {
        if (!result.ok)
            return fail(result.error);
        startFiles();
    });
}

QString CopyProgram::destFor(const CopySource& source) const
{
    return m_destIsFolder ? joinRemote(m_dest, source.name) : m_dest;
}

void CopyProgram::startFiles()
{
    for (const CopySource& source : m_job->sources) {
        if (source.kind == CopySource::Kind::File) {
            m_files.push_back(&source);
            m_meter.addTotals(source.file.size, 1);
        } else {
            m_trees.push_back(&source);
        }
    }
    sendProgress(true);
    pumpFiles();
}

void CopyProgram::pumpFiles()
{
    while (!m_done && m_uploadsInFlight < kUploadWindow && !m_files.empty()) {
        const CopySource* source = m_files.front();
        m_files.pop_front();
        uploadFile(*source);
    }
    if (!m_done && m_files.empty() && m_uploadsInFlight == 0)
        nextTree();
}

void CopyProgram::uploadFile(const CopySource& source)
{
    const CopyOptions& options = m_job->options;
    FileUpload::Options o;
    o.localPath = source.local;
    o.remotePath = destFor(source);
    o.mode = octalMode(options.fileMode.value_or(source.file.mode));
    o.owner = options.owner;
    o.group = options.group;
    o.check = m_context->options().check;
    o.callTimeout = m_context->options().callTimeout;
    auto* upload = new FileUpload(m_context->session(), o, this);
    m_uploads << upload;
    ++m_uploadsInFlight;
    auto last = std::make_shared<qint64>(0);
    connect(upload, &FileUpload::progress, this, [this, last](qint64 done, qint64) {
        if (m_done || done <= *last)
            return;
        m_meter.add(done - *last, 0);
        *last = done;
        sendProgress();
    });
    const QString name = m_destIsFolder ? source.name : baseName(m_dest);
    const qint64 mtime = source.file.mtimeNs;
    connect(upload, &FileUpload::finished, this,
            [this, upload, name, mtime, last](const TransferResult& result) {
                upload->deleteLater();
                if (m_done)
                    return;
                if (!result.ok) {
                    CallError error;
                    error.kind = result.error.kind;
                    error.message = result.error.message;
                    return fail(error);
                }
                const QString dest = upload->options().remotePath;
                if (result.skipped) { // the same content was there: nothing travelled
                    m_meter.addTotals(-result.size, -1);
                    if (result.changed)
                        m_report.attributes(name);
                    else
                        m_report.unchanged(1);
                } else {
                    m_report.copied(name, result.size);
                    m_report.sent(result.bytesSent);
                    if (result.size > *last)
                        m_meter.add(result.size - *last, 0);
                    m_meter.add(0, 1);
                }
                sendProgress();
                if (result.skipped || m_context->options().check) {
                    --m_uploadsInFlight;
                    return pumpFiles();
                }
                // Its mtime, so that a sync of the same file later sees it unchanged.
                AgentCall* call = m_context->call(CallRequest::of(
                    kTool, QStringLiteral("sync_attrs"),
                    {{QStringLiteral("root"), dirName(dest)},
                     {QStringLiteral("items"),
                      QJsonArray{QJsonObject{{QStringLiteral("path"), baseName(dest)},
                                             {QStringLiteral("mtime_ns"), mtime}}}}}));
                connect(call, &AgentCall::finished, this, [this](const CallResult& attrs) {
                    --m_uploadsInFlight;
                    if (!attrs.ok)
                        return fail(attrs.error);
                    pumpFiles();
                });
            });
    upload->start();
}

void CopyProgram::nextTree()
{
    if (m_done)
        return;
    if (m_trees.empty())
        return finish();
    const CopySource* source = m_trees.front();
    m_trees.pop_front();
    const CopyOptions& options = m_job->options;
    TreeSync::Options o;
    const bool named = source->kind == CopySource::Kind::Folder;
    o.remoteRoot = named ? joinRemote(m_dest, source->name) : m_dest;
    o.reportPrefix = named ? source->name + QLatin1Char('/') : QString();
    o.deleteExtra = options.deleteExtra;
    o.checksum = options.checksum;
    o.fileMode = options.fileMode;
    o.owner = options.owner;
    o.group = options.group;
    o.exclude = options.exclude;
    m_tree = new TreeSync(m_context, source->tree, m_job->hashes, o, &m_report, &m_meter, this);
    connect(m_tree, &TreeSync::progress, this, [this] { sendProgress(); });
    connect(m_tree, &TreeSync::finished, this, [this](bool ok, const CallError& error) {
        if (m_tree)
            m_tree->deleteLater();
        if (!ok)
            return fail(error);
        nextTree();
    });
    m_tree->start();
}

void CopyProgram::sendProgress(bool force)
{
    if (m_context && (force || m_meter.due()))
        m_context->progress(m_meter.toJson());
}

void CopyProgram::finish()
{
    if (m_done)
        return;
    m_done = true;
    sendProgress(true);
    HostResult record;
    record.value = m_report.toJson(m_context->options().check);
    record.setStatus(m_report.changed() ? HostStatus::Changed : HostStatus::Ok);
    m_context->finish(record);
}

void CopyProgram::fail(const CallError& error)
{
    if (m_done)
        return;
    m_done = true;
    if (m_tree)
        m_tree->cancel();
    const auto uploads = m_uploads;
    for (const QPointer<FileUpload>& upload : uploads) {
        if (upload && !upload->isFinished())
            upload->cancel();
    }
    sendProgress(true);
    HostResult record;
    record.ok = false;
    record.error = error;
    record.value = m_report.toJson(m_context->options().check);
    record.status = HostResult::statusOf(false, false, error.kind);
    m_context->finish(record);
}

} // namespace hostdeck::engine
