#include "engine/transfer/CopyPlan.h"

#include "engine/transfer/CopyProgram.h"

#include <QJsonArray>

namespace hostdeck::engine {

Result<std::shared_ptr<CopyPlan>> CopyPlan::create(const QStringList& sources, CopyOptions options)
{
    if (sources.isEmpty())
        return makeError(ErrorKind::Usage,
                         QStringLiteral("nothing to copy: name a file or folder"));
    auto job = std::make_shared<CopyJob>();
    job->options = std::move(options);
    for (const QString& path : sources) {
        Result<CopySource> source = CopySource::scan(path, job->options.exclude);
        if (!source)
            return source.error();
        job->sources << std::move(*source);
    }
    QStringList names;
    for (const CopySource& source : std::as_const(job->sources)) {
        if (source.kind == CopySource::Kind::FolderContent)
            continue;
        if (names.contains(source.name))
            return makeError(ErrorKind::Usage,
                             QStringLiteral("two sources are named '%1': they would land on the "
                                            "same remote path")
                                 .arg(source.name));
        names << source.name;
    }
    const CopySource& first = job->sources.constFirst();
    job->intoFolder = job->sources.size() > 1 || first.kind != CopySource::Kind::File ||
                      job->options.remote.endsWith(QLatin1Char('/'));
    return std::make_shared<CopyPlan>(std::move(job));
}

QString CopyPlan::title() const
{
    const CopySource& first = m_job->sources.constFirst();
    const QString what = m_job->sources.size() == 1
                             ? first.local
                             : QStringLiteral("%1 items").arg(m_job->sources.size());
    return QStringLiteral("copy %1 to %2").arg(what, m_job->options.remote);
}

QJsonObject CopyPlan::toJson(const ToolCatalog&) const
{
    QJsonArray sources;
    for (const CopySource& source : m_job->sources)
        sources.append(source.kind == CopySource::Kind::FolderContent
                           ? source.local + QLatin1Char('/')
                           : source.local);
    QJsonObject json = m_job->options.toJson();
    json.insert(QStringLiteral("kind"), QStringLiteral("copy"));
    json.insert(QStringLiteral("sources"), sources);
    json.insert(QStringLiteral("files"), m_job->files());
    json.insert(QStringLiteral("bytes"), m_job->bytes());
    return json;
}

Status CopyPlan::validateRemote(const QString& remote, const ToolCatalog& catalog)
{
    if (!remote.startsWith(QLatin1Char('/')) || remote.contains(QChar(0)))
        return makeError(ErrorKind::Usage,
                         QStringLiteral("the remote path must be absolute: '%1'").arg(remote));
    for (const char* method : {"stat", "mkdir", "sync_manifest", "sync_put", "upload_begin"}) {
        if (!catalog.method(QStringLiteral("FileSystem"), QString::fromLatin1(method)))
            return makeError(ErrorKind::NotFound,
                             QStringLiteral("the tools have no FileSystem.%1: the transfer needs "
                                            "it")
                                 .arg(QString::fromLatin1(method)));
    }
    return Ok{};
}

Status CopyPlan::validate(const ToolCatalog& catalog) const
{
    return validateRemote(m_job->options.remote, catalog);
}

std::unique_ptr<HostProgram> CopyPlan::programFor(const HostTarget&) const
{
    return std::make_unique<CopyProgram>(m_job);
}

} // namespace hostdeck::engine
