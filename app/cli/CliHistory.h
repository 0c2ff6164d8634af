#pragma once

#include "engine/history/RunHistory.h"
#include "engine/runner/EngineClient.h"

#include <QObject>

#include <memory>

namespace hostdeck::cli {

/// The CLI's runs in the same history database as the GUI's (`--history FILE`, default
/// RunHistory::defaultPath(); `--no-history` records nothing), so a run can be looked up and its
/// failed hosts run again (`--rerun-failed ID|last`).
class CliHistory final : public QObject
{
    Q_OBJECT
public:
    /// Opens the database; a database that cannot be opened is reported on stderr and the run
    /// goes on unrecorded.
    explicit CliHistory(const QString& path, QObject* parent = nullptr);
    ~CliHistory() override;

    bool isOpen() const { return bool(m_history); }
    /// Stores `run` as its events arrive.
    void record(engine::RunHandle* run);
    /// The hosts of run `which` (a history id, or "last" for the newest run) that did not
    /// succeed: failed, unreachable or timed out.
    engine::Result<QStringList> failedHosts(const QString& which) const;
    /// `targets` reduced to the failed hosts of run `which` (see failedHosts).
    engine::Result<QList<engine::HostTarget>>
    onlyFailed(const QString& which, const QList<engine::HostTarget>& targets) const;

private:
    std::unique_ptr<engine::RunHistory> m_history;
};

} // namespace hostdeck::cli
