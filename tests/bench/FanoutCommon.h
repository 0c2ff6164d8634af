// What bench_fanout's loopback and WAN parts share: the fleet of real sshd, the files the peers
// read, timing of whole processes and of in-process runs.
#pragma once

#include "tests/support/SshdFixture.h"

#include "engine/agent/AgentCall.h"
#include "engine/runner/HostTarget.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace hostdeck::engine {
class SessionPool;
}

namespace hostdeck::bench {

double median(std::vector<double> values);
void say(const QString& text);

/// The loopback fleet and the files every tool reads: one ssh_config (Host h1..hN), one
/// known_hosts, a pssh hosts file and an Ansible INI inventory; the same again for routes through
/// a delay proxy (writeRoutes).
struct Fleet
{
    test::SshdFixture sshd;
    QStringList names;
    QString sshConfig;
    QString knownHosts;
    QString hostsFile;
    QString inventory;

    QString start(int count);
    /// Files for the fleet reached through `ports` (one per host, same order), named with
    /// `suffix`; the first `count` hosts go in the hosts file and inventory.
    struct Files
    {
        QString sshConfig;
        QString knownHosts;
        QString hostsFile;
        QString inventory;
    };
    Files writeRoutes(const QList<quint16>& ports, int count, const QString& suffix);

private:
    Files writeFiles(const QList<quint16>& ports, int count, const QString& suffix);
};

/// CPU seconds of the children reaped so far (the tool and everything it waited for).
double childCpuSeconds();
/// CPU seconds the whole machine spent busy so far (all processes: both ends of the fleet).
double machineBusySeconds();

struct ProcessRun
{
    double ms = 0;
    double clientCpu = 0;  ///< seconds: the tool's process and its children (ssh clients)
    double machineCpu = 0; ///< seconds: the whole machine, the fleet's sshd and agents included
    bool ok = false;
    QByteArray out;
    QByteArray err;
    QString status;
};

ProcessRun timeProcess(const QString& program, const QStringList& args,
                       const QProcessEnvironment& env, const QByteArray& successMarker,
                       int expected);

/// Runs `request` on `targets` through `pool` and returns the wall time in ms, or nullopt when a
/// host failed (`failure` says which and why).
std::optional<double> timeRound(engine::SessionPool* pool, const QList<engine::HostTarget>& targets,
                                const engine::CallRequest& request, QString* failure);

/// Targets h1..hN resolved from `sshConfig` / `knownHosts` as hostdeck-cli would.
std::optional<QList<engine::HostTarget>>
resolveTargets(const QStringList& names, const QString& sshConfig, const QString& knownHosts);

/// `echo hello` as a CallRequest (Exec.run).
engine::CallRequest echoHello();

/// The environment of every peer: no ssh-agent. Ansible's also has its own home and temp dirs
/// in the fleet's temp dir, host key checking on, pipelining, forks `forks` and `sshArgs`.
QProcessEnvironment peerEnvironment();
QProcessEnvironment ansibleEnvironment(const Fleet& fleet, int forks, const QString& sshArgs);

} // namespace hostdeck::bench
