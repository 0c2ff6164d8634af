// Fan-out benchmark (issue 3): `echo hello` on a loopback fleet of real sshd hosts, Hostdeck beside
// parallel-ssh and Ansible ad-hoc, all in one run on the same hosts, medians of --reps runs:
//   hostdeck cold   whole `hostdeck-cli call -H h1..hN` process (connect + bootstrap + Exec.run)
//   hostdeck warm   the same call again on the pooled connections of one long-lived process
//   parallel-ssh    OpenSSH's default KEX and curve25519-sha256 (what libssh negotiates)
//   ansible         ad-hoc `command` module, forks N, pipelining, no ControlPersist (cold)
// plus the controller's memory per idle pooled connection. Then the WAN part (BenchWan.cpp): the
// same through a delay proxy, see HOSTDECK_BENCH_WAN there. Needs root (the sshd fixture creates
// its login user). Not a pass/fail test: exits non-zero only when something does not work at all.
//   bench_fanout [--hosts N] [--reps R] [--serve SECONDS]
//   (--serve: only start the fleet, print its ssh_config and known_hosts, keep it up that long
//   for profiling by hand, then stop it)
#include "tests/bench/BenchFigure.h"
#include "tests/bench/BenchWan.h"
#include "tests/bench/FanoutCommon.h"
#include "tests/support/SshdFixture.h"
#include "tests/support/TestEnv.h"

#include "engine/agent/ToolRegistry.h"
#include "engine/runner/CallPlan.h"
#include "engine/runner/DefaultTransportFactory.h"
#include "engine/runner/Run.h"
#include "engine/runner/SessionPool.h"
#include "engine/ssh/SshConfigResolver.h"
#include "engine/ssh/StaticCredentialProvider.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <malloc.h>
#include <optional>
#include <vector>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace hostdeck::engine;
using namespace hostdeck::test;
using namespace hostdeck::bench;

namespace {

qint64 rssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).simplified().split(' ').value(0).toLongLong();
    }
    return 0;
}

/// RSS after returning freed heap to the system: what the sessions hold, not the transient
/// buffers of their start-up that malloc keeps around.
qint64 liveRssKb()
{
    malloc_trim(0);
    return rssKb();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int hostCount = 50;
    int reps = 5;
    int serveSeconds = 0;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args.at(i) == QStringLiteral("--hosts"))
            hostCount = std::max(1, args.at(i + 1).toInt());
        if (args.at(i) == QStringLiteral("--reps"))
            reps = std::max(1, args.at(i + 1).toInt());
        if (args.at(i) == QStringLiteral("--serve"))
            serveSeconds = std::max(1, args.at(i + 1).toInt());
    }
    QLoggingCategory::setFilterRules(QStringLiteral("hostdeck.*.debug=false")); // as hostdeck-cli
    if (geteuid() != 0) {
        say(QStringLiteral("bench_fanout: skipped, the sshd fixture needs root"));
        return 0;
    }

    Fleet fleet;
    QElapsedTimer setupClock;
    setupClock.start();
    if (const QString error = fleet.start(hostCount); !error.isEmpty()) {
        say(QStringLiteral("bench_fanout: fleet did not start: ") + error);
        return 1;
    }
    say(QStringLiteral("fleet: %1 sshd on 127.0.0.1 up in %2 ms; echo hello, medians of %3 runs")
            .arg(hostCount)
            .arg(setupClock.elapsed())
            .arg(reps));
    if (serveSeconds > 0) {
        say(QStringLiteral("serving for %1 s: --ssh-config %2 --known-hosts %3 -H %4")
                .arg(serveSeconds)
                .arg(fleet.sshConfig, fleet.knownHosts, fleet.names.join(u',')));
        QThread::sleep(serveSeconds);
        fleet.sshd.stopAll();
        return 0;
    }

    // --- hostdeck warm (and the in-process cold round, and memory) ------------------------------
    const CallRequest request = echoHello();
    const auto resolved = resolveTargets(fleet.names, fleet.sshConfig, fleet.knownHosts);
    if (!resolved)
        return 1;
    const QList<HostTarget>& targets = *resolved;
    std::vector<double> warm;
    const int firstBatch = std::min(10, int(targets.size()));
    double inProcessCold = 0;
    qint64 rssBefore = 0;
    qint64 rssTenth = 0;
    qint64 rssAll = 0;
    qint64 liveBefore = 0;
    qint64 liveAll = 0;
    {
        auto tools = std::make_shared<ToolRegistry>(ToolRegistry::load({}));
        auto factory = std::make_unique<DefaultTransportFactory>(
            std::make_shared<StaticCredentialProvider>(), nullptr);
        SessionPool pool(std::move(factory), tools, nullptr, {});
        QString failure;
        liveBefore = liveRssKb();
        rssBefore = rssKb();
        const std::optional<double> first =
            timeRound(&pool, targets.mid(0, firstBatch), request, &failure);
        rssTenth = rssKb();
        const std::optional<double> rest =
            first ? timeRound(&pool, targets, request, &failure) : std::nullopt;
        rssAll = rssKb();
        liveAll = liveRssKb();
        if (!first || !rest) {
            say(QStringLiteral("bench_fanout: hostdeck in-process run failed: ") + failure);
            return 1;
        }
        inProcessCold = *rest; // 40 new connections + 10 pooled ones
        for (int i = 0; i < reps; ++i) {
            const std::optional<double> ms = timeRound(&pool, targets, request, &failure);
            if (!ms) {
                say(QStringLiteral("bench_fanout: warm round failed: ") + failure);
                return 1;
            }
            warm.push_back(*ms);
        }
        pool.closeAll();
    }

    // --- whole processes, interleaved per repetition so drift hits every tool alike --------------
    const QProcessEnvironment env = peerEnvironment();
    // No ControlPersist: it would leave ssh masters running and make later runs warm.
    const QProcessEnvironment ansibleEnv = ansibleEnvironment(
        fleet, hostCount,
        QStringLiteral("-F ") + fleet.sshConfig + QStringLiteral(" -o ControlMaster=no"));

    const QString cli = builtProgram(QStringLiteral("app/hostdeck-cli"));
    const QStringList cliArgs = {
        QStringLiteral("call"),  QStringLiteral("-H"),
        fleet.names.join(u','),  QStringLiteral("--ssh-config"),
        fleet.sshConfig,         QStringLiteral("--known-hosts"),
        fleet.knownHosts,        QStringLiteral("Exec.run"),
        QStringLiteral("--arg"), QStringLiteral(R"(argv=["echo","hello"])")};
    const QString pssh = QStandardPaths::findExecutable(QStringLiteral("parallel-ssh")).isEmpty()
                             ? QStandardPaths::findExecutable(QStringLiteral("pssh"))
                             : QStandardPaths::findExecutable(QStringLiteral("parallel-ssh"));
    const QString ansible = QStandardPaths::findExecutable(QStringLiteral("ansible"));
    const auto psshArgs = [&](const QString& extra) {
        return QStringList{QStringLiteral("-h"),   fleet.hostsFile,
                           QStringLiteral("-p"),   QString::number(hostCount),
                           QStringLiteral("-t"),   QStringLiteral("60"),
                           QStringLiteral("-x"),   QStringLiteral("-F ") + fleet.sshConfig + extra,
                           QStringLiteral("-i"),   QStringLiteral("echo"),
                           QStringLiteral("hello")};
    };
    const QStringList ansibleArgs = {
        QStringLiteral("all"),     QStringLiteral("-i"),       fleet.inventory,
        QStringLiteral("-f"),      QString::number(hostCount), QStringLiteral("-m"),
        QStringLiteral("command"), QStringLiteral("-a"),       QStringLiteral("echo hello")};

    struct Tool
    {
        QString name;
        QString program;
        QStringList args;
        QProcessEnvironment env;
        QByteArray marker;
        std::vector<double> times;
        QString failure;
        std::vector<double> clientCpu;  ///< seconds per run
        std::vector<double> machineCpu; ///< seconds per run
    };
    std::vector<Tool> tools;
    tools.push_back({QStringLiteral("hostdeck cold (hostdeck-cli)"),
                     cli,
                     cliArgs,
                     env,
                     "\"ok\":true",
                     {},
                     {},
                     {},
                     {}});
    if (!pssh.isEmpty()) {
        tools.push_back({QStringLiteral("parallel-ssh, OpenSSH default KEX"),
                         pssh,
                         psshArgs({}),
                         env,
                         "[SUCCESS]",
                         {},
                         {},
                         {},
                         {}});
        tools.push_back({QStringLiteral("parallel-ssh, curve25519-sha256"),
                         pssh,
                         psshArgs(QStringLiteral(" -o KexAlgorithms=curve25519-sha256")),
                         env,
                         "[SUCCESS]",
                         {},
                         {},
                         {},
                         {}});
    }
    if (!ansible.isEmpty())
        tools.push_back({QStringLiteral("ansible ad-hoc (pipelining)"),
                         ansible,
                         ansibleArgs,
                         ansibleEnv,
                         "| CHANGED |",
                         {},
                         {},
                         {},
                         {}});
    for (int rep = 0; rep < reps; ++rep) {
        for (Tool& tool : tools) {
            if (!tool.failure.isEmpty())
                continue;
            const ProcessRun run =
                timeProcess(tool.program, tool.args, tool.env, tool.marker, hostCount);
            if (!run.ok) {
                tool.failure =
                    QString::fromLocal8Bit(run.err.right(400) + run.out.right(400)).simplified();
                if (tool.failure.isEmpty())
                    tool.failure = QStringLiteral("%1 ended without output after %2 ms (%3)")
                                       .arg(tool.program)
                                       .arg(run.ms, 0, 'f', 0)
                                       .arg(run.status);
                continue;
            }
            tool.times.push_back(run.ms);
            tool.clientCpu.push_back(run.clientCpu);
            tool.machineCpu.push_back(run.machineCpu);
        }
    }

    // --- report
    // ------------------------------------------------------------------------------------
    const double cold = tools.front().times.empty() ? 0 : median(tools.front().times);
    say(QString());
    say(QStringLiteral("%1 | %2 | %3")
            .arg(QStringLiteral("tool").leftJustified(40),
                 QStringLiteral("median wall ms").rightJustified(14),
                 QStringLiteral("ratio vs hostdeck cold")));
    say(QString(80, u'-'));
    const auto row = [cold](const QString& name, double ms, const QString& note) {
        const QString ratio =
            cold > 0 ? QString::number(ms / cold, 'f', 2) + u'x' : QStringLiteral("-");
        say(QStringLiteral("%1 | %2 | %3 %4")
                .arg(name.leftJustified(40), QString::number(ms, 'f', 1).rightJustified(14),
                     ratio.rightJustified(8), note));
    };
    for (const Tool& tool : tools) {
        if (!tool.failure.isEmpty())
            say(QStringLiteral("%1 | %2 | failed: %3")
                    .arg(tool.name.leftJustified(40), QStringLiteral("-").rightJustified(14),
                         tool.failure));
        else
            row(tool.name, median(tool.times), QString());
    }
    // Where the time goes: on this loopback fleet the 2 cores run both ends, so the wall time
    // follows the machine's total CPU; on a real fleet each host has its own CPU and only the
    // controller's share is paid here.
    say(QString());
    say(QStringLiteral("%1 | %2 | %3")
            .arg(QStringLiteral("CPU, medians").leftJustified(40),
                 QStringLiteral("controller ms/host").rightJustified(18),
                 QStringLiteral("whole machine s (both ends)")));
    for (const Tool& tool : tools) {
        if (tool.failure.isEmpty())
            say(QStringLiteral("%1 | %2 | %3")
                    .arg(tool.name.leftJustified(40),
                         QString::number(median(tool.clientCpu) * 1000 / hostCount, 'f', 1)
                             .rightJustified(18),
                         QString::number(median(tool.machineCpu), 'f', 2)));
    }
    say(QString());
    if (pssh.isEmpty())
        say(QStringLiteral("parallel-ssh: not installed (Debian package pssh), skipped"));
    if (ansible.isEmpty())
        say(QStringLiteral("ansible: not installed (Debian package ansible-core), skipped"));
    row(QStringLiteral("hostdeck warm round (pooled)"), median(warm),
        QStringLiteral("(min %1 ms; target <= 50 ms)")
            .arg(*std::min_element(warm.begin(), warm.end()), 0, 'f', 1));
    row(QStringLiteral("hostdeck in-process, %1 new + %2 pooled")
            .arg(hostCount - firstBatch)
            .arg(firstBatch),
        inProcessCold, QString());
    say(QString());
    say(QStringLiteral("controller memory per idle connection: %1 KiB live (RSS delta after %2 "
                       "pooled sessions / %2, freed heap returned first); raw RSS delta %3 KiB, "
                       "marginal %4 KiB (sessions 11..%2)")
            .arg(double(liveAll - liveBefore) / hostCount, 0, 'f', 1)
            .arg(hostCount)
            .arg(double(rssAll - rssBefore) / hostCount, 0, 'f', 1)
            .arg(hostCount > 10 ? double(rssAll - rssTenth) / (hostCount - 10) : 0.0, 0, 'f', 1));
    // Targets (README): cold faster than parallel-ssh (curve25519), warm round <= 50 ms.
    if (!tools.front().times.empty() && tools.size() > 2 && !tools[2].times.empty())
        hostdeck::bench::figure("fanout.cold_vs_parallel_ssh", cold / median(tools[2].times), "x",
                                hostdeck::bench::Better::Lower, 1.0);
    hostdeck::bench::figure("fanout.warm_round", median(warm), "ms", hostdeck::bench::Better::Lower,
                            50);

    const bool wanOk = runWan(fleet, reps);
    fleet.sshd.stopAll();
    return tools.front().failure.isEmpty() && wanOk ? 0 : 1;
}
