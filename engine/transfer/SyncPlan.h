#pragma once

#include "engine/runner/RunRequest.h"
#include "engine/transfer/CopySource.h"

#include <memory>

namespace hostdeck::engine {

/// Makes a remote folder match a local one on every host (`hostdeck-cli sync`, rsync's use):
/// only files that differ travel (size and mtime, then SHA-256 on both ends where the mtime
/// alone differs), --delete removes what the local folder lacks, check mode lists what would
/// be copied, deleted or changed and changes nothing. Needs nothing on the hosts but python3.
class SyncPlan final : public Plan
{
public:
    static Result<std::shared_ptr<SyncPlan>> create(const QString& localFolder,
                                                    CopyOptions options);
    explicit SyncPlan(std::shared_ptr<const CopyJob> job) : m_job(std::move(job)) {}

    const CopyJob& job() const { return *m_job; }
    QString title() const override;
    QJsonObject toJson(const ToolCatalog& catalog) const override;
    Status validate(const ToolCatalog& catalog) const override;
    std::unique_ptr<HostProgram> programFor(const HostTarget& target) const override;

private:
    std::shared_ptr<const CopyJob> m_job;
};

} // namespace hostdeck::engine
