#include "engine/transfer/FetchProgram.h"

#include "engine/transfer/FileDownload.h"
#include "engine/transfer/LocalFiles.h"
#include "engine/transfer/TreeFetch.h"

#include <QDir>
#include <QFile>

#include <cmath>

#include <sys/stat.h>

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

FetchProgram::FetchProgram(std::shared_ptr<const FetchJob> job, QString localPath, QObject* parent)
    : HostProgram(parent), m_job(std::move(job)), m_localPath(std::move(localPath))
{
}

FetchProgram::~FetchProgram()
{
    if (m_hashCancel)
        m_hashCancel->store(true);
}

void FetchProgram::start(HostContext* context)
{
    m_context = context;
    m_report.setDest(m_localPath);
    AgentCall* call = context->call(CallRequest::of(
        kTool, QStringLiteral("stat"),
        {{QStringLiteral("path"), m_job->remote}, {QStringLiteral("follow"), true}}));
    connect(call, &AgentCall::finished, this, [this](const CallResult& result) {
        if (!result.ok)
            return fail(result.error);
        onStat(result.value.toObject());
    });
}

void FetchProgram::onStat(const QJsonObject& stat)
{
    const QString host = m_context->target().name;
    if (!stat.value(QStringLiteral("exists")).toBool())
        return fail(
            errorOf(ErrorKind::NotFound,
                    QStringLiteral("%1:%2: no such file or folder").arg(host, m_job->remote)));
    const QString type = stat.value(QStringLiteral("type")).toString();
    if (type == QStringLiteral("directory"))
        return fetchTree();
    if (type != QStringLiteral("file"))
        return fail(errorOf(ErrorKind::Usage,
                            QStringLiteral("%1:%2 is a %3: only files and folders are fetched")
                                .arg(host, m_job->remote, type)));
    bool ok = false;
    const int mode = stat.value(QStringLiteral("mode")).toString().toInt(&ok, 8) & 0777;
    const double mtime = stat.value(QStringLiteral("mtime")).toDouble();
    fetchFile(qint64(stat.value(QStringLiteral("size")).toDouble()), ok ? mode : 0644,
              qint64(std::llround(mtime * 1e9)));
}

void FetchProgram::fetchFile(qint64 size, int mode, qint64 mtimeNs)
{
    m_meter.addTotals(size, 1);
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(m_localPath).constData(), &st) != 0)
        return downloadFile(size, mode, mtimeNs);
    if (!S_ISREG(st.st_mode))
        return fail(
            errorOf(ErrorKind::Io, QStringLiteral("%1 exists here and is not a file (a folder or a "
                                                  "symlink): nothing is written there")
                                       .arg(m_localPath)));
    if (qint64(st.st_size) != size)
        return downloadFile(size, mode, mtimeNs);
    compareFile(size, mode, mtimeNs);
}

void FetchProgram::compareFile(qint64 size, int mode, qint64 mtimeNs)
{
    // Same size here: hash both ends; identical content is not fetched again.
    auto remoteSha = std::make_shared<QString>();
    auto waiting = std::make_shared<int>(2);
    const auto decide = [this, size, mode, mtimeNs, remoteSha, waiting] {
        if (--*waiting > 0 || m_done)
            return;
        struct stat st
        {
        };
        ::lstat(QFile::encodeName(m_localPath).constData(), &st);
        const qint64 localMtime =
            qint64(st.st_mtim.tv_sec) * 1000000000LL + qint64(st.st_mtim.tv_nsec);
        const std::optional<QString> localSha =
            m_job->hashes->find(m_localPath, qint64(st.st_size), localMtime);
        if (!localSha || *localSha != *remoteSha)
            return downloadFile(size, mode, mtimeNs);
        m_meter.addTotals(-size, -1);
        if (int(st.st_mode & 0777) == mode) {
            m_report.unchanged(1);
            return finish();
        }
        m_report.attributes(m_localPath.section(QLatin1Char('/'), -1));
        if (!m_context->options().check) {
            if (Status set = LocalFiles::setAttributes(m_localPath, mode, std::nullopt); !set)
                return fail(errorOf(set.error().kind, set.error().message));
        }
        finish();
    };
    AgentCall* call = m_context->call(CallRequest::of(kTool, QStringLiteral("checksum"),
                                                      {{QStringLiteral("path"), m_job->remote}}));
    connect(call, &AgentCall::finished, this, [this, remoteSha, decide](const CallResult& result) {
        if (m_done)
            return;
        if (!result.ok)
            return fail(result.error);
        *remoteSha = result.value.toObject().value(QStringLiteral("sha256")).toString();
        decide();
    });
    struct stat st
    {
    };
    ::lstat(QFile::encodeName(m_localPath).constData(), &st);
    const qint64 localMtime = qint64(st.st_mtim.tv_sec) * 1000000000LL + qint64(st.st_mtim.tv_nsec);
    m_hashCancel = hashFiles({HashJob{m_localPath, qint64(st.st_size), localMtime}}, m_job->hashes,
                             this, [this, decide](const QString& error) {
                                 m_hashCancel.reset();
                                 if (m_done)
                                     return;
                                 if (!error.isEmpty())
                                     return fail(errorOf(ErrorKind::Io, error));
                                 decide();
                             });
}

void FetchProgram::downloadFile(qint64 size, int mode, qint64 mtimeNs)
{
    const QString name = m_localPath.section(QLatin1Char('/'), -1);
    m_report.copied(name, size);
    if (m_context->options().check)
        return finish();
    const QString folder = m_localPath.left(m_localPath.lastIndexOf(QLatin1Char('/')));
    if (!QDir().mkpath(folder))
        return fail(
            errorOf(ErrorKind::Io, QStringLiteral("cannot create the folder %1").arg(folder)));
    if (Status parents =
            LocalFiles::checkParents(m_job->localDir, m_localPath.mid(m_job->localDir.size() + 1));
        !parents)
        return fail(errorOf(parents.error().kind, parents.error().message));
    FileDownload::Options options;
    options.remotePath = m_job->remote;
    options.localPath = m_localPath;
    m_download = new FileDownload(m_context->session(), options, this);
    auto last = std::make_shared<qint64>(0);
    connect(m_download, &FileDownload::progress, this, [this, last](qint64 done, qint64) {
        if (m_done || done <= *last)
            return;
        m_meter.add(done - *last, 0);
        m_report.sent(done - *last);
        *last = done;
        sendProgress();
    });
    connect(m_download, &FileDownload::finished, this,
            [this, mode, mtimeNs](const TransferResult& result) {
                if (m_done)
                    return;
                if (!result.ok)
                    return fail(errorOf(result.error.kind, result.error.message));
                if (Status set = LocalFiles::setAttributes(m_localPath, mode, mtimeNs); !set)
                    return fail(errorOf(set.error().kind, set.error().message));
                m_meter.add(0, 1);
                finish();
            });
    m_download->start();
}

void FetchProgram::fetchTree()
{
    TreeFetch::Options options;
    options.remoteRoot = m_job->remote;
    options.localRoot = m_localPath;
    options.checksum = m_job->checksum;
    options.exclude = m_job->exclude;
    options.hashes = m_job->hashes;
    if (!m_context->options().check) {
        const QString folder = m_localPath.left(m_localPath.lastIndexOf(QLatin1Char('/')));
        if (!QDir().mkpath(folder))
            return fail(
                errorOf(ErrorKind::Io, QStringLiteral("cannot create the folder %1").arg(folder)));
    }
    m_tree = new TreeFetch(m_context, options, &m_report, &m_meter, this);
    connect(m_tree, &TreeFetch::progress, this, [this] { sendProgress(); });
    connect(m_tree, &TreeFetch::finished, this, [this](bool ok, const CallError& error) {
        if (!ok)
            return fail(error);
        finish();
    });
    m_tree->start();
}

void FetchProgram::sendProgress(bool force)
{
    if (m_context && (force || m_meter.due()))
        m_context->progress(m_meter.toJson());
}

void FetchProgram::finish()
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

void FetchProgram::fail(const CallError& error)
{
    if (m_done)
        return;
    m_done = true;
    if (m_tree)
        m_tree->cancel();
    if (m_download && !m_download->isFinished())
        m_download->cancel();
    sendProgress(true);
    HostResult record;
    record.ok = false;
    record.error = error;
    record.value = m_report.toJson(m_context->options().check);
    record.status = HostResult::statusOf(false, false, error.kind);
    m_context->finish(record);
}

} // namespace hostdeck::engine
