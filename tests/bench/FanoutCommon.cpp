#include "tests/bench/FanoutCommon.h"

#include "engine/runner/CallPlan.h"
#include "engine/runner/Run.h"
#include "engine/runner/SessionPool.h"
#include "engine/ssh/SshConfigResolver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <cstdio>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace hostdeck::engine;

namespace hostdeck::bench {

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

QString Fleet::start(int count)
{
    if (const QString error = sshd.setUp(); !error.isEmpty())
        return error;
    test::SshdOptions options;
    // 50 clients at once against one host would hit OpenSSH's MaxStartups 10:30:100; each
    // fleet host is its own sshd here, but raise it anyway so no tool is throttled.
    options.extraConfig = {QStringLiteral("MaxStartups 200:30:400")};
    QList<quint16> ports;
    for (int i = 0; i < count; ++i) {
        if (sshd.startServer(options) != i)
            return sshd.lastError();
        names << QStringLiteral("h%1").arg(i + 1);
        ports << sshd.port(i);
    }
    const Files files = writeFiles(ports, count, QString());
    sshConfig = files.sshConfig;
    knownHosts = files.knownHosts;
    hostsFile = files.hostsFile;
    inventory = files.inventory;
    return {};
}

Fleet::Files Fleet::writeRoutes(const QList<quint16>& ports, int count, const QString& suffix)
{
    return writeFiles(ports, count, suffix);
}

Fleet::Files Fleet::writeFiles(const QList<quint16>& ports, int count, const QString& suffix)
{
    QStringList config;
    QStringList known;
    for (qsizetype i = 0; i < ports.size(); ++i) {
        // The host key of server i, recorded for the port the clients connect to.
        known << QStringLiteral("[127.0.0.1]:%1 ").arg(ports.at(i)) +
                     sshd.knownHostsLine(int(i)).section(u' ', 1);
        config << QStringLiteral("Host ") + names.at(i) << QStringLiteral("    HostName 127.0.0.1")
               << QStringLiteral("    Port %1").arg(ports.at(i));
    }
    Files files;
    files.knownHosts = sshd.writeFile(QStringLiteral("known_hosts") + suffix, known);
    config << QStringLiteral("Host *") << QStringLiteral("    User ") + sshd.user()
           << QStringLiteral("    IdentityFile ") + sshd.clientKey()
           << QStringLiteral("    IdentitiesOnly yes")
           << QStringLiteral("    UserKnownHostsFile ") + files.knownHosts
           << QStringLiteral("    GlobalKnownHostsFile /dev/null")
           << QStringLiteral("    StrictHostKeyChecking yes")
           << QStringLiteral("    BatchMode yes");
    files.sshConfig = sshd.writeFile(QStringLiteral("ssh_config") + suffix, config);
    const QStringList some = names.mid(0, count);
    files.hostsFile =
        sshd.writeFile(QStringLiteral("hosts") + suffix + QStringLiteral(".txt"), some);
    files.inventory = sshd.writeFile(
        QStringLiteral("inventory") + suffix + QStringLiteral(".ini"),
        QStringList{QStringLiteral("[fleet]")} + some +
            QStringList{QStringLiteral("[all:vars]"),
                        QStringLiteral("ansible_python_interpreter=/usr/bin/python3")});
    return files;
}

double childCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

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

std::optional<QList<HostTarget>> resolveTargets(const QStringList& names, const QString& sshConfig,
                                                const QString& knownHosts)
{
    SshSettings base;
    base.sshConfigFile = sshConfig;
    base.knownHostsFile = knownHosts;
    QList<HostTarget> targets;
    for (const QString& name : names) {
        Result<SshSettings> settings = SshConfigResolver::resolve(name, base);
        if (!settings) {
            say(QStringLiteral("bench_fanout: %1: %2").arg(name, settings.error().message));
            return std::nullopt;
        }
        HostTarget target;
        target.name = name;
        target.kind = HostTarget::Kind::Ssh;
        target.ssh = *settings;
        target.interpreter = {QStringLiteral("python3")};
        targets << target;
    }
    return targets;
}

CallRequest echoHello()
{
    return CallRequest::of(
        QStringLiteral("Exec"), QStringLiteral("run"),
        {{QStringLiteral("argv"), QJsonArray{QStringLiteral("echo"), QStringLiteral("hello")}}});
}

QProcessEnvironment peerEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("SSH_AUTH_SOCK"));
    return env;
}

QProcessEnvironment ansibleEnvironment(const Fleet& fleet, int forks, const QString& sshArgs)
{
    QProcessEnvironment env = peerEnvironment();
    const QString ansibleDir = fleet.sshd.dir() + QStringLiteral("/ansible");
    const QString remoteTemp = fleet.sshd.dir() + QStringLiteral("/ansible-remote");
    QDir().mkpath(ansibleDir + QStringLiteral("/local"));
    QDir().mkpath(remoteTemp);
    ::chmod(QFile::encodeName(remoteTemp).constData(), 01777); // the login user writes there
    env.insert(QStringLiteral("ANSIBLE_HOME"), ansibleDir);
    env.insert(QStringLiteral("ANSIBLE_LOCAL_TEMP"), ansibleDir + QStringLiteral("/local"));
    env.insert(QStringLiteral("ANSIBLE_REMOTE_TEMP"), remoteTemp);
    env.insert(QStringLiteral("ANSIBLE_HOST_KEY_CHECKING"), QStringLiteral("True"));
    env.insert(QStringLiteral("ANSIBLE_PIPELINING"), QStringLiteral("True"));
    env.insert(QStringLiteral("ANSIBLE_SSH_ARGS"), sshArgs);
    env.insert(QStringLiteral("ANSIBLE_FORKS"), QString::number(forks));
    env.insert(QStringLiteral("ANSIBLE_NOCOLOR"), QStringLiteral("1"));
    env.insert(QStringLiteral("ANSIBLE_DEPRECATION_WARNINGS"), QStringLiteral("False"));
    return env;
}

} // namespace hostdeck::bench
