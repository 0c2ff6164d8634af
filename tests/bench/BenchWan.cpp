#include "tests/bench/BenchWan.h"

#include "tests/bench/FanoutCommon.h"
#include "tests/support/DelayProxy.h"
#include "tests/support/TestEnv.h"

#include "engine/agent/ToolRegistry.h"
#include "engine/runner/DefaultTransportFactory.h"
#include "engine/runner/SessionPool.h"
#include "engine/ssh/StaticCredentialProvider.h"

#include <QDir>
#include <QProcess>
#include <QStandardPaths>

#include <map>

using namespace hostdeck::engine;
using hostdeck::test::DelayProxy;

namespace hostdeck::bench {

namespace {

/// One tool's figures at one host count and RTT.
struct Figures
{
    std::vector<double> cold; ///< ms, whole runs to the results
    std::vector<double> warm; ///< ms, a call on what the first run left (pool, ssh masters)
    QString failure;
    double countedCold = -1; ///< round trips counted by the proxy (Hostdeck in-process)
    double countedWarm = -1;
    QString spread; ///< the cold round trips of every connection (DelayProxy)
};

/// A tool: how to run it cold, and warm (`warmUp` first, untimed, then `warmRun`).
struct Peer
{
    QString name;
    QString program;
    QStringList coldArgs;
    QStringList warmArgs; ///< empty: no warm figure
    QProcessEnvironment coldEnv;
    QProcessEnvironment warmEnv;
    QByteArray marker;
    std::map<int, Figures> byRtt;
};

QString failureOf(const ProcessRun& run)
{
    const QString text =
        QString::fromLocal8Bit(run.err.right(300) + run.out.right(300)).simplified();
    return text.isEmpty() ? run.status : text;
}

class WanBench
{
public:
    WanBench(Fleet& fleet, DelayProxy& proxy, int reps)
        : m_fleet(fleet), m_proxy(proxy), m_reps(reps)
    {
        m_controlDir = fleet.sshd.dir() + QStringLiteral("/cm");
        QDir().mkpath(m_controlDir);
    }

    bool run(int hosts, const QList<int>& rtts, bool withAnsible, const Fleet::Files& files)
    {
        m_files = files;
        m_hosts = hosts;
        std::vector<Peer> peers = makePeers(withAnsible);
        Peer hostdeck;
        hostdeck.name = QStringLiteral("hostdeck (cold: hostdeck-cli; warm: pool)");
        bool ok = true;
        for (int rtt : rtts) {
            m_proxy.setRoundTrip(std::chrono::milliseconds(rtt));
            Figures& mine = hostdeck.byRtt[rtt];
            const QStringList cliArgs = {
                QStringLiteral("call"),  QStringLiteral("-H"),
                names().join(u','),      QStringLiteral("--ssh-config"),
                m_files.sshConfig,       QStringLiteral("--known-hosts"),
                m_files.knownHosts,      QStringLiteral("Exec.run"),
                QStringLiteral("--arg"), QStringLiteral(R"(argv=["echo","hello"])")};
            for (int rep = 0; rep < m_reps; ++rep) {
                // Interleaved per repetition, so that drift of the machine's load hits all alike.
                if (mine.failure.isEmpty()) {
                    const ProcessRun cold =
                        timeProcess(test::builtProgram(QStringLiteral("app/hostdeck-cli")), cliArgs,
                                    peerEnvironment(), "\"ok\":true", hosts);
                    if (cold.ok)
                        mine.cold.push_back(cold.ms);
                    else
                        mine.failure = failureOf(cold);
                }
                for (Peer& peer : peers)
                    coldRun(peer, rtt);
            }
            if (mine.failure.isEmpty())
                pooled(mine);
            ok = ok && mine.failure.isEmpty();
            for (Peer& peer : peers)
                warmRuns(peer, rtt);
        }
        print(hostdeck, peers, rtts);
        return ok;
    }

private:
    QStringList names() const { return m_fleet.names.mid(0, m_hosts); }

    std::vector<Peer> makePeers(bool withAnsible) const
    {
        std::vector<Peer> peers;
        const QString ssh = QStandardPaths::findExecutable(QStringLiteral("ssh"));
        const QString pssh =
            !QStandardPaths::findExecutable(QStringLiteral("parallel-ssh")).isEmpty()
                ? QStandardPaths::findExecutable(QStringLiteral("parallel-ssh"))
                : QStandardPaths::findExecutable(QStringLiteral("pssh"));
        const QString ansible = QStandardPaths::findExecutable(QStringLiteral("ansible"));
        const QString kex = QStringLiteral(" -o KexAlgorithms=curve25519-sha256");
        const QString master = QStringLiteral(" -o ControlMaster=auto -o ControlPersist=300 -o "
                                              "ControlPath=") +
                               m_controlDir + QStringLiteral("/%C");
        if (m_hosts == 1 && !ssh.isEmpty()) {
            Peer peer;
            peer.name = QStringLiteral("ssh, curve25519 (warm: ControlMaster)");
            peer.program = ssh;
            const QStringList tail = {QStringLiteral("h1"), QStringLiteral("echo"),
                                      QStringLiteral("hello")};
            peer.coldArgs =
                QStringList{QStringLiteral("-F"), m_files.sshConfig, QStringLiteral("-o"),
                            QStringLiteral("KexAlgorithms=curve25519-sha256")} +
                tail;
            peer.warmArgs = QStringList{QStringLiteral("-F"), m_files.sshConfig} +
                            QString(kex + master).trimmed().split(u' ') + tail;
            peer.coldEnv = peer.warmEnv = peerEnvironment();
            peer.marker = "hello";
            peers.push_back(peer);
        } else if (m_hosts > 1 && !pssh.isEmpty()) {
            const auto args = [&](const QString& extra) {
                return QStringList{
                    QStringLiteral("-h"),   m_files.hostsFile,
                    QStringLiteral("-p"),   QString::number(m_hosts),
                    QStringLiteral("-t"),   QStringLiteral("60"),
                    QStringLiteral("-x"),   QStringLiteral("-F ") + m_files.sshConfig + extra,
                    QStringLiteral("-i"),   QStringLiteral("echo"),
                    QStringLiteral("hello")};
            };
            Peer peer;
            peer.name = QStringLiteral("parallel-ssh, curve25519 (warm: ControlMaster)");
            peer.program = pssh;
            peer.coldArgs = args(kex);
            peer.warmArgs = args(kex + master);
            peer.coldEnv = peer.warmEnv = peerEnvironment();
            peer.marker = "[SUCCESS]";
            peers.push_back(peer);
        }
        if (withAnsible && !ansible.isEmpty()) {
            Peer peer;
            peer.name = QStringLiteral("ansible, pipelining (warm: ControlPersist)");
            peer.program = ansible;
            peer.coldArgs = {
                QStringLiteral("all"),     QStringLiteral("-i"),     m_files.inventory,
                QStringLiteral("-f"),      QString::number(m_hosts), QStringLiteral("-m"),
                QStringLiteral("command"), QStringLiteral("-a"),     QStringLiteral("echo hello")};
            peer.warmArgs = peer.coldArgs;
            // No ControlPersist cold: it would leave masters running and make later runs warm.
            peer.coldEnv = ansibleEnvironment(m_fleet, m_hosts,
                                              QStringLiteral("-F ") + m_files.sshConfig +
                                                  QStringLiteral(" -o ControlMaster=no"));
            peer.warmEnv = ansibleEnvironment(m_fleet, m_hosts,
                                              QStringLiteral("-F ") + m_files.sshConfig + master);
            peer.marker = "| CHANGED |";
            peers.push_back(peer);
        }
        return peers;
    }

    void coldRun(Peer& peer, int rtt)
    {
        Figures& figures = peer.byRtt[rtt];
        if (!figures.failure.isEmpty())
            return;
        const ProcessRun run =
            timeProcess(peer.program, peer.coldArgs, peer.coldEnv, peer.marker, m_hosts);
        if (run.ok)
            figures.cold.push_back(run.ms);
        else
            figures.failure = failureOf(run);
    }

    void warmRuns(Peer& peer, int rtt)
    {
        Figures& figures = peer.byRtt[rtt];
        if (peer.warmArgs.isEmpty() || !figures.failure.isEmpty())
            return;
        // The first run starts the masters (untimed); the others reuse them.
        for (int rep = 0; rep <= m_reps; ++rep) {
            const ProcessRun run =
                timeProcess(peer.program, peer.warmArgs, peer.warmEnv, peer.marker, m_hosts);
            if (!run.ok) {
                figures.failure = failureOf(run);
                break;
            }
            if (rep > 0)
                figures.warm.push_back(run.ms);
        }
        stopMasters();
    }

    /// Hostdeck in one process: a cold round on a fresh pool, then warm rounds on it, with the
    /// proxy's count of round trips for both.
    void pooled(Figures& figures)
    {
        const auto targets = resolveTargets(names(), m_files.sshConfig, m_files.knownHosts);
        if (!targets) {
            figures.failure = QStringLiteral("targets did not resolve");
            return;
        }
        auto tools = std::make_shared<ToolRegistry>(ToolRegistry::load({}));
        SessionPool pool(std::make_unique<DefaultTransportFactory>(
                             std::make_shared<StaticCredentialProvider>(), nullptr),
                         tools, nullptr, {});
        QString failure;
        m_proxy.resetRoundTrips();
        if (!timeRound(&pool, *targets, echoHello(), &failure)) {
            figures.failure = failure;
            return;
        }
        figures.countedCold = m_proxy.clientRoundTrips();
        figures.spread = m_proxy.clientRoundTripSpread();
        const double before = m_proxy.clientRoundTrips();
        for (int rep = 0; rep < m_reps; ++rep) {
            const std::optional<double> ms = timeRound(&pool, *targets, echoHello(), &failure);
            if (!ms) {
                figures.failure = failure;
                break;
            }
            figures.warm.push_back(*ms);
        }
        figures.countedWarm = (m_proxy.clientRoundTrips() - before) / std::max(1, m_reps);
        pool.closeAll();
    }

    /// Every ssh master of the warm runs is told to exit (none outlives the benchmark).
    void stopMasters()
    {
        const QString ssh = QStandardPaths::findExecutable(QStringLiteral("ssh"));
        for (const QString& name : names()) {
            QProcess process;
            process.setStandardInputFile(QProcess::nullDevice());
            process.start(ssh,
                          {QStringLiteral("-F"), m_files.sshConfig, QStringLiteral("-o"),
                           QStringLiteral("ControlPath=") + m_controlDir + QStringLiteral("/%C"),
                           QStringLiteral("-O"), QStringLiteral("exit"), name});
            process.waitForFinished(10000);
        }
    }

    static QString cell(const std::vector<double>& ms, int rtt)
    {
        if (ms.empty())
            return QStringLiteral("-");
        const double m = median(ms);
        return QStringLiteral("%1 (%2)").arg(m, 0, 'f', 0).arg(m / rtt, 0, 'f', 1);
    }

    static QString slope(const Peer& peer, const QList<int>& rtts, bool warm)
    {
        if (rtts.size() < 2)
            return QStringLiteral("-");
        const auto& a = peer.byRtt.at(rtts.first());
        const auto& b = peer.byRtt.at(rtts.last());
        const auto& x = warm ? a.warm : a.cold;
        const auto& y = warm ? b.warm : b.cold;
        if (x.empty() || y.empty())
            return QStringLiteral("-");
        return QString::number((median(y) - median(x)) / (rtts.last() - rtts.first()), 'f', 1);
    }

    void print(const Peer& hostdeck, const std::vector<Peer>& peers, const QList<int>& rtts)
    {
        say(QString());
        QString header = QStringLiteral("%1 hosts").arg(m_hosts).leftJustified(48);
        for (int rtt : rtts)
            header += QStringLiteral(" | RTT %1 ms: cold ms (wall/RTT), warm ms (wall/RTT)")
                          .arg(rtt)
                          .leftJustified(50);
        say(header + QStringLiteral(" | round trips by slope: cold, warm"));
        std::vector<const Peer*> all{&hostdeck};
        for (const Peer& peer : peers)
            all.push_back(&peer);
        for (const Peer* peer : all) {
            QString line = peer->name.leftJustified(48);
            QString failure;
            for (int rtt : rtts) {
                const Figures& f = peer->byRtt.at(rtt);
                if (!f.failure.isEmpty())
                    failure = f.failure;
                line += QStringLiteral(" | %1, %2")
                            .arg(cell(f.cold, rtt), cell(f.warm, rtt))
                            .leftJustified(50);
            }
            line += QStringLiteral(" | %1, %2")
                        .arg(slope(*peer, rtts, false), slope(*peer, rtts, true));
            say(line);
            if (!failure.isEmpty())
                say(QStringLiteral("    failed: ") + failure.left(300));
        }
        for (int rtt : rtts) {
            const Figures& f = hostdeck.byRtt.at(rtt);
            if (f.countedCold >= 0)
                say(QStringLiteral(
                        "    hostdeck round trips counted by the proxy at %1 ms: cold %2 "
                        "(connect to results, in-process; connections by round trips: %4), "
                        "warm %3")
                        .arg(rtt)
                        .arg(f.countedCold, 0, 'f', 1)
                        .arg(f.countedWarm, 0, 'f', 1)
                        .arg(f.spread));
        }
    }

    Fleet& m_fleet;
    DelayProxy& m_proxy;
    int m_reps;
    int m_hosts = 1;
    Fleet::Files m_files;
    QString m_controlDir;
};

} // namespace

bool runWan(Fleet& fleet, int reps)
{
    const QString mode = qEnvironmentVariable("HOSTDECK_BENCH_WAN", QStringLiteral("short"));
    if (mode == QStringLiteral("off") || mode == QStringLiteral("0")) {
        say(QStringLiteral("\nWAN part: off (HOSTDECK_BENCH_WAN=%1)").arg(mode));
        return true;
    }
    const bool full = mode == QStringLiteral("full");
    DelayProxy proxy;
    QList<quint16> ports;
    for (int i = 0; i < fleet.names.size(); ++i) {
        const quint16 port = proxy.addRoute(fleet.sshd.port(i));
        if (port == 0) {
            say(QStringLiteral("bench_fanout: ") + proxy.lastError());
            return false;
        }
        ports << port;
    }
    if (const QString error = proxy.start(); !error.isEmpty()) {
        say(QStringLiteral("bench_fanout: ") + error);
        return false;
    }
    const QList<int> rtts = {50, 150};
    const int wanReps = full ? std::max(3, reps) : 3;
    say(QStringLiteral("\nWAN (HOSTDECK_BENCH_WAN=%1): a delay proxy adds RTT/2 to each direction "
                       "of every connection (not to the TCP connect: a real network adds one "
                       "round trip more, to every tool alike); echo hello; medians of %2 runs; "
                       "round trips = wall / RTT, and by slope = (wall at %3 ms - wall at %4 ms) "
                       "/ %5 ms")
            .arg(mode)
            .arg(wanReps)
            .arg(rtts.last())
            .arg(rtts.first())
            .arg(rtts.last() - rtts.first()));
    WanBench bench(fleet, proxy, wanReps);
    bool ok = bench.run(1, rtts, full, fleet.writeRoutes(ports, 1, QStringLiteral("_wan1")));
    if (full && fleet.names.size() > 1) {
        const int many = std::min<int>(50, int(fleet.names.size()));
        ok = bench.run(many, rtts, true,
                       fleet.writeRoutes(ports, many, QStringLiteral("_wan%1").arg(many))) &&
             ok;
    }
    proxy.stop();
    return ok;
}

} // namespace hostdeck::bench
