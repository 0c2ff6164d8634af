#pragma once

#include "app/cli/CliServices.h"
#include "engine/runner/RunRequest.h"
#include "engine/runner/TargetFactory.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace hostdeck::cli {

/// What a command runs on, as the user named it.
struct Targets
{
    QList<engine::HostTarget> hosts;
    QStringList warnings;
    QString pattern;   ///< -l PATTERN, -H list or "localhost"
    QString inventory; ///< -i FILE
    bool local = false;
};

/// The options every command that runs on hosts shares (`call`, `run`, `copy`, ...): the targets
/// (--local, -H, -i/-l), how to reach them (ssh_config, known_hosts, identity, interpreter,
/// become, passwords), and how the run goes (forks, timeouts, check, serial). One parser for all,
/// so an option means the same in every command.
class TargetOptions
{
public:
    /// Where a command names its hosts: with --local, -H or -i/-l (`call`), or in an argument
    /// (`copy ... PATTERN:REMOTE`: an inventory pattern with -i, else -H style destinations).
    enum class HostsFrom
    {
        Options,
        Argument
    };

    /// Whether the command records its runs in the history (--history, --no-history,
    /// --rerun-failed).
    enum class History
    {
        Recorded,
        NotRecorded
    };

    explicit TargetOptions(HostsFrom from = HostsFrom::Options);
    void addTo(QCommandLineParser& parser, History history = History::Recorded) const;

    /// The targets through TargetFactory (the one mapping every face uses); a password piped with
    /// --password-stdin goes to `services.typed()`, an inventory to `services.keychain()`.
    /// `defaultPattern` stands in for a missing -l (a recipe's `hosts`).
    engine::Result<Targets> targets(const QCommandLineParser& parser, CliServices& services,
                                    const QString& defaultPattern = {}) const;
    /// HostsFrom::Argument: the hosts `pattern` names (of the -i inventory, or destinations).
    engine::Result<Targets> targetsNamed(const QCommandLineParser& parser, CliServices& services,
                                         const QString& pattern) const;
    /// The history database the run is recorded in ("" with --no-history).
    QString historyPath(const QCommandLineParser& parser) const;
    /// --rerun-failed ID|last, when given.
    QString rerunFailed(const QCommandLineParser& parser) const;
    engine::Result<engine::RunOptions> runOptions(const QCommandLineParser& parser) const;
    CliServices::EngineOptions engineOptions(const QCommandLineParser& parser) const;

private:
    engine::Result<engine::TargetSettings> settings(const QCommandLineParser& parser) const;
    engine::Result<engine::TargetSettings> prepare(const QCommandLineParser& parser,
                                                   CliServices& services) const;
    static engine::Result<Targets> fromDestinations(const QString& list,
                                                    const engine::TargetSettings& settings);
    static engine::Result<Targets> fromInventory(const QString& file, const QString& pattern,
                                                 const engine::TargetSettings& settings,
                                                 CliServices& services);

    HostsFrom m_from;

    QCommandLineOption m_local, m_hosts, m_inventory, m_limit, m_sshConfig, m_noSshConfig,
        m_knownHosts, m_hostKeys, m_identity, m_connectTimeout, m_python, m_become, m_becomeUser,
        m_becomeMethod, m_passwordStdin, m_forks, m_timeout, m_deadline, m_check, m_serial,
        m_maxFail, m_readyTimeout, m_toolsDir, m_history, m_noHistory, m_rerunFailed;
};

/// Seconds given on the command line (a number >= 0), as milliseconds.
engine::Result<std::chrono::milliseconds> parseSeconds(const QString& option, const QString& text);

} // namespace hostdeck::cli
