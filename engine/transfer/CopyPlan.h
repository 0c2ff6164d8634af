#pragma once

#include "engine/runner/RunRequest.h"
#include "engine/transfer/CopySource.h"

#include <memory>

namespace hostdeck::engine {

/// Copies local files and folders to every host (`hostdeck-cli copy`, the GUI's "Copy files to
/// hosts"): REMOTE is a folder the sources go into when there are several, a folder among them
/// or a trailing '/'; one file otherwise becomes REMOTE (or goes into it when it is a folder
/// there). Files keep their mode (or --mode) and mtime; what is already there with the same
/// content is not sent again (changed: false). The sources are scanned once, by create().
class CopyPlan final : public Plan
{
public:
    /// Scans `sources` on this machine; errors name the source.
    static Result<std::shared_ptr<CopyPlan>> create(const QStringList& sources,
                                                    CopyOptions options);
    explicit CopyPlan(std::shared_ptr<const CopyJob> job) : m_job(std::move(job)) {}

    const CopyJob& job() const { return *m_job; }
    QString title() const override;
    QJsonObject toJson(const ToolCatalog& catalog) const override;
    Status validate(const ToolCatalog& catalog) const override;
    std::unique_ptr<HostProgram> programFor(const HostTarget& target) const override;

    /// Checks what every transfer plan needs: an absolute remote path, the FileSystem methods.
    static Status validateRemote(const QString& remote, const ToolCatalog& catalog);

private:
    std::shared_ptr<const CopyJob> m_job;
};

} // namespace hostdeck::engine
