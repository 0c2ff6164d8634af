#include "engine/transfer/TreeSync.h"

#include "engine/runner/RunRequest.h"
#include "engine/transfer/TransferReport.h"
#include "engine/transfer/TreeSender.h"

#include <QJsonArray>
#include <QSet>

namespace hostdeck::engine {

namespace {
const QString kTool = QStringLiteral("FileSystem");
constexpr qsizetype kChunk = 5000; ///< paths per sync_delete / sync_mkdir / sync_attrs call

CallError errorOf(ErrorKind kind, const QString& message)
{
    CallError error;
    error.kind = kind;
    error.message = message;
    return error;
}

QList<QJsonArray> chunks(const QJsonArray& items)
{
    QList<QJsonArray> out;
    for (qsizetype i = 0; i < items.size(); i += kChunk) {
        QJsonArray part;
        for (qsizetype j = i; j < std::min(items.size(), i + kChunk); ++j)
            part.append(items.at(j));
        out << part;
    }
    return out;
}
} // namespace

TreeSync::TreeSync(HostContext* context, std::shared_ptr<const LocalTree> tree,
                   std::shared_ptr<HashCache> hashes, Options options, TransferReport* report,
                   TransferMeter* meter, QObject* parent)
    : QObject(parent), m_context(context), m_tree(std::move(tree)), m_hashes(std::move(hashes)),
      m_options(std::move(options)), m_report(report), m_meter(meter)
{
}

TreeSync::~TreeSync()
{
    if (m_hashCancel)
        m_hashCancel->store(true);
}

void TreeSync::call(const QString& method, QJsonObject args, Next next)
{
    m_call = m_context->call(CallRequest::of(kTool, method, std::move(args)));
    connect(m_call, &AgentCall::finished, this, [this, next](const CallResult& result) {
        if (m_done)
            return;
        if (!result.ok)
            return fail(result.error);
        next(result.value.toObject());
    });
}

void TreeSync::start()
{
    m_local = m_tree->entries();
    QJsonObject known;
    for (const TreeEntry& entry : std::as_const(m_local)) {
        if (entry.isFile())
            known.insert(entry.path, QJsonArray{entry.size, entry.mtimeNs});
    }
    call(QStringLiteral("sync_manifest"),
         {{QStringLiteral("root"), m_options.remoteRoot},
          {QStringLiteral("known"), known},
          {QStringLiteral("hash"),
           m_options.checksum ? QStringLiteral("all") : QStringLiteral("lazy")},
          {QStringLiteral("exclude"), QJsonArray::fromStringList(m_options.exclude)},
          {QStringLiteral("max_entries"), LocalTree::kMaxEntries}},
         [this](const QJsonObject& reply) { onManifest(reply); });
}

void TreeSync::onManifest(const QJsonObject& reply)
{
    m_rootMissing = !reply.value(QStringLiteral("exists")).toBool();
    const QJsonArray entries = reply.value(QStringLiteral("entries")).toArray();
    m_remote.reserve(entries.size());
    for (const QJsonValue& value : entries) {
        Result<TreeEntry> entry = TreeEntry::fromManifest(value.toObject());
        if (!entry)
            return fail(errorOf(entry.error().kind, entry.error().message));
        m_remote << std::move(*entry);
    }
    compare();
}

void TreeSync::compare()
{
    for (TreeEntry& entry : m_local) {
        if (entry.isFile() && entry.sha256.isEmpty()) {
            if (const auto sha =
                    m_hashes->find(m_tree->localPath(entry.path), entry.size, entry.mtimeNs))
                entry.sha256 = *sha;
        }
    }
    TreeDiffOptions options;
    options.deleteExtra = m_options.deleteExtra;
    options.checksum = m_options.checksum;
    options.fileMode = m_options.fileMode;
    m_diff = TreeDiff::compare(m_local, m_remote, options);
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
                jobs << HashJob{m_tree->localPath(entry.path), entry.size, entry.mtimeNs};
        }
        m_hashCancel = hashFiles(jobs, m_hashes, this, [this](const QString& error) {
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
                    QStringLiteral("%1:%2 is a folder with content on the host and not a "
                                   "folder here: remove it there, or sync with --delete")
                        .arg(m_context->target().name, m_options.remoteRoot + QLatin1Char('/') +
                                                           m_diff.blocked.constFirst())));
    report();
    if (m_context->options().check) {
        if ((!m_options.owner.isEmpty() || !m_options.group.isEmpty()) && !m_rootMissing)
            return applyOwnership();
        return done();
    }
    execute();
}

void TreeSync::report()
{
    if (m_rootMissing) {
        QString root = m_options.reportPrefix;
        if (root.endsWith(QLatin1Char('/')))
            root.chop(1);
        m_report->created(root.isEmpty() ? QStringLiteral(".") : root);
    }
    for (const TreeEntry& entry : std::as_const(m_diff.mkdirs))
        m_report->created(shown(entry.path));
    for (const TreeEntry& entry : std::as_const(m_diff.send))
        m_report->copied(shown(entry.path), entry.size);
    for (const QString& path : std::as_const(m_diff.remove))
        m_report->deleted(shown(path));
    for (const AttrChange& change : std::as_const(m_diff.attrs))
        m_report->attributes(shown(change.path));
    m_report->unchanged(m_diff.unchanged);
    for (const QString& path : m_tree->skipped())
        m_report->skipped(shown(path));
    m_meter->addTotals(m_diff.sendBytes, int(m_diff.send.size()));
    emit progress();
}

void TreeSync::execute()
{
    const QString root = m_options.remoteRoot;
    if (m_rootMissing) {
        m_steps << [this, root] {
            call(QStringLiteral("mkdir"),
                 {{QStringLiteral("path"), root}, {QStringLiteral("parents"), true}},
                 [this](const QJsonObject&) { runSteps(); });
        };
    }
    const QStringList gone = m_diff.replace + m_diff.remove;
    for (const QJsonArray& part : chunks(QJsonArray::fromStringList(gone))) {
        m_steps << [this, root, part] {
            call(QStringLiteral("sync_delete"),
                 {{QStringLiteral("root"), root}, {QStringLiteral("paths"), part}},
                 [this](const QJsonObject&) { runSteps(); });
        };
    }
    // Folders are made writable by their owner until everything is in them (a read-only
    // folder could not take its files); their own mode comes with the attributes at the end.
    QJsonArray dirs;
    QList<AttrChange> finalModes;
    for (const TreeEntry& entry : std::as_const(m_diff.mkdirs)) {
        dirs.append(QJsonObject{{QStringLiteral("path"), entry.path},
                                {QStringLiteral("mode"), octalMode(entry.mode | 0700)}});
        if ((entry.mode | 0700) != entry.mode)
            finalModes << AttrChange{entry.path, entry.mode, std::nullopt};
    }
    for (const QJsonArray& part : chunks(dirs)) {
        m_steps << [this, root, part] {
            call(QStringLiteral("sync_mkdir"),
                 {{QStringLiteral("root"), root}, {QStringLiteral("dirs"), part}},
                 [this](const QJsonObject&) { runSteps(); });
        };
    }
    if (!m_diff.send.isEmpty())
        m_steps << [this] { send(); };
    QJsonArray attrs;
    for (const AttrChange& change : m_diff.attrs + finalModes) {
        QJsonObject item{{QStringLiteral("path"), change.path}};
        if (change.mode)
            item.insert(QStringLiteral("mode"), octalMode(*change.mode));
        if (change.mtimeNs)
            item.insert(QStringLiteral("mtime_ns"), *change.mtimeNs);
        attrs.append(item);
    }
    for (const QJsonArray& part : chunks(attrs)) {
        m_steps << [this, root, part] {
            call(QStringLiteral("sync_attrs"),
                 {{QStringLiteral("root"), root}, {QStringLiteral("items"), part}},
                 [this](const QJsonObject&) { runSteps(); });
        };
    }
    if (!m_options.owner.isEmpty() || !m_options.group.isEmpty())
        m_steps << [this] { applyOwnership(); };
    runSteps();
}

void TreeSync::runSteps()
{
    if (m_done)
        return;
    if (m_steps.isEmpty())
        return done();
    const std::function<void()> step = m_steps.takeFirst();
    step();
}

void TreeSync::send()
{
    TreeSender::Options options;
    options.localRoot = m_tree->root();
    options.remoteRoot = m_options.remoteRoot;
    options.fileMode = m_options.fileMode;
    options.owner = m_options.owner;
    options.group = m_options.group;
    options.callTimeout = m_context->options().callTimeout;
    m_sender = new TreeSender(m_context, options, m_diff.send, this);
    connect(m_sender, &TreeSender::progress, this, [this](qint64 bytes, int files) {
        m_meter->add(bytes, files);
        m_report->sent(bytes);
        emit progress();
    });
    connect(m_sender, &TreeSender::finished, this, [this](bool ok, const CallError& error) {
        if (m_done)
            return;
        if (!ok)
            return fail(error);
        runSteps();
    });
    m_sender->start();
}

void TreeSync::applyOwnership()
{
    QSet<QString> reported;
    for (const TreeEntry& entry : std::as_const(m_diff.send))
        reported.insert(entry.path);
    for (const TreeEntry& entry : std::as_const(m_diff.mkdirs))
        reported.insert(entry.path);
    for (const AttrChange& change : std::as_const(m_diff.attrs))
        reported.insert(change.path);
    QJsonArray items;
    for (const TreeEntry& entry : std::as_const(m_local)) {
        QJsonObject item{{QStringLiteral("path"), entry.path}};
        if (!m_options.owner.isEmpty())
            item.insert(QStringLiteral("owner"), m_options.owner);
        if (!m_options.group.isEmpty())
            item.insert(QStringLiteral("group"), m_options.group);
        items.append(item);
    }
    const QString root = m_options.remoteRoot;
    QList<std::function<void()>> steps;
    for (const QJsonArray& part : chunks(items)) {
        steps << [this, root, part, reported] {
            call(QStringLiteral("sync_attrs"),
                 {{QStringLiteral("root"), root}, {QStringLiteral("items"), part}},
                 [this, reported](const QJsonObject& reply) {
                     const QJsonObject changed =
                         reply.value(QStringLiteral("attributes")).toObject();
                     for (auto it = changed.begin(); it != changed.end(); ++it) {
                         if (!reported.contains(it.key()))
                             m_report->attributes(shown(it.key()));
                     }
                     runSteps();
                 });
        };
    }
    m_steps = steps + m_steps;
    runSteps();
}

void TreeSync::fail(const CallError& error)
{
    if (m_done)
        return;
    cancel();
    emit finished(false, error);
}

void TreeSync::done()
{
    if (m_done)
        return;
    m_done = true;
    emit finished(true, {});
}

void TreeSync::cancel()
{
    m_done = true;
    m_steps.clear();
    if (m_hashCancel)
        m_hashCancel->store(true);
    if (m_sender)
        m_sender->cancel();
    if (m_call)
        m_call->cancel();
}

} // namespace hostdeck::engine
