#include "engine/transfer/SyncPlan.h"

#include "engine/transfer/CopyPlan.h"
#include "engine/transfer/CopyProgram.h"

namespace hostdeck::engine {

Result<std::shared_ptr<SyncPlan>> SyncPlan::create(const QString& localFolder, CopyOptions options)
{
    if (localFolder.isEmpty())
        return makeError(ErrorKind::Usage, QStringLiteral("name the local folder to sync"));
    auto job = std::make_shared<CopyJob>();
    job->options = std::move(options);
    // Its content goes into REMOTE itself, as rsync reads "DIR/".
    const QString content =
        localFolder.endsWith(QLatin1Char('/')) ? localFolder : localFolder + QLatin1Char('/');
    Result<CopySource> source = CopySource::scan(content, job->options.exclude);
    if (!source)
        return source.error();
    if (source->kind != CopySource::Kind::FolderContent)
        return makeError(ErrorKind::Usage, QStringLiteral("%1 is not a folder").arg(localFolder));
    job->sources << std::move(*source);
    job->intoFolder = true;
    return std::make_shared<SyncPlan>(std::move(job));
}

QString SyncPlan::title() const
{
    return QStringLiteral("sync %1/ to %2")
        .arg(m_job->sources.constFirst().local, m_job->options.remote);
}

QJsonObject SyncPlan::toJson(const ToolCatalog&) const
{
    QJsonObject json = m_job->options.toJson();
    json.insert(QStringLiteral("kind"), QStringLiteral("sync"));
    json.insert(QStringLiteral("source"), m_job->sources.constFirst().local);
    json.insert(QStringLiteral("files"), m_job->files());
    json.insert(QStringLiteral("bytes"), m_job->bytes());
    return json;
}

Status SyncPlan::validate(const ToolCatalog& catalog) const
{
    if (Status remote = CopyPlan::validateRemote(m_job->options.remote, catalog); !remote)
        return remote;
    QString folder = m_job->options.remote;
    while (folder.size() > 1 && folder.endsWith(QLatin1Char('/')))
        folder.chop(1);
    // A mistyped destination must not empty a system folder.
    static const QStringList kGuarded{
        QStringLiteral("/"),    QStringLiteral("/bin"),  QStringLiteral("/boot"),
        QStringLiteral("/etc"), QStringLiteral("/home"), QStringLiteral("/lib"),
        QStringLiteral("/opt"), QStringLiteral("/root"), QStringLiteral("/sbin"),
        QStringLiteral("/srv"), QStringLiteral("/usr"),  QStringLiteral("/var")};
    if (m_job->options.deleteExtra && kGuarded.contains(folder))
        return makeError(ErrorKind::Usage,
                         QStringLiteral("refusing to sync with --delete into %1: name a folder of "
                                        "its own")
                             .arg(folder));
    return Ok{};
}

std::unique_ptr<HostProgram> SyncPlan::programFor(const HostTarget&) const
{
    return std::make_unique<CopyProgram>(m_job);
}

} // namespace hostdeck::engine
