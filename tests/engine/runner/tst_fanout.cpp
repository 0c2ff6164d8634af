// Fan-out, session pool and engine thread against real sshd instances on 127.0.0.1.
#include "tests/engine/runner/RunnerTestUtil.h"

#include "engine/runner/EngineClient.h"

#include <QThread>
#include <QTimer>

#include <algorithm>
#include <csignal>
#include <unistd.h>

using namespace hostdeck::engine;
using namespace hostdeck::test;
using namespace std::chrono_literals;

class TestFanOut : public QObject
{
    Q_OBJECT

private:
    static constexpr int kHosts = 20;
    SshdFixture m_sshd;
    QString m_knownHosts;

    HostTarget target(int server, const QString& name = {}) const
    {
        return sshTarget(m_sshd, server, m_knownHosts, name);
    }

    QList<HostTarget> targets(int from, int to) const
    {
        QList<HostTarget> list;
        for (int i = from; i < to; ++i)
            list << target(i);
        return list;
    }

    static bool processAlive(qint64 pid) { return pid > 0 && ::kill(pid_t(pid), 0) == 0; }

    /// The agent pid of `host` through the test tool (a fresh Run on `pool`).
    static CallResult runOne(SessionPool& pool, const HostTarget& host, const CallRequest& request)
    {
        Run run(1, callRun({host}, request), &pool, nullptr);
        RunRecorder rec(&run);
        run.start();
        [&]() { QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 20000); }();
        CallResult result;
        if (rec.results.size() == 1) {
            result.ok = rec.results.first().ok;
            result.value = rec.results.first().value;
            result.error = rec.results.first().error;
        }
        return result;
    }

private slots:
    void initTestCase()
    {
        const QString error = m_sshd.setUp();
        if (!error.isEmpty())
            QFAIL(qPrintable(error));
        QStringList lines;
        for (int i = 0; i < kHosts; ++i) {
            QVERIFY2(m_sshd.startServer() == i, qPrintable(m_sshd.lastError()));
            lines << m_sshd.knownHostsLine(i);
        }
        m_knownHosts = m_sshd.writeFile(QStringLiteral("known_hosts"), lines);
    }

    void twentyHostsTwoDieMidCall()
    {
        QSet<QString> readyHosts; // before the pool: its destructor still reports host states
        auto pool = makeTestPool();
        connect(pool.get(), &SessionPool::hostStateChanged, this,
                [&readyHosts](const QString& host, HostLinkState state, const Error&) {
                    if (state == HostLinkState::Connected)
                        readyHosts.insert(host);
                });
        // Probe.sleep, not Exec.run sleep: the current tools/_proc.py reports rc -9 for `sleep 3`.
        Run run(
            1,
            callRun(targets(0, kHosts), makeCall(QStringLiteral("Probe"), QStringLiteral("sleep"),
                                                 {{QStringLiteral("seconds"), 3}})),
            pool.get(), nullptr);
        RunRecorder rec(&run);
        run.start();
        // Kill the two victims' sshd once their agents are up and the call is running there.
        QTRY_VERIFY_WITH_TIMEOUT(readyHosts.contains(QStringLiteral("h18")) &&
                                     readyHosts.contains(QStringLiteral("h19")),
                                 20000);
        QTest::qWait(300);
        QVERIFY(!rec.finished);
        m_sshd.killServer(18);
        m_sshd.killServer(19);
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 30000);
        QCOMPARE(rec.results.size(), kHosts);
        QCOMPARE(rec.summary.ok, 18);
        for (int i = 0; i < 18; ++i) {
            const HostResult r = rec.result(QStringLiteral("h%1").arg(i));
            QVERIFY2(r.ok, qPrintable(QStringLiteral("h%1: %2").arg(i).arg(r.error.message)));
            QCOMPARE(r.value.toDouble(), 3.0);
        }
        for (const QString& host : {QStringLiteral("h18"), QStringLiteral("h19")}) {
            const HostResult r = rec.result(host);
            QVERIFY(!r.ok);
            QCOMPARE(r.error.kind, ErrorKind::ConnectionLost);
            QVERIFY2(r.error.message.contains(QStringLiteral("connection")),
                     qPrintable(r.error.message));
            // The failure arrived at once, not after the others' 3 s sleep.
            QVERIFY2(rec.arrivalMs.value(host) < rec.arrivalMs.value(QStringLiteral("h0")),
                     qPrintable(host));
        }
        qInfo("20 hosts: %d result batches, %lld ms", rec.batches, rec.summary.elapsedMs);
        QVERIFY2(rec.batches < kHosts, "results must be delivered in batches");
        QCOMPARE(rec.summary.unreachable, 2);
    }

    void concurrencyLimitHonoured()
    {
        auto pool = makeTestPool();
        const QString script =
            QStringLiteral("import time;a=time.time();time.sleep(0.4);print(a,time.time())");
        Run run(
            1,
            callRun(targets(0, 9),
                    execCall({QStringLiteral("/usr/bin/python3"), QStringLiteral("-c"), script}),
                    3),
            pool.get(), nullptr);
        RunRecorder rec(&run);
        run.start();
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 60000);
        QCOMPARE(rec.summary.ok, 9);
        // Remote start/end timestamps of each call: at no instant more than 3 overlap.
        QList<std::pair<double, int>> events;
        for (const HostResult& r : rec.results) {
            const QStringList stamps =
                r.value.toObject().value(QStringLiteral("stdout")).toString().split(u' ');
            QCOMPARE(stamps.size(), 2);
            events << std::pair{stamps[0].toDouble(), +1} << std::pair{stamps[1].toDouble(), -1};
        }
        std::sort(events.begin(), events.end()); // an end sorts before a start at the same instant
        int inFlight = 0;
        int maxInFlight = 0;
        for (const auto& event : events)
            maxInFlight = std::max(maxInFlight, inFlight += event.second);
        qInfo("forks=3: at most %d calls ran at once", maxInFlight);
        QVERIFY(maxInFlight <= 3);
        QVERIFY(maxInFlight >= 2); // and it did run in parallel
        QCOMPARE(run.peakInFlight(), 3);
    }

    void cancelWholeRun()
    {
        int readyCount = 0; // before the pool: its destructor still reports host states
        auto pool = makeTestPool();
        connect(pool.get(), &SessionPool::hostStateChanged, this,
                [&readyCount](const QString&, HostLinkState state, const Error&) {
                    readyCount += state == HostLinkState::Connected ? 1 : 0;
                });
        // A duration no other process on the machine uses (about 30 s), so the process search
        // below finds exactly the sleeps this run started.
        const QByteArray duration = "30." + QByteArray::number(::getpid());
        Run run(1,
                callRun(targets(0, 6),
                        execCall({QStringLiteral("sleep"), QString::fromLatin1(duration)}), 3),
                pool.get(), nullptr);
        RunRecorder rec(&run);
        run.start();
        QTRY_VERIFY_WITH_TIMEOUT(readyCount == 3, 20000);
        // The three calls in flight really run their sleep on the hosts (and no more than three).
        QTRY_COMPARE_WITH_TIMEOUT(processesWithArgv({"sleep", duration}).size(), 3, 10000);
        QElapsedTimer clock;
        clock.start();
        run.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 2000);
        QVERIFY(clock.elapsed() < 1000);
        QCOMPARE(rec.results.size(), 6);
        QCOMPARE(rec.summary.cancelled, 6);
        for (const HostResult& r : rec.results)
            QCOMPARE(r.error.kind, ErrorKind::Cancelled);
        // The remote sleeps were killed (CANCEL reaches run_process children).
        QTRY_VERIFY_WITH_TIMEOUT(processesWithArgv({"sleep", duration}).isEmpty(), 5000);
    }

    void unreachableHostDoesNotDelayOthers()
    {
        auto pool = makeTestPool();
        QList<HostTarget> hosts = targets(0, 4);
        HostTarget silent = target(0, QStringLiteral("silent"));
        silent.ssh.port = m_sshd.startSilentServer();
        silent.ssh.connectTimeout = 3s;
        HostTarget closed = target(0, QStringLiteral("closed"));
        closed.ssh.port = m_sshd.closedPort();
        hosts.prepend(closed);
        hosts.prepend(silent);
        Run run(1,
                callRun(hosts, makeCall(QStringLiteral("Probe"), QStringLiteral("echo"),
                                        {{QStringLiteral("value"), 1}})),
                pool.get(), nullptr);
        RunRecorder rec(&run);
        run.start();
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 20000);
        QCOMPARE(rec.summary.ok, 4);
        QCOMPARE(rec.result(QStringLiteral("closed")).error.kind, ErrorKind::Connect);
        QCOMPARE(rec.result(QStringLiteral("silent")).error.kind, ErrorKind::Connect);
        const qint64 silentAt = rec.arrivalMs.value(QStringLiteral("silent"));
        QVERIFY2(silentAt >= 2500, qPrintable(QString::number(silentAt))); // 3 s, coarse timer
        for (int i = 0; i < 4; ++i) {
            const QString host = QStringLiteral("h%1").arg(i);
            QVERIFY2(rec.arrivalMs.value(host) < 2000, qPrintable(host));
        }
    }

    void persistentAgentReusedAndReconnected()
    {
        auto pool = makeTestPool();
        const HostTarget host = target(1);
        const CallRequest pid = makeCall(QStringLiteral("Probe"), QStringLiteral("pid"));
        const CallResult first = runOne(*pool, host, pid);
        QVERIFY2(first.ok, qPrintable(first.error.message));
        const CallResult second = runOne(*pool, host, pid);
        QVERIFY(second.ok);
        QCOMPARE(second.value.toInteger(),
                 first.value.toInteger()); // the same agent served both runs
        QCOMPARE(pool->size(), 1);
        const CallResult stats =
            runOne(*pool, host, makeCall(QStringLiteral("_agent"), QStringLiteral("stats")));
        QCOMPARE(stats.value.toObject().value(QStringLiteral("pid")).toInteger(),
                 first.value.toInteger());
        QCOMPARE(stats.value.toObject()
                     .value(QStringLiteral("syncs"))
                     .toObject()
                     .value(QStringLiteral("probe"))
                     .toInt(),
                 1);

        // The agent dies (host trouble): the next use reconnects with a new agent.
        AgentSession* session = pool->acquire(host);
        ::kill(pid_t(first.value.toInteger()), SIGKILL);
        QTRY_VERIFY_WITH_TIMEOUT(session->state() == AgentSession::State::Closed, 5000);
        const CallResult third = runOne(*pool, host, pid);
        QVERIFY2(third.ok, qPrintable(third.error.message));
        QVERIFY(third.value.toInteger() != first.value.toInteger());
        QCOMPARE(pool->size(), 1);
    }

    void atMostTenChannelsPerConnection()
    {
        // 12 agents of one host (one SSH connection, twelve interpreter variants): the server's
        // default MaxSessions 10 would refuse an 11th channel, so all 12 succeeding shows the
        // limit is respected; the last two waited for idle agents to free their channels.
        SessionPool::Options options;
        options.idleTimeout = 1s;
        auto pool = makeTestPool({}, options);
        QList<HostTarget> hosts;
        for (int i = 0; i < 12; ++i) {
            HostTarget host = target(2, QStringLiteral("same"));
            host.interpreter << QStringLiteral("-X") << QStringLiteral("variant%1").arg(i);
            hosts << host;
        }
        QList<CallResult> results;
        for (const HostTarget& host : hosts) {
            AgentCall* call =
                pool->acquire(host)->call(makeCall(QStringLiteral("Probe"), QStringLiteral("pid")));
            connect(call, &AgentCall::finished, this,
                    [&results](const CallResult& r) { results << r; });
        }
        QElapsedTimer clock;
        clock.start();
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 12, 30000);
        QSet<qint64> pids;
        for (const CallResult& r : results) {
            QVERIFY2(r.ok, qPrintable(r.error.message));
            pids.insert(r.value.toInteger());
        }
        QCOMPARE(pids.size(), 12);
        QCOMPARE(pool->hostCount(), 1);
        qInfo("12 agents on one connection done in %lld ms", qint64(clock.elapsed()));
        QVERIFY(clock.elapsed() >= 900); // two had to wait for an idle close
    }

    void idleConnectionIsIdleNotUnreachable()
    {
        // The pool closes an unused host: agent and connection go, the host reads as idle (not
        // failed), and the next run reconnects.
        SessionPool::Options options;
        options.idleTimeout = 1s;
        auto pool = makeTestPool({}, options);
        QList<std::pair<HostLinkState, ErrorKind>> states;
        connect(pool.get(), &SessionPool::hostStateChanged, this,
                [&states](const QString&, HostLinkState state, const Error& error) {
                    states << std::pair{state, error.kind};
                });
        const CallRequest pid = makeCall(QStringLiteral("Probe"), QStringLiteral("pid"));
        const CallResult first = runOne(*pool, target(4), pid);
        QVERIFY2(first.ok, qPrintable(first.error.message));
        QCOMPARE(pool->hostCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(pool->hostCount(), 0, 5000); // connection closed with the agent
        QCOMPARE(states.size(), 2);
        QCOMPARE(states.at(0).first, HostLinkState::Connected);
        QCOMPARE(states.at(1).first, HostLinkState::Idle);
        QCOMPARE(states.at(1).second, ErrorKind::Closed);
        const CallResult second = runOne(*pool, target(4), pid);
        QVERIFY2(second.ok, qPrintable(second.error.message));
        QVERIFY(second.value.toInteger() != first.value.toInteger()); // a new agent
        QCOMPARE(states.last().first, HostLinkState::Connected);
    }

    void idleTimeoutClosesSessions()
    {
        SessionPool::Options options;
        options.idleTimeout = 1s;
        auto pool = makeTestPool({}, options);
        const CallResult pid =
            runOne(*pool, target(3), makeCall(QStringLiteral("Probe"), QStringLiteral("pid")));
        QVERIFY2(pid.ok, qPrintable(pid.error.message));
        QCOMPARE(pool->size(), 1);
        QVERIFY(processAlive(pid.value.toInteger()));
        QTRY_COMPARE_WITH_TIMEOUT(pool->size(), 0, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pid.value.toInteger()), 5000); // the agent exited
    }

    void engineClientOnItsOwnThread()
    {
        EngineConfig config;
        config.userToolDirs = {testToolsDir()};
        config.descriptionCache = QStringLiteral("-");
        auto client = std::make_unique<EngineClient>(config);
        QList<HostResult> results;
        bool finished = false;
        bool onMainThread = true;
        // The test's (GUI) thread ticks every 10 ms; a blocked thread would show a long gap.
        QElapsedTimer clock;
        clock.start();
        qint64 lastTick = 0;
        qint64 maxGap = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, this, [&] {
            maxGap = std::max(maxGap, clock.elapsed() - lastTick);
            lastTick = clock.elapsed();
        });
        ticker.start(10);
        RunHandle* run = client->startRun(
            callRun(targets(4, 10), makeCall(QStringLiteral("Probe"), QStringLiteral("sleep"),
                                             {{QStringLiteral("seconds"), 0.3}})));
        QVERIFY(run->id() > 0);
        connect(run, &RunHandle::events, this, [&](const QList<RunEvent>& batch) {
            onMainThread = onMainThread && QThread::currentThread() == thread();
            for (const RunEvent& event : batch) {
                if (event.type == RunEvent::Type::HostResult)
                    results << event.record;
            }
        });
        connect(run, &RunHandle::finished, this, [&](const RunSummary&) { finished = true; });
        QVERIFY(clock.elapsed() < 50); // startRun returned at once
        QTRY_VERIFY_WITH_TIMEOUT(finished, 30000);
        QCOMPARE(results.size(), 6);
        for (const HostResult& r : results)
            QVERIFY2(r.ok, qPrintable(r.error.message));
        QVERIFY(onMainThread);
        qInfo("main thread: longest gap between 10 ms ticks during the run %lld ms", maxGap);
        QVERIFY(maxGap < 250);
        clock.restart();
        client.reset(); // stops the engine thread, closes the sessions
        QVERIFY(clock.elapsed() < 5000);
    }

    void cleanupTestCase()
    {
        const QList<qint64> pids = m_sshd.startedPids();
        m_sshd.stopAll();
        for (qint64 pid : pids)
            QVERIFY2(!processAlive(pid) ||
                         QFile(QStringLiteral("/proc/%1/stat").arg(pid)).exists() == false,
                     "sshd left running");
        QTRY_VERIFY_WITH_TIMEOUT(processesOfThisRunWithInCmdline(QByteArray("HOSTDECK-")).isEmpty(),
                                 5000); // no agent left
    }
};

QTEST_GUILESS_MAIN(TestFanOut)
#include "tst_fanout.moc"
