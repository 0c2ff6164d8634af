#pragma once

#include "engine/runner/RunRequest.h"
#include "engine/transfer/HashCache.h"

#include <memory>

namespace hostdeck::engine {

/// What a fetch brings back and where it goes.
struct FetchJob
{
    QString remote;   ///< absolute path of a file or folder on the hosts
    QString localDir; ///< every host's copy goes into LOCALDIR/HOST/NAME
    bool checksum = false;
    QStringList exclude;
    std::shared_ptr<HashCache> hashes = std::make_shared<HashCache>();
};

/// Fetches a file or a folder from every host into a local folder, one subfolder per host
/// (`hostdeck-cli fetch`, the GUI's "Fetch from hosts"). What is already here with the same
/// content is not fetched again (changed: false); files keep the host's mode (without set-id
/// bits) and mtime; symlinks are made as symlinks. Paths the host names never leave the
/// host's subfolder.
class FetchPlan final : public Plan
{
public:
    static Result<std::shared_ptr<FetchPlan>> create(FetchJob job);
    explicit FetchPlan(std::shared_ptr<const FetchJob> job) : m_job(std::move(job)) {}

    const FetchJob& job() const { return *m_job; }
    /// LOCALDIR/HOST/NAME for a host.
    QString localPathFor(const QString& host) const;
    QString title() const override;
    QJsonObject toJson(const ToolCatalog& catalog) const override;
    Status validate(const ToolCatalog& catalog) const override;
    std::unique_ptr<HostProgram> programFor(const HostTarget& target) const override;

private:
    std::shared_ptr<const FetchJob> m_job;
};

} // namespace hostdeck::engine
