#pragma once

#include "CliServices.h"
#include "runner/RunRequest.h"
#include "runner/TargetFactory.h"

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
    TargetOptions();
    enum class Scope
    {
        Run,
        ResolveOnly
    };
    /// ResolveOnly leaves out what only a run uses (the history options).
    void addTo(QCommandLineParser& parser, Scope scope = Scope::Run) const;

    /// The targets through TargetFactory (the one mapping every face uses); a password piped with
    /// --password-stdin goes to `services.typed()`, an inventory to `services.keychain()`.
    /// `defaultPattern` stands in for a missing -l (a recipe's `hosts`).
    engine::Result<Targets> targets(const QCommandLineParser& parser, CliServices& services,
                                    const QString& defaultPattern = {}) const;
    /// The history database the run is recorded in ("" with --no-history).
    QString historyPath(const QCommandLineParser& parser) const;
    /// --rerun-failed ID|last, when given.
    QString rerunFailed(const QCommandLineParser& parser) const;
    engine::Result<engine::RunOptions> runOptions(const QCommandLineParser& parser) const;
    CliServices::EngineOptions engineOptions(const QCommandLineParser& parser) const;

private:
    engine::Result<engine::TargetSettings> settings(const QCommandLineParser& parser) const;

    QCommandLineOption m_local, m_hosts, m_inventory, m_limit, m_sshConfig, m_noSshConfig,
        m_knownHosts, m_hostKeys, m_identity, m_connectTimeout, m_python, m_become, m_becomeUser,
        m_becomeMethod, m_passwordStdin, m_forks, m_timeout, m_deadline, m_check, m_serial,
        m_maxFail, m_readyTimeout, m_toolsDir, m_history, m_noHistory, m_rerunFailed;
};

/// Seconds given on the command line (a number >= 0), as milliseconds.
engine::Result<std::chrono::milliseconds> parseSeconds(const QString& option, const QString& text);

} // namespace hostdeck::cli
