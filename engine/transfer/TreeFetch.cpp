#include "engine/transfer/TreeFetch.h"

#include "engine/runner/RunRequest.h"
#include "engine/transfer/FileDownload.h"
#include "engine/transfer/LocalFiles.h"
#include "engine/transfer/LocalTree.h"
#include "engine/transfer/TransferReport.h"
#include "engine/wire/DataCodec.h"

#include <QDir>
#include <QJsonArray>
#include <QSet>

#include <sys/stat.h>

namespace hostdeck::engine {

namespace {
const QString kTool = QStringLiteral("FileSystem");
constexpr qint64 kSmallFile = 1 << 20; ///< read with read_bytes, several at once
constexpr int kReadWindow = 16;
constexpr int kDownloadWindow = 2;

CallError errorOf(ErrorKind kind, const QString& message)
{
    CallError error;
    error.kind = kind;
    error.message = message;
    return error;
}

/// Modes as this machine keeps what it fetched: no set-id bits, folders writable by their owner.
void normalise(TreeEntry& entry)
{
    entry.mode &= 0777;
    if (entry.isDir())
        entry.mode |= 0700;
}
} // namespace

TreeFetch::TreeFetch(HostContext* context, Options options, TransferReport* report,
                     TransferMeter* meter, QObject* parent)
    : QObject(parent), m_context(context), m_options(std::move(options)), m_report(report),
      m_meter(meter)
{
}

TreeFetch::~TreeFetch()
{
    if (m_hashCancel)
        m_hashCancel->store(true);
}

QString TreeFetch::local(const QString& relative) const
{
    return LocalFiles::join(m_options.localRoot, relative);
}

QString TreeFetch::remote(const QString& relative) const
{
    return LocalFiles::join(m_options.remoteRoot, relative);
}

bool TreeFetch::check(const Status& status)
{
    if (status)
        return true;
    fail(errorOf(status.error().kind, status.error().message));
    return false;
}

void TreeFetch::start()
{
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(m_options.localRoot).constData(), &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return fail(errorOf(ErrorKind::Io,
                                QStringLiteral("%1 exists here and is not a folder (a symlink "
                                               "or a file)")
                                    .arg(m_options.localRoot)));
        Result<LocalTree> tree = LocalTree::scan(m_options.localRoot, m_options.exclude);
        if (!tree)
            return fail(errorOf(tree.error().kind, tree.error().message));
        m_local = tree->entries();
        m_localExists = true;
    }
    QJsonObject known;
    for (const TreeEntry& entry : std::as_const(m_local)) {
        if (entry.isFile())
            known.insert(entry.path, QJsonArray{entry.size, entry.mtimeNs});
    }
    AgentCall* call = m_context->call(
        CallRequest::of(kTool, QStringLiteral("sync_manifest"),
                        {{QStringLiteral("root"), m_options.remoteRoot},
                         {QStringLiteral("known"), known},
                         {QStringLiteral("hash"),
                          m_options.checksum ? QStringLiteral("all") : QStringLiteral("lazy")},
                         {QStringLiteral("exclude"), QJsonArray::fromStringList(m_options.exclude)},
                         {QStringLiteral("max_entries"), LocalTree::kMaxEntries}}));
    m_calls << call;
    connect(call, &AgentCall::finished, this, [this](const CallResult& result) {
        if (m_done)
            return;
        if (!result.ok)
            return fail(result.error);
        onManifest(result.value.toObject());
    });
}

void TreeFetch::onManifest(const QJsonObject& reply)
{
    if (!reply.value(QStringLiteral("exists")).toBool())
        return fail(
            errorOf(ErrorKind::NotFound, QStringLiteral("%1:%2: no such folder")
                                             .arg(m_context->target().name, m_options.remoteRoot)));
    for (const QJsonValue& value : reply.value(QStringLiteral("entries")).toArray()) {
        Result<TreeEntry> entry = TreeEntry::fromManifest(value.toObject());
        if (!entry)
            return fail(
                errorOf(entry.error().kind,
                        m_context->target().name + QStringLiteral(": ") + entry.error().message));
        if (entry->type == TreeEntry::Type::Other) {
            m_report->skipped(entry->path);
            continue;
        }
        normalise(*entry);
        m_remote << std::move(*entry);
    }
    compare();
}

void TreeFetch::compare()
{
    for (TreeEntry& entry : m_local) {
        if (entry.isFile() && entry.sha256.isEmpty()) {
            if (const auto sha =
                    m_options.hashes->find(local(entry.path), entry.size, entry.mtimeNs))
                entry.sha256 = *sha;
        }
    }
    TreeDiffOptions options;
    options.local = TreeDiffOptions::LocalSide::Destination;
    options.checksum = m_options.checksum;
    m_diff = TreeDiff::compare(m_remote, m_local, options);
    if (!m_diff.needHash.isEmpty()) {
        if (m_hashed)
            return fail(errorOf(
                ErrorKind::Io,
                QStringLiteral("could not hash %1 local files").arg(m_diff.needHash.size())));
        m_hashed = true;
        const QSet<QString> wanted(m_diff.needHash.cbegin(), m_diff.needHash.cend());
        QList<HashJob> jobs;
        for (const TreeEntry& entry : std::as_const(m_local)) {
            if (wanted.contains(entry.path))
                jobs << HashJob{local(entry.path), entry.size, entry.mtimeNs};
        }
        m_hashCancel = hashFiles(jobs, m_options.hashes, this, [this](const QString& error) {
            m_hashCancel.reset();
            if (m_done)
                return;
            if (!error.isEmpty())
                return fail(errorOf(ErrorKind::Io, error));
            compare();
        });
        return;
    }
    if (!m_diff.blocked.isEmpty())
        return fail(
            errorOf(ErrorKind::Usage,
                    QStringLiteral("%1 is a folder with content here and a file on %2: "
                                   "remove it here first")
                        .arg(local(m_diff.blocked.constFirst()), m_context->target().name)));
    if (!m_localExists)
        m_report->created(QStringLiteral("."));
    for (const TreeEntry& entry : std::as_const(m_diff.mkdirs))
        m_report->created(entry.path);
    for (const TreeEntry& entry : std::as_const(m_diff.send))
        m_report->copied(entry.path, entry.size);
    for (const AttrChange& change : std::as_const(m_diff.attrs))
        m_report->attributes(change.path);
    m_report->unchanged(m_diff.unchanged);
    m_meter->addTotals(m_diff.sendBytes, int(m_diff.send.size()));
    emit progress();
    if (m_context->options().check) {
        m_done = true;
        emit finished(true, {});
        return;
    }
    execute();
}

void TreeFetch::execute()
{
    if (!m_localExists && !QDir().mkpath(m_options.localRoot))
        return fail(errorOf(
            ErrorKind::Io, QStringLiteral("cannot create the folder %1").arg(m_options.localRoot)));
    for (const QString& path : std::as_const(m_diff.replace)) {
        if (!check(LocalFiles::checkParents(m_options.localRoot, path)) ||
            !check(LocalFiles::remove(local(path))))
            return;
    }
    for (const TreeEntry& entry : std::as_const(m_diff.mkdirs)) {
        if (!check(LocalFiles::checkParents(m_options.localRoot, entry.path)) ||
            !check(LocalFiles::makeDir(local(entry.path), entry.mode)))
            return;
    }
    for (const TreeEntry& entry : std::as_const(m_diff.send)) {
        if (entry.isLink())
            m_links << entry;
        else if (entry.size > kSmallFile)
            m_large.push_back(entry);
        else
            m_small.push_back(entry);
    }
    pump();
}

void TreeFetch::pump()
{
    while (!m_done && m_downloadsInFlight < kDownloadWindow && !m_large.empty()) {
        const TreeEntry entry = m_large.front();
        m_large.pop_front();
        download(entry);
    }
    while (!m_done && m_readsInFlight < kReadWindow && !m_small.empty()) {
        const TreeEntry entry = m_small.front();
        m_small.pop_front();
        read(entry);
    }
    if (!m_done && m_small.empty() && m_large.empty() && m_readsInFlight == 0 &&
        m_downloadsInFlight == 0)
        finishFiles();
}

void TreeFetch::read(const TreeEntry& entry)
{
    if (!check(LocalFiles::checkParents(m_options.localRoot, entry.path)))
        return;
    AgentCall* call = m_context->call(CallRequest::of(
        kTool, QStringLiteral("read_bytes"), {{QStringLiteral("path"), remote(entry.path)}}));
    m_calls << call;
    ++m_readsInFlight;
    connect(call, &AgentCall::finished, this, [this, entry](const CallResult& result) {
        --m_readsInFlight;
        if (m_done)
            return;
        if (!result.ok)
            return fail(result.error);
        const std::optional<QByteArray> data = wire::toBytes(result.value);
        if (!data)
            return fail(errorOf(ErrorKind::Protocol,
                                QStringLiteral("%1: read_bytes of %2 gave no bytes")
                                    .arg(m_context->target().name, remote(entry.path))));
        if (data->size() != entry.size)
            return fail(errorOf(ErrorKind::Remote,
                                QStringLiteral("%1:%2 changed while it was fetched (%3 bytes, "
                                               "%4 when the fetch started)")
                                    .arg(m_context->target().name, remote(entry.path))
                                    .arg(data->size())
                                    .arg(entry.size)));
        if (!check(LocalFiles::writeFile(local(entry.path), *data, entry.mode, entry.mtimeNs)))
            return;
        m_report->sent(data->size());
        m_meter->add(data->size(), 1);
        emit progress();
        pump();
    });
}

void TreeFetch::download(const TreeEntry& entry)
{
    if (!check(LocalFiles::checkParents(m_options.localRoot, entry.path)))
        return;
    FileDownload::Options options;
    options.remotePath = remote(entry.path);
    options.localPath = local(entry.path);
    options.timeout = std::chrono::milliseconds(0); // liveness still ends a silent host
    auto* transfer = new FileDownload(m_context->session(), options, this);
    m_downloads << transfer;
    ++m_downloadsInFlight;
    auto last = std::make_shared<qint64>(0);
    connect(transfer, &FileDownload::progress, this, [this, last](qint64 done, qint64) {
        if (m_done || done <= *last)
            return;
        m_meter->add(done - *last, 0);
        m_report->sent(done - *last);
        *last = done;
        emit progress();
    });
    connect(transfer, &FileDownload::finished, this,
            [this, transfer, entry](const TransferResult& result) {
                --m_downloadsInFlight;
                transfer->deleteLater();
                if (m_done)
                    return;
                if (!result.ok)
                    return fail(errorOf(result.error.kind, result.error.message));
                if (!check(LocalFiles::setAttributes(local(entry.path), entry.mode, entry.mtimeNs)))
                    return;
                m_meter->add(0, 1);
                emit progress();
                pump();
            });
    transfer->start();
}

void TreeFetch::finishFiles()
{
    // Symlinks last: no file of this fetch is written after a link the host named exists.
    for (const TreeEntry& entry : std::as_const(m_links)) {
        if (!check(LocalFiles::checkParents(m_options.localRoot, entry.path)) ||
            !check(LocalFiles::makeLink(local(entry.path), entry.target)))
            return;
    }
    for (const AttrChange& change : std::as_const(m_diff.attrs)) {
        if (!check(LocalFiles::checkParents(m_options.localRoot, change.path)) ||
            !check(LocalFiles::setAttributes(local(change.path), change.mode, change.mtimeNs)))
            return;
    }
    m_done = true;
    emit finished(true, {});
}

void TreeFetch::fail(const CallError& error)
{
    if (m_done)
        return;
    cancel();
    emit finished(false, error);
}

void TreeFetch::cancel()
{
    m_done = true;
    m_small.clear();
    m_large.clear();
    if (m_hashCancel)
        m_hashCancel->store(true);
    const auto calls = std::exchange(m_calls, {});
    for (const QPointer<AgentCall>& call : calls) {
        if (call)
            call->cancel();
    }
    const auto downloads = m_downloads;
    for (const QPointer<FileDownload>& transfer : downloads) {
        if (transfer && !transfer->isFinished())
            transfer->cancel();
    }
}

} // namespace hostdeck::engine
