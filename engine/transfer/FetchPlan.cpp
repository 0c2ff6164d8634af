#include "engine/transfer/FetchPlan.h"

#include "engine/transfer/FetchProgram.h"
#include "engine/transfer/LocalFiles.h"

#include <QFileInfo>
#include <QJsonArray>

namespace hostdeck::engine {

Result<std::shared_ptr<FetchPlan>> FetchPlan::create(FetchJob job)
{
    if (!job.remote.startsWith(QLatin1Char('/')) || job.remote.contains(QChar(0)))
        return makeError(ErrorKind::Usage,
                         QStringLiteral("the remote path must be absolute: '%1'").arg(job.remote));
    while (job.remote.size() > 1 && job.remote.endsWith(QLatin1Char('/')))
        job.remote.chop(1);
    if (job.localDir.isEmpty())
        return makeError(ErrorKind::Usage, QStringLiteral("name the local folder to fetch into"));
    const QFileInfo local(job.localDir);
    if (local.exists() && !local.isDir())
        return makeError(ErrorKind::Usage, QStringLiteral("%1 is not a folder").arg(job.localDir));
    job.localDir = local.absoluteFilePath();
    return std::make_shared<FetchPlan>(std::make_shared<const FetchJob>(std::move(job)));
}

QString FetchPlan::localPathFor(const QString& host) const
{
    const QString folder = LocalFiles::join(m_job->localDir, LocalFiles::hostFolderName(host));
    const QString name = m_job->remote.mid(m_job->remote.lastIndexOf(QLatin1Char('/')) + 1);
    return name.isEmpty() ? folder : LocalFiles::join(folder, name);
}

QString FetchPlan::title() const
{
    return QStringLiteral("fetch %1 to %2").arg(m_job->remote, m_job->localDir);
}

QJsonObject FetchPlan::toJson(const ToolCatalog&) const
{
    return {{QStringLiteral("kind"), QStringLiteral("fetch")},
            {QStringLiteral("src"), m_job->remote},
            {QStringLiteral("dest"), m_job->localDir},
            {QStringLiteral("checksum"), m_job->checksum},
            {QStringLiteral("exclude"), QJsonArray::fromStringList(m_job->exclude)}};
}

Status FetchPlan::validate(const ToolCatalog& catalog) const
{
    for (const char* method : {"stat", "checksum", "sync_manifest", "read_bytes", "download"}) {
        if (!catalog.method(QStringLiteral("FileSystem"), QString::fromLatin1(method)))
            return makeError(ErrorKind::NotFound,
                             QStringLiteral("the tools have no FileSystem.%1: the fetch needs it")
                                 .arg(QString::fromLatin1(method)));
    }
    return Ok{};
}

std::unique_ptr<HostProgram> FetchPlan::programFor(const HostTarget& target) const
{
    return std::make_unique<FetchProgram>(m_job, localPathFor(target.name));
}

} // namespace hostdeck::engine
