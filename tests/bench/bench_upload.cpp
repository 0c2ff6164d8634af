// Benchmark of FileUpload/FileDownload: a 200 MB file to one host over the local transport and
// over SSH (a real sshd started with SshdFixture), against `scp` of the same file to the same
// sshd in the same run (host key checked against the fixture's known_hosts). Prints MB/s and the
// controller's peak memory growth as a table. Not a pass/fail test: it exits non-zero only when
// something does not work at all.
//   bench_upload [--reps N] [--mb SIZE]
#include "tests/bench/BenchFigure.h"
#include "tests/engine/transfer/TransferTestUtil.h"
#include "tests/support/AgentTestUtil.h"
#include "tests/support/SshdFixture.h"
#include "tests/support/TestEnv.h"

#include "engine/agent/ToolRegistry.h"
#include "engine/transfer/FileDownload.h"
#include "engine/transfer/FileUpload.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

#include <sys/resource.h>

using namespace hostdeck::engine;
using namespace hostdeck::test;

namespace {

struct Figure
{
    double seconds = 0;
    qint64 peakKiB = 0;
};

struct Row
{
    QString what;
    Figure figure;
    QString note;
};

// What die() must stop and remove before leaving (std::exit skips main's destructors).
std::unique_ptr<SshdFixture> g_sshd;
std::unique_ptr<QTemporaryDir> g_tmp;
std::unique_ptr<QTemporaryDir> g_remoteDir;

[[noreturn]] void die(const QString& what)
{
    std::fprintf(stderr, "bench_upload: %s\n", qPrintable(what));
    g_sshd.reset();
    g_remoteDir.reset();
    g_tmp.reset();
    std::exit(1);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty()
               ? 0
               : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

template <typename Transfer> Figure timed(Transfer& transfer)
{
    resetPeakRss();
    const qint64 before = peakRssKiB();
    QElapsedTimer timer;
    timer.start();
    const TransferResult result = runTransfer(transfer, 600000);
    Figure f{double(timer.nsecsElapsed()) / 1e9, peakRssKiB() - before};
    if (!result.ok)
        die(result.error.message);
    return f;
}

Figure uploadOnce(AgentSession& session, const QString& source, const QString& dest)
{
    QFile::remove(dest);
    FileUpload::Options o;
    o.localPath = source;
    o.remotePath = dest;
    FileUpload upload(&session, o);
    return timed(upload);
}

Figure downloadOnce(AgentSession& session, const QString& remote, const QString& local)
{
    QFile::remove(local);
    FileDownload::Options o;
    o.remotePath = remote;
    o.localPath = local;
    FileDownload download(&session, o);
    return timed(download);
}

/// Runs `program` to completion (bench only: blocking is fine here); returns wall seconds.
double runProgram(const QString& program, const QStringList& args)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QElapsedTimer timer;
    timer.start();
    process.start(program, args);
    if (!process.waitForFinished(600000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0)
        die(QStringLiteral("%1 failed: %2")
                .arg(program, QString::fromLocal8Bit(process.readAllStandardOutput())));
    return double(timer.nsecsElapsed()) / 1e9;
}

Figure best(const std::vector<Figure>& figures)
{
    std::vector<double> seconds;
    qint64 peak = 0;
    for (const Figure& f : figures) {
        seconds.push_back(f.seconds);
        peak = std::max(peak, f.peakKiB);
    }
    return {median(seconds), peak};
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int reps = 3;
    qint64 mb = 200;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QStringLiteral("--reps"))
            reps = std::max(1, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--mb"))
            mb = std::max<qint64>(1, args[i + 1].toLongLong());
    }
    const qint64 size = mb << 20;
    g_tmp = std::make_unique<QTemporaryDir>();
    QTemporaryDir& tmp = *g_tmp;
    const QString source = tmp.filePath(QStringLiteral("source.bin"));
    if (writeRandomFile(source, size).isEmpty())
        die(QStringLiteral("cannot write %1").arg(source));
    std::vector<Row> rows;
    auto add = [&](const QString& what, const std::vector<Figure>& figures,
                   const QString& note = {}) {
        rows.push_back({what, best(figures), note});
    };

    // --- local transport -----------------------------------------------------------------
    {
        auto local = makeLocalTestSession();
        if (const QString problem = startAndWait(*local); !problem.isEmpty())
            die(problem);
        const QString dest = tmp.filePath(QStringLiteral("local-dest.bin"));
        const QString back = tmp.filePath(QStringLiteral("local-back.bin"));
        std::vector<Figure> up, skip, down, cp;
        for (int i = 0; i < reps; ++i) {
            up.push_back(uploadOnce(*local, source, dest));
            FileUpload::Options o;
            o.localPath = source;
            o.remotePath = dest;
            FileUpload again(local.get(), o);
            skip.push_back(timed(again));
            down.push_back(downloadOnce(*local, dest, back));
            QFile::remove(back);
            cp.push_back({runProgram(QStringLiteral("cp"), {source, back}), 0});
        }
        add(QStringLiteral("upload, local transport"), up);
        add(QStringLiteral("re-upload identical (skipped), local"), skip,
            QStringLiteral("hash both ends, no data"));
        add(QStringLiteral("download, local transport"), down);
        add(QStringLiteral("cp of the same file (reference)"), cp);
        local->close();
    }

    // --- SSH ---------------------------------------------------------------------------------
    g_sshd = std::make_unique<SshdFixture>();
    SshdFixture& sshd = *g_sshd;
    if (const QString problem = sshd.setUp(); !problem.isEmpty())
        die(problem);
    const int server = sshd.startServer();
    if (server < 0)
        die(sshd.lastError());
    const QString knownHosts =
        sshd.writeFile(QStringLiteral("known_hosts"), {sshd.knownHostsLine(server)});
    g_remoteDir = std::make_unique<QTemporaryDir>();
    QTemporaryDir& remoteDir = *g_remoteDir;
    QFile::setPermissions(remoteDir.path(), QFileDevice::Permissions(0x7777));
    const QString sshDest = remoteDir.filePath(QStringLiteral("ssh-dest.bin"));
    const QString scpDest = remoteDir.filePath(QStringLiteral("scp-dest.bin"));
    {
        SshSettings settings;
        settings.user = sshd.user();
        settings.host = QStringLiteral("127.0.0.1");
        settings.port = sshd.port(server);
        settings.identityFiles = {sshd.clientKey()};
        settings.useDefaultIdentities = false;
        settings.useAgent = false;
        settings.usePassword = false;
        settings.knownHostsFile = knownHosts;
        settings.globalKnownHostsFile = QStringLiteral("/dev/null");
        SshAgent agent =
            makeSshAgent(settings, std::make_shared<ToolRegistry>(ToolRegistry::load({})));
        if (const QString problem = startAndWait(*agent.session); !problem.isEmpty())
            die(problem);
        const QString back = tmp.filePath(QStringLiteral("ssh-back.bin"));
        std::vector<Figure> up, down, scp;
        // -O: the classic scp protocol (the fixture's sshd has no sftp subsystem).
        const QStringList scpArgs{QStringLiteral("-q"),
                                  QStringLiteral("-B"),
                                  QStringLiteral("-O"),
                                  QStringLiteral("-i"),
                                  sshd.clientKey(),
                                  QStringLiteral("-P"),
                                  QString::number(sshd.port(server)),
                                  QStringLiteral("-o"),
                                  QStringLiteral("StrictHostKeyChecking=yes"),
                                  QStringLiteral("-o"),
                                  QStringLiteral("UserKnownHostsFile=") + knownHosts,
                                  QStringLiteral("-o"),
                                  QStringLiteral("GlobalKnownHostsFile=/dev/null"),
                                  QStringLiteral("-o"),
                                  QStringLiteral("IdentitiesOnly=yes"),
                                  QStringLiteral("-F"),
                                  QStringLiteral("/dev/null")};
        for (int i = 0; i < reps; ++i) {
            up.push_back(uploadOnce(*agent.session, source, sshDest));
            down.push_back(downloadOnce(*agent.session, sshDest, back));
            QFile::remove(scpDest);
            scp.push_back(
                {runProgram(QStringLiteral("scp"),
                            scpArgs + QStringList{source, QStringLiteral("%1@127.0.0.1:%2")
                                                              .arg(sshd.user(), scpDest)}),
                 0});
        }
        if (fileSha256(scpDest) != fileSha256(sshDest))
            die(QStringLiteral("scp and upload produced different files"));
        add(QStringLiteral("upload over SSH (session already up)"), up);
        add(QStringLiteral("download over SSH"), down);
        add(QStringLiteral("scp to the same sshd (incl. connect)"), scp);
        const double ratio = best(up).seconds / best(scp).seconds;
        hostdeck::bench::figure("upload.vs_scp", ratio, "x", hostdeck::bench::Better::Lower, 1.3);
        rows.back().note =
            QStringLiteral("upload/scp = %1x (target <= 1.3x)").arg(ratio, 0, 'f', 2);
        agent.session->close();
    }

    struct rusage children
    {
    };
    getrusage(RUSAGE_CHILDREN, &children);
    std::printf("\nFile transfer, %lld MB of random data, median of %d repetitions\n\n", mb, reps);
    std::printf("| %-40s | %8s | %9s | %-40s |\n", "figure", "MB/s", "peak +MiB", "note");
    std::printf("|%s|%s:|%s:|%s|\n", QByteArray(42, '-').constData(),
                QByteArray(9, '-').constData(), QByteArray(10, '-').constData(),
                QByteArray(42, '-').constData());
    for (const Row& r : rows) {
        const double mbps = double(mb) / r.figure.seconds;
        std::printf("| %-40s | %8.1f | %9.1f | %-40s |\n", qPrintable(r.what), mbps,
                    double(r.figure.peakKiB) / 1024.0, qPrintable(r.note));
    }
    std::printf(
        "\npeak +MiB: growth of the controller's VmHWM during the transfer (reset before each);\n"
        "child processes (cp, scp) are not the controller: their max RSS was %ld KiB.\n",
        children.ru_maxrss);
    g_sshd.reset();
    g_remoteDir.reset();
    g_tmp.reset();
    return 0;
}
