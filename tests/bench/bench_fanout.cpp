// Fan-out benchmark (issue 3): `echo hello` on a loopback fleet of real sshd hosts, Hostdeck beside
// parallel-ssh and Ansible ad-hoc, all in one run on the same hosts, medians of --reps runs:
//   hostdeck cold   whole `hostdeck-cli call -H h1..hN` process (connect + bootstrap + Exec.run)
//   hostdeck warm   the same call again on the pooled connections of one long-lived process
//   parallel-ssh    OpenSSH's default KEX and curve25519-sha256 (what libssh negotiates)
//   ansible         ad-hoc `command` module, forks N, pipelining, no ControlPersist (cold)
// plus the controller's memory per idle pooled connection. Needs root (the sshd fixture creates
// its login user). Not a pass/fail test: exits non-zero only when something does not work at all.
//   bench_fanout [--hosts N] [--reps R] [--serve SECONDS]
//   (--serve: only start the fleet, print its ssh_config and known_hosts, keep it up that long
//   for profiling by hand, then stop it)
#include "BenchFigure.h"
#include "SshdFixture.h"
#include "TestEnv.h"

#include "agent/ToolRegistry.h"
#include "runner/CallPlan.h"
#include "runner/DefaultTransportFactory.h"
#include "runner/Run.h"
#include "runner/SessionPool.h"
#include "ssh/SshConfigResolver.h"
#include "ssh/StaticCredentialProvider.h"

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

namespace {

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

void say(const QString& text)
{
    std::fprintf(stdout, "%s\n", qPrintable(text));
    std::fflush(stdout);
}

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

/// The loopback fleet and the files every tool reads: one ssh_config (Host h1..hN), one
/// known_hosts, a pssh hosts file and an Ansible INI inventory.
struct Fleet
{
    SshdFixture sshd;
    QStringList names;
    QString sshConfig;
    QString knownHosts;
    QString hostsFile;
    QString inventory;

    QString start(int count)
    {
        if (const QString error = sshd.setUp(); !error.isEmpty())
            return error;
        SshdOptions options;
        // 50 clients at once against one host would hit OpenSSH's MaxStartups 10:30:100; each
        // fleet host is its own sshd here, but raise it anyway so no tool is throttled.
        options.extraConfig = {QStringLiteral("MaxStartups 200:30:400")};
        QStringList config;
        QStringList known;
        for (int i = 0; i < count; ++i) {
            if (sshd.startServer(options) != i)
                return sshd.lastError();
            const QString name = QStringLiteral("h%1").arg(i + 1);
            names << name;
            known << sshd.knownHostsLine(i);
            config << QStringLiteral("Host ") + name << QStringLiteral("    HostName 127.0.0.1")
                   << QStringLiteral("    Port %1").arg(sshd.port(i));
        }
        knownHosts = sshd.writeFile(QStringLiteral("known_hosts"), known);
        config << QStringLiteral("Host *") << QStringLiteral("    User ") + sshd.user()
               << QStringLiteral("    IdentityFile ") + sshd.clientKey()
               << QStringLiteral("    IdentitiesOnly yes")
               << QStringLiteral("    UserKnownHostsFile ") + knownHosts
               << QStringLiteral("    GlobalKnownHostsFile /dev/null")
               << QStringLiteral("    StrictHostKeyChecking yes")
               << QStringLiteral("    BatchMode yes");
        sshConfig = sshd.writeFile(QStringLiteral("ssh_config"), config);
        hostsFile = sshd.writeFile(QStringLiteral("hosts.txt"), names);
        inventory = sshd.writeFile(
            QStringLiteral("inventory.ini"),
            QStringList{QStringLiteral("[fleet]")} + names +
                QStringList{QStringLiteral("[all:vars]"),
                            QStringLiteral("ansible_python_interpreter=/usr/bin/python3")});
        return {};
    }
};

/// CPU seconds of the children reaped so far (the tool and everything it waited for).
double childCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/// CPU seconds the whole machine spent busy so far (all processes: both ends of the fleet).
double machineBusySeconds()
{
    QFile stat(QStringLiteral("/proc/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> f = stat.readLine().simplified().split(' ');
    if (f.size() < 8)
        return 0;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    // user nice system idle iowait irq softirq [steal]: busy = all but idle and iowait
    double busy = 0;
    for (int i = 1; i < f.size() && i <= 8; ++i) {
        if (i != 4 && i != 5)
            busy += f.at(i).toDouble();
    }
    return busy / ticks;
}

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
                       int expected)
{
    ProcessRun run;
    QProcess process;
    process.setProcessEnvironment(env);
    process.setStandardInputFile(QProcess::nullDevice());
    const double cpuBefore = childCpuSeconds();
    const double machineBefore = machineBusySeconds();
    QElapsedTimer clock;
    clock.start();
    process.start(program, args);
    const bool finished = process.waitForFinished(120000);
    run.ms = double(clock.nsecsElapsed()) / 1e6;
    run.clientCpu = childCpuSeconds() - cpuBefore;
    run.machineCpu = machineBusySeconds() - machineBefore;
    if (!finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    run.status = !finished ? QStringLiteral("killed: no exit within 120 s")
                 : process.exitStatus() == QProcess::CrashExit
                     ? QStringLiteral("crashed: ") + process.errorString()
                     : QStringLiteral("exit code %1").arg(process.exitCode());
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    run.ok = finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0 &&
             run.out.count(successMarker) >= expected;
    return run;
}

/// Runs `request` on `targets` through `pool` and returns the wall time in ms, or nullopt when a
/// host failed.
std::optional<double> timeRound(SessionPool* pool, const QList<HostTarget>& targets,
                                const CallRequest& request, QString* failure)
{
    RunRequest runRequest;
    runRequest.targets = targets;
    runRequest.plan = std::make_shared<CallPlan>(request.tool, request.method, request.args);
    static quint64 nextId = 1;
    Run run(nextId++, runRequest, pool, nullptr);
    QEventLoop loop;
    RunSummary summary;
    QObject::connect(&run, &Run::finished, &loop, [&](const RunSummary& s) {
        summary = s;
        loop.quit();
    });
    QList<HostResult> failed;
    QObject::connect(&run, &Run::events, &loop, [&](const QList<RunEvent>& events) {
        for (const RunEvent& event : events) {
            if (event.type == RunEvent::Type::HostResult && !event.record.ok)
                failed << event.record;
        }
    });
    QTimer::singleShot(120000, &loop, [&run] { run.cancel(); });
    QElapsedTimer clock;
    clock.start();
    run.start();
    if (!run.isFinished())
        loop.exec();
    const double ms = double(clock.nsecsElapsed()) / 1e6;
    if (summary.ok != summary.total) {
        *failure = failed.isEmpty() ? QStringLiteral("?")
                                    : failed.first().host + u": " + failed.first().error.message;
        return std::nullopt;
    }
    return ms;
}

struct Row
{
    QString tool;
    double ms = 0;
    int runs = 0;
    QString note;
};

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
    CallRequest request;
    request.tool = QStringLiteral("Exec");
    request.method = QStringLiteral("run");
    request.args = {
        {QStringLiteral("argv"), QJsonArray{QStringLiteral("echo"), QStringLiteral("hello")}}};
    SshSettings base;
    base.sshConfigFile = fleet.sshConfig;
    base.knownHostsFile = fleet.knownHosts;
    QList<HostTarget> targets;
    for (const QString& name : std::as_const(fleet.names)) {
        Result<SshSettings> settings = SshConfigResolver::resolve(name, base);
        if (!settings) {
            say(QStringLiteral("bench_fanout: %1: %2").arg(name, settings.error().message));
            return 1;
        }
        HostTarget target;
        target.name = name;
        target.kind = HostTarget::Kind::Ssh;
        target.ssh = *settings;
        target.interpreter = {QStringLiteral("python3")};
        targets << target;
    }
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
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("SSH_AUTH_SOCK"));
    QProcessEnvironment ansibleEnv = env;
    const QString ansibleDir = fleet.sshd.dir() + QStringLiteral("/ansible");
    const QString remoteTemp = fleet.sshd.dir() + QStringLiteral("/ansible-remote");
    QDir().mkpath(ansibleDir + QStringLiteral("/local"));
    QDir().mkpath(remoteTemp);
    ::chmod(QFile::encodeName(remoteTemp).constData(), 01777); // the login user writes there
    ansibleEnv.insert(QStringLiteral("ANSIBLE_HOME"), ansibleDir);
    ansibleEnv.insert(QStringLiteral("ANSIBLE_LOCAL_TEMP"), ansibleDir + QStringLiteral("/local"));
    ansibleEnv.insert(QStringLiteral("ANSIBLE_REMOTE_TEMP"), remoteTemp);
    ansibleEnv.insert(QStringLiteral("ANSIBLE_HOST_KEY_CHECKING"), QStringLiteral("True"));
    ansibleEnv.insert(QStringLiteral("ANSIBLE_PIPELINING"), QStringLiteral("True"));
    // No ControlPersist: it would leave ssh masters running and make later runs warm.
    ansibleEnv.insert(QStringLiteral("ANSIBLE_SSH_ARGS"),
                      QStringLiteral("-F ") + fleet.sshConfig +
                          QStringLiteral(" -o ControlMaster=no"));
    ansibleEnv.insert(QStringLiteral("ANSIBLE_FORKS"), QString::number(hostCount));
    ansibleEnv.insert(QStringLiteral("ANSIBLE_NOCOLOR"), QStringLiteral("1"));
    ansibleEnv.insert(QStringLiteral("ANSIBLE_DEPRECATION_WARNINGS"), QStringLiteral("False"));

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

    fleet.sshd.stopAll();
    return tools.front().failure.isEmpty() ? 0 : 1;
}
