// Figures of hostdeck's copy and sync beside the tools people use, in the same run against the
// same loopback sshd (SshdFixture): 200 MB to one host vs scp; a tree of 10,000 small files
// (~200 MB) to one host vs scp -r and rsync -a over ssh, then a re-sync with nothing changed;
// 50 MB to 20 hosts at once vs parallel-scp. hostdeck is measured as a user runs it (a fresh
// hostdeck-cli: connect and agent start included, as for scp), and the no-change re-sync also
// in-process with the host's agent already up (the GUI's case). Prints figures; never a timed
// pass/fail. Exits non-zero only when something does not work at all.
//   bench_transfer [--reps N] [--hosts N] [--files N] [--mb SIZE]
#include "tests/engine/transfer/TransferTreeUtil.h"
#include "tests/support/SshdFixture.h"
#include "tests/support/TestEnv.h"

#include "engine/runner/EngineClient.h"
#include "engine/ssh/StaticCredentialProvider.h"
#include "engine/transfer/SyncPlan.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace hostdeck::engine;
using namespace hostdeck::test;

namespace {

std::unique_ptr<SshdFixture> g_sshd;
std::unique_ptr<QTemporaryDir> g_tmp;

[[noreturn]] void die(const QString& what)
{
    std::fprintf(stderr, "bench_transfer: %s\n", qPrintable(what));
    g_sshd.reset();
    g_tmp.reset();
    std::exit(1);
}

struct Timed
{
    double seconds = 0;
    QByteArray out;
};

/// Runs `program` to completion (bench only: blocking is fine here).
Timed run(const QString& program, const QStringList& args)
{
    QProcess process;
    process.setStandardInputFile(QProcess::nullDevice());
    QElapsedTimer timer;
    timer.start();
    process.start(program, args);
    const bool finished = process.waitForFinished(900000);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    if (!finished || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        die(QStringLiteral("%1 %2 failed: %3 %4")
                .arg(program, args.join(u' ').left(300),
                     QString::fromLocal8Bit(process.readAllStandardOutput().right(2000)),
                     QString::fromLocal8Bit(process.readAllStandardError().right(2000))));
    return {seconds, process.readAllStandardOutput()};
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

void removeTree(const QString& path)
{
    QDir(path).removeRecursively();
    QFile::remove(path);
}

/// The records hostdeck-cli printed, summed: bytes actually sent and whether any host changed.
struct Sent
{
    qint64 bytes = 0;
    int changed = 0;
    int hosts = 0;
};

Sent sentOf(const QByteArray& out)
{
    Sent sent;
    for (const QByteArray& line : out.split('\n')) {
        const QJsonObject record = QJsonDocument::fromJson(line).object();
        if (!record.contains(QStringLiteral("host")))
            continue;
        ++sent.hosts;
        const QJsonObject value = record.value(QStringLiteral("value")).toObject();
        sent.bytes += value.value(QStringLiteral("bytes_sent")).toInteger();
        sent.changed += value.value(QStringLiteral("changed")).toBool() ? 1 : 0;
    }
    return sent;
}

struct Row
{
    QString figure;
    QString tool;
    double seconds = 0;
    double megabytes = 0;
    QString note;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("hostdeck.*.debug=false"));
    int reps = 3;
    int hosts = 20;
    int files = 10000;
    qint64 bigMb = 200;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QStringLiteral("--reps"))
            reps = std::max(1, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--hosts"))
            hosts = std::max(1, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--files"))
            files = std::max(10, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--mb"))
            bigMb = std::max<qint64>(1, args[i + 1].toLongLong());
    }
    const QString cli = builtProgram(QStringLiteral("app/hostdeck-cli"));
    const QString rsync = QStandardPaths::findExecutable(QStringLiteral("rsync"));
    const QString pscp = QStandardPaths::findExecutable(QStringLiteral("parallel-scp")).isEmpty()
                             ? QStandardPaths::findExecutable(QStringLiteral("pscp.pssh"))
                             : QStandardPaths::findExecutable(QStringLiteral("parallel-scp"));

    // --- the fleet: one sshd per host, one ssh_config for every tool ---------------------------
    g_tmp = std::make_unique<QTemporaryDir>();
    QTemporaryDir& tmp = *g_tmp;
    g_sshd = std::make_unique<SshdFixture>();
    SshdFixture& sshd = *g_sshd;
    if (const QString error = sshd.setUp(); !error.isEmpty())
        die(error);
    SshdOptions options;
    options.extraConfig = {QStringLiteral("MaxStartups 200:30:400")};
    QStringList known, config, names, yaml{QStringLiteral("all:"), QStringLiteral("  hosts:")};
    const QString remote = tmp.filePath(QStringLiteral("remote"));
    QDir().mkpath(remote);
    QFile::setPermissions(tmp.path(), QFileDevice::Permissions(0x7755));
    QFile::setPermissions(remote, QFileDevice::Permissions(0x7777));
    for (int i = 0; i < hosts; ++i) {
        if (sshd.startServer(options) != i)
            die(sshd.lastError());
        const QString name = QStringLiteral("h%1").arg(i + 1);
        names << name;
        known << sshd.knownHostsLine(i);
        config << QStringLiteral("Host ") + name << QStringLiteral("    HostName 127.0.0.1")
               << QStringLiteral("    Port %1").arg(sshd.port(i));
        // Every host of the fan-out writes into a folder of its own on this one machine: its
        // agent starts there (env -C) and the copy goes to /proc/self/cwd.
        const QString own = remote + QStringLiteral("/fan/") + name;
        QDir().mkpath(own);
        QFile::setPermissions(own, QFileDevice::Permissions(0x7777));
        yaml << QStringLiteral("    %1:").arg(name)
             << QStringLiteral("      ansible_host: 127.0.0.1")
             << QStringLiteral("      ansible_port: %1").arg(sshd.port(i))
             << QStringLiteral("      ansible_user: ") + sshd.user()
             << QStringLiteral("      ansible_ssh_private_key_file: ") + sshd.clientKey()
             << QStringLiteral("      ansible_python_interpreter: /usr/bin/env -C %1 "
                               "/usr/bin/python3")
                    .arg(own);
    }
    QFile::setPermissions(remote + QStringLiteral("/fan"), QFileDevice::Permissions(0x7777));
    const QString knownHosts = sshd.writeFile(QStringLiteral("known_hosts"), known);
    config << QStringLiteral("Host *") << QStringLiteral("    User ") + sshd.user()
           << QStringLiteral("    IdentityFile ") + sshd.clientKey()
           << QStringLiteral("    IdentitiesOnly yes")
           << QStringLiteral("    UserKnownHostsFile ") + knownHosts
           << QStringLiteral("    GlobalKnownHostsFile /dev/null")
           << QStringLiteral("    StrictHostKeyChecking yes")
           << QStringLiteral("    BatchMode yes");
    const QString sshConfig = sshd.writeFile(QStringLiteral("ssh_config"), config);
    const QString hostsFile = sshd.writeFile(QStringLiteral("hosts.txt"), names);
    const QString inventory = sshd.writeFile(QStringLiteral("inventory.yml"), yaml);
    const QStringList cliCommon{QStringLiteral("--ssh-config"), sshConfig,
                                QStringLiteral("--known-hosts"), knownHosts};
    const QStringList scpCommon{QStringLiteral("-q"), QStringLiteral("-O"), QStringLiteral("-F"),
                                sshConfig};

    // --- the data -----------------------------------------------------------------------------
    std::fprintf(stderr, "bench_transfer: writing %lld MB, a %d-file tree and 50 MB...\n", bigMb,
                 files);
    QRandomGenerator rng(2024);
    const QString big = tmp.filePath(QStringLiteral("big.bin"));
    const QString fifty = tmp.filePath(QStringLiteral("fifty.bin"));
    {
        QFile out(big);
        out.open(QIODevice::WriteOnly);
        for (qint64 left = bigMb << 20; left > 0; left -= 1 << 20)
            out.write(randomBytes(rng, std::min<qint64>(left, 1 << 20)));
        QFile small(fifty);
        small.open(QIODevice::WriteOnly);
        for (int i = 0; i < 50; ++i)
            small.write(randomBytes(rng, 1 << 20));
    }
    const QString tree = tmp.filePath(QStringLiteral("tree"));
    qint64 treeBytes = 0;
    for (int i = 0; i < files; ++i) {
        const QString dir = QStringLiteral("%1/d%2/s%3").arg(tree).arg(i % 20).arg(i % 100 / 20);
        if (i < 100)
            QDir().mkpath(dir);
        const qint64 size = qint64(rng.bounded(40000));
        writeBytes(QStringLiteral("%1/f%2.dat").arg(dir).arg(i), randomBytes(rng, size));
        treeBytes += size;
    }
    const double treeMb = double(treeBytes) / double(1 << 20);
    std::vector<Row> rows;
    const auto add = [&](const QString& figure, const QString& tool, std::vector<double> times,
                         double mb, const QString& note = {}) {
        rows.push_back({figure, tool, median(std::move(times)), mb, note});
    };

    // --- 200 MB to one host -------------------------------------------------------------------
    {
        std::vector<double> hd, scp;
        for (int r = 0; r < reps; ++r) {
            removeTree(remote + QStringLiteral("/big-hd.bin"));
            hd.push_back(run(cli, QStringList{QStringLiteral("copy")} + cliCommon +
                                      QStringList{big, QStringLiteral("h1:") + remote +
                                                           QStringLiteral("/big-hd.bin")})
                             .seconds);
            removeTree(remote + QStringLiteral("/big-scp.bin"));
            scp.push_back(run(QStringLiteral("scp"),
                              scpCommon + QStringList{big, QStringLiteral("h1:") + remote +
                                                               QStringLiteral("/big-scp.bin")})
                              .seconds);
        }
        if (sha256Of(big) != sha256Of(remote + QStringLiteral("/big-hd.bin")))
            die(QStringLiteral("the copied 200 MB file differs"));
        const QString figure = QStringLiteral("%1 MB file, 1 host").arg(bigMb);
        add(figure, QStringLiteral("hostdeck-cli copy"), hd, double(bigMb));
        add(figure, QStringLiteral("scp -O"), scp, double(bigMb),
            QStringLiteral("hostdeck/scp = %1x").arg(median(hd) / median(scp), 0, 'f', 2));
    }

    // --- a tree of small files to one host ----------------------------------------------------
    const QString hdTree = remote + QStringLiteral("/tree-hd");
    {
        std::vector<double> hd, scp, rs;
        for (int r = 0; r < reps; ++r) {
            removeTree(hdTree);
            hd.push_back(
                run(cli, QStringList{QStringLiteral("copy")} + cliCommon +
                             QStringList{tree, QStringLiteral("h1:") + hdTree + QLatin1Char('/')})
                    .seconds);
            removeTree(remote + QStringLiteral("/tree-scp"));
            QDir().mkpath(remote + QStringLiteral("/tree-scp"));
            QFile::setPermissions(remote + QStringLiteral("/tree-scp"),
                                  QFileDevice::Permissions(0x7777));
            scp.push_back(run(QStringLiteral("scp"),
                              scpCommon + QStringList{QStringLiteral("-r"), tree,
                                                      QStringLiteral("h1:") + remote +
                                                          QStringLiteral("/tree-scp/")})
                              .seconds);
            if (!rsync.isEmpty()) {
                removeTree(remote + QStringLiteral("/tree-rsync"));
                rs.push_back(
                    run(rsync, {QStringLiteral("-a"), QStringLiteral("-e"),
                                QStringLiteral("ssh -F ") + sshConfig, tree + QLatin1Char('/'),
                                QStringLiteral("h1:") + remote + QStringLiteral("/tree-rsync/")})
                        .seconds);
            }
        }
        SnapshotOptions exact;
        if (snapshotTree(tree, exact) != snapshotTree(hdTree + QStringLiteral("/tree"), exact))
            die(QStringLiteral("the copied tree differs"));
        const QString figure = QStringLiteral("%1 files (%2 MB), 1 host, first copy")
                                   .arg(files)
                                   .arg(treeMb, 0, 'f', 0);
        add(figure, QStringLiteral("hostdeck-cli copy"), hd, treeMb);
        add(figure, QStringLiteral("scp -O -r"), scp, treeMb);
        if (!rs.empty())
            add(figure, QStringLiteral("rsync -a over ssh"), rs, treeMb,
                QStringLiteral("hostdeck/rsync = %1x").arg(median(hd) / median(rs), 0, 'f', 2));
    }

    // --- the same tree again, nothing changed -------------------------------------------------
    {
        std::vector<double> hd, rs, warm;
        Sent sent;
        for (int r = 0; r < reps; ++r) {
            const Timed t = run(cli, QStringList{QStringLiteral("sync")} + cliCommon +
                                         QStringList{tree, QStringLiteral("h1:") + hdTree +
                                                               QStringLiteral("/tree")});
            hd.push_back(t.seconds);
            sent = sentOf(t.out);
            if (!rsync.isEmpty())
                rs.push_back(
                    run(rsync, {QStringLiteral("-a"), QStringLiteral("-e"),
                                QStringLiteral("ssh -F ") + sshConfig, tree + QLatin1Char('/'),
                                QStringLiteral("h1:") + remote + QStringLiteral("/tree-rsync/")})
                        .seconds);
        }
        if (sent.changed != 0 || sent.bytes != 0)
            die(QStringLiteral("the no-change re-sync changed %1 hosts, sent %2 bytes")
                    .arg(sent.changed)
                    .arg(sent.bytes));
        // In-process, the host's agent already up (what the GUI does on a second sync).
        EngineConfig engineConfig;
        engineConfig.descriptionCache = QStringLiteral("-");
        engineConfig.credentials = std::make_shared<StaticCredentialProvider>();
        EngineClient engine(engineConfig);
        HostTarget target;
        target.name = QStringLiteral("h1");
        target.kind = HostTarget::Kind::Ssh;
        target.ssh.user = sshd.user();
        target.ssh.host = QStringLiteral("127.0.0.1");
        target.ssh.port = sshd.port(0);
        target.ssh.identityFiles = {sshd.clientKey()};
        target.ssh.useDefaultIdentities = false;
        target.ssh.useAgent = false;
        target.ssh.knownHostsFile = knownHosts;
        target.ssh.globalKnownHostsFile = QStringLiteral("/dev/null");
        target.interpreter = {QStringLiteral("/usr/bin/python3")};
        CopyOptions copy;
        copy.remote = hdTree + QStringLiteral("/tree");
        const std::shared_ptr<const Plan> plan = *SyncPlan::create(tree, copy);
        for (int r = 0; r <= reps; ++r) {
            RunRequest request;
            request.targets = {target};
            request.plan = plan;
            QElapsedTimer clock;
            clock.start();
            RunHandle* handle = engine.startRun(std::move(request));
            bool changed = true;
            QEventLoop wait; // a benchmark's main: waiting here holds up nothing
            QObject::connect(handle, &RunHandle::events, &wait,
                             [&wait, &changed](const QList<RunEvent>& events) {
                                 for (const RunEvent& e : events) {
                                     if (e.type == RunEvent::Type::HostResult)
                                         changed = !e.record.ok || e.record.changed;
                                     if (e.type == RunEvent::Type::RunFinished)
                                         wait.quit();
                                 }
                             });
            wait.exec();
            if (changed)
                die(QStringLiteral("the in-process no-change sync failed or changed something"));
            if (r > 0) // the first one connects and starts the agent
                warm.push_back(double(clock.nsecsElapsed()) / 1e9);
        }
        const QString figure = QStringLiteral("%1 files, nothing changed (re-sync)").arg(files);
        add(figure, QStringLiteral("hostdeck-cli sync (connect included)"), hd, 0,
            QStringLiteral("%1 bytes sent").arg(sent.bytes));
        add(figure, QStringLiteral("hostdeck sync, agent already up"), warm, 0,
            QStringLiteral("target < 1 s"));
        if (!rs.empty())
            add(figure, QStringLiteral("rsync -a over ssh"), rs, 0);
    }

    // --- 50 MB to every host at once ----------------------------------------------------------
    {
        std::vector<double> hd, ps;
        for (int r = 0; r < reps; ++r) {
            for (const QString& name : std::as_const(names))
                QFile::remove(remote + QStringLiteral("/fan/") + name + QStringLiteral("/f50.bin"));
            const Timed t = run(cli, {QStringLiteral("copy"), QStringLiteral("-i"), inventory,
                                      QStringLiteral("--known-hosts"), knownHosts,
                                      QStringLiteral("--forks"), QString::number(hosts), fifty,
                                      QStringLiteral("all:/proc/self/cwd/f50.bin")});
            const Sent sent = sentOf(t.out);
            if (sent.hosts != hosts || sent.bytes != qint64(hosts) * (50 << 20))
                die(QStringLiteral("the fan-out sent %1 bytes to %2 hosts")
                        .arg(sent.bytes)
                        .arg(sent.hosts));
            hd.push_back(t.seconds);
            if (!pscp.isEmpty()) {
                QFile::remove(remote + QStringLiteral("/f50-pscp.bin"));
                ps.push_back(
                    run(pscp, {QStringLiteral("-h"), hostsFile, QStringLiteral("-p"),
                               QString::number(hosts), QStringLiteral("-t"), QStringLiteral("600"),
                               QStringLiteral("-x"), QStringLiteral("-O -F ") + sshConfig, fifty,
                               remote + QStringLiteral("/f50-pscp.bin")})
                        .seconds);
            }
        }
        for (const QString& name : std::as_const(names)) {
            if (sha256Of(remote + QStringLiteral("/fan/") + name + QStringLiteral("/f50.bin")) !=
                sha256Of(fifty))
                die(QStringLiteral("host %1 did not get the 50 MB file").arg(name));
        }
        const QString figure = QStringLiteral("50 MB file, %1 hosts at once").arg(hosts);
        add(figure, QStringLiteral("hostdeck-cli copy"), hd, 50.0 * hosts,
            QStringLiteral("a file per host"));
        if (!ps.empty())
            add(figure, QStringLiteral("parallel-scp -O"), ps, 50.0 * hosts,
                QStringLiteral("one path for all (same machine); hostdeck/pscp = %1x")
                    .arg(median(hd) / median(ps), 0, 'f', 2));
    }

    std::printf("\nCopy and sync over a loopback sshd, median of %d runs (same run, same sshd)\n\n",
                reps);
    std::printf("| %-40s | %-36s | %8s | %8s | %-40s |\n", "figure", "tool", "seconds", "MB/s",
                "note");
    std::printf("|%s|%s|%s:|%s:|%s|\n", QByteArray(42, '-').constData(),
                QByteArray(38, '-').constData(), QByteArray(9, '-').constData(),
                QByteArray(9, '-').constData(), QByteArray(42, '-').constData());
    for (const Row& r : rows) {
        const QString rate = r.megabytes > 0 && r.seconds > 0
                                 ? QString::number(r.megabytes / r.seconds, 'f', 1)
                                 : QStringLiteral("-");
        std::printf("| %-40s | %-36s | %8.3f | %8s | %-40s |\n", qPrintable(r.figure),
                    qPrintable(r.tool), r.seconds, qPrintable(rate), qPrintable(r.note));
    }
    if (rsync.isEmpty())
        std::printf("\nrsync: not installed (Debian package rsync), its rows are missing\n");
    if (pscp.isEmpty())
        std::printf("\nparallel-scp: not installed (Debian package pssh), its row is missing\n");
    g_sshd.reset();
    g_tmp.reset();
    return 0;
}
