// Every call ends: a frozen agent (kill -STOP), a frozen sshd session, a silent fake agent, an
// agent that closes its stdout and stays alive, a broken pipe, a TCP server that never speaks.
// Also: liveness never closes a healthy session, busy or idle; after NoAnswer the pool's next
// acquire starts afresh (over SSH: on a new connection); and what a killed agent started is
// gone (its watchdog), with real processes matched by a unique marker.
#include "tests/support/AgentTestUtil.h"
#include "tests/support/HostileAgents.h"
#include "tests/support/SshdFixture.h"
#include "tests/support/TestEnv.h"

#include "engine/runner/DefaultTransportFactory.h"
#include "engine/runner/SessionPool.h"
#include "engine/ssh/StaticCredentialProvider.h"
#include "engine/transport/LocalTransport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace hostdeck::engine;
using namespace hostdeck::test;

namespace {

std::unique_ptr<AgentSession> session(const QStringList& interpreter,
                                      std::chrono::milliseconds liveness)
{
    auto tools = std::make_shared<ToolRegistry>(ToolRegistry::load({testToolsDir()}));
    AgentSession::Options options;
    options.bootstrap.interpreter = interpreter;
    options.readyTimeout = std::chrono::seconds(20);
    options.liveness = liveness;
    return std::make_unique<AgentSession>(std::make_unique<LocalTransport>(), tools, options);
}

CallRequest probe(const QString& method, const QJsonObject& args = {})
{
    return CallRequest::of(QStringLiteral("Probe"), method, args);
}

/// Exec.run of a python that sleeps, its argv carrying `marker` (matched in /proc).
CallRequest markedSleeper(const QByteArray& marker)
{
    return CallRequest::of(
        QStringLiteral("Exec"), QStringLiteral("run"),
        {{QStringLiteral("argv"),
          QJsonArray{python(), QStringLiteral("-c"), QStringLiteral("import time; time.sleep(60)"),
                     QString::fromLatin1(marker)}},
         {QStringLiteral("stream"), false}});
}

/// Waits for the call to finish; returns its result and how long it took.
std::pair<CallResult, qint64> finishOf(AgentCall* call, int timeoutMs)
{
    QSignalSpy finished(call, &AgentCall::finished);
    QElapsedTimer timer;
    timer.start();
    if (!finished.wait(timeoutMs)) {
        CallResult none;
        none.error.message = QStringLiteral("the call did not end within the test's wait");
        return {none, timer.elapsed()};
    }
    return {finished.first().at(0).value<CallResult>(), timer.elapsed()};
}

} // namespace

class TestLiveness : public QObject
{
    Q_OBJECT
private:
    SshdFixture m_sshd;
    int m_server = -1;
    QString m_knownHosts;
    QList<qint64> m_stopped; ///< continued and killed at clean-up

    HostTarget sshTarget(const QString& name) const
    {
        HostTarget target;
        target.name = name;
        target.kind = HostTarget::Kind::Ssh;
        target.ssh.user = m_sshd.user();
        target.ssh.host = QStringLiteral("127.0.0.1");
        target.ssh.port = m_sshd.port(m_server);
        target.ssh.identityFiles = {m_sshd.clientKey()};
        target.ssh.useDefaultIdentities = false;
        target.ssh.useAgent = false;
        target.ssh.knownHostsFile = m_knownHosts;
        target.ssh.globalKnownHostsFile = QStringLiteral("/dev/null");
        target.ssh.connectTimeout = std::chrono::seconds(5);
        target.interpreter = {QStringLiteral("/usr/bin/python3")};
        return target;
    }

    std::unique_ptr<SessionPool> sshPool(std::chrono::milliseconds liveness)
    {
        auto tools = std::make_shared<ToolRegistry>(ToolRegistry::load({testToolsDir()}));
        auto factory = std::make_unique<DefaultTransportFactory>(
            std::make_shared<StaticCredentialProvider>(), nullptr);
        SessionPool::Options options;
        options.liveness = liveness;
        return std::make_unique<SessionPool>(std::move(factory), tools, nullptr, options);
    }

    /// The sshd processes serving the connections of fixture server `server` (not the listener).
    QList<qint64> sshdSessionProcesses() const
    {
        QList<qint64> found;
        for (qint64 pid : descendantsOf(m_sshd.pid(m_server))) {
            if (commOf(pid) == "sshd")
                found << pid;
        }
        return found;
    }

private slots:
    void initTestCase()
    {
        const QString error = m_sshd.setUp();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_server = m_sshd.startServer();
        QVERIFY2(m_server >= 0, qPrintable(m_sshd.lastError()));
        m_knownHosts =
            m_sshd.writeFile(QStringLiteral("known_hosts"), {m_sshd.knownHostsLine(m_server)});
    }

    void cleanup()
    {
        for (qint64 pid : std::exchange(m_stopped, {}))
            ::kill(pid_t(pid), SIGCONT);
    }

    void frozenAgentIsNoAnswerAndWhatItStartedIsGone()
    {
        // The agent is stopped in the middle of a call whose command runs in its own session.
        // Liveness gives up after its bound, the session kills the stopped agent, and the
        // agent's watchdog kills the command.
        const QByteArray marker = newMarker();
        auto s = session({python()}, std::chrono::milliseconds(1500));
        QCOMPARE(startAndWait(*s), QString());
        AgentCall* call = s->call(markedSleeper(marker));
        QTRY_VERIFY_WITH_TIMEOUT(!pidsWithArg(marker).isEmpty(), 10000);
        const QList<qint64> command = pidsWithArg(marker);
        QVERIFY(::kill(pid_t(s->agentPid()), SIGSTOP) == 0);
        const auto [result, tookMs] = finishOf(call, 10000);
        QCOMPARE(result.error.kind, ErrorKind::NoAnswer);
        QCOMPARE(result.error.message, QStringLiteral("no answer from local for 1.5 s"));
        qInfo("frozen local agent: NoAnswer %lld ms after SIGSTOP (bound 1500 ms)", tookMs);
        QVERIFY2(tookMs >= 1000 && tookMs < 3500, qPrintable(QString::number(tookMs)));
        QCOMPARE(s->state(), AgentSession::State::Closed);
        QElapsedTimer gone;
        gone.start();
        QTRY_VERIFY_WITH_TIMEOUT(pidsWithArg(marker).isEmpty(), 5000);
        qInfo("its command (own session) gone %lld ms after the NoAnswer", gone.elapsed());
        killAll(command);
    }

    void busyAgentIsAlive()
    {
        // A tool that runs far longer than the bound: the reader thread answers the pings.
        auto s = session({python()}, std::chrono::milliseconds(600));
        const CallResult r =
            callAndWait(*s, probe(QStringLiteral("sleep"), {{QStringLiteral("seconds"), 2.5}}));
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(s->state(), AgentSession::State::Ready);
    }

    void idleSessionStaysOpen()
    {
        auto s = session({python()}, std::chrono::milliseconds(600));
        QCOMPARE(startAndWait(*s), QString());
        QSignalSpy closed(s.get(), &AgentSession::closed);
        QTest::qWait(2500); // four bounds without a call
        QVERIFY(closed.isEmpty());
        const CallResult r =
            callAndWait(*s, probe(QStringLiteral("echo"), {{QStringLiteral("value"), 5}}));
        QVERIFY2(r.ok, qPrintable(r.error.message));
    }

    void livenessZeroIsOff()
    {
        auto s = session({python()}, std::chrono::milliseconds(0));
        QCOMPARE(startAndWait(*s), QString());
        QVERIFY(::kill(pid_t(s->agentPid()), SIGSTOP) == 0);
        m_stopped << s->agentPid();
        AgentCall* call = s->call(probe(QStringLiteral("echo"), {{QStringLiteral("value"), 1}}));
        QSignalSpy finished(call, &AgentCall::finished);
        QTest::qWait(1500);
        QVERIFY2(finished.isEmpty(), "no liveness: a stopped agent is waited for");
        ::kill(pid_t(s->agentPid()), SIGCONT);
        QVERIFY(finished.wait(5000));
        QVERIFY(finished.first().at(0).value<CallResult>().ok);
    }

    void silentAgentIsNoAnswer()
    {
        const QByteArray marker = newMarker();
        auto s =
            session(fakeAgent(QStringLiteral("silent"), marker), std::chrono::milliseconds(1000));
        QCOMPARE(startAndWait(*s), QString());
        const auto [result, tookMs] =
            finishOf(s->call(probe(QStringLiteral("echo"), {{QStringLiteral("value"), 1}})), 10000);
        QCOMPARE(result.error.kind, ErrorKind::NoAnswer);
        qInfo("silent agent: NoAnswer %lld ms after the call (bound 1000 ms)", tookMs);
        QTRY_VERIFY_WITH_TIMEOUT(pidsWithArg(marker).isEmpty(), 5000);
    }

    void outputClosedIsLostAtOnce()
    {
        // The agent closes its stdout and stays alive: a lost connection at once, not at exit.
        const QByteArray marker = newMarker();
        auto s =
            session(fakeAgent(QStringLiteral("close-stdout"), marker), std::chrono::seconds(30));
        QSignalSpy closed(s.get(), &AgentSession::closed);
        QElapsedTimer timer;
        timer.start();
        AgentCall* call = s->call(probe(QStringLiteral("echo"), {{QStringLiteral("value"), 1}}));
        s->start();
        const auto [result, tookMs] = finishOf(call, 10000);
        QCOMPARE(result.error.kind, ErrorKind::ConnectionLost);
        QVERIFY2(result.error.message.contains(QStringLiteral("closed its output")),
                 qPrintable(result.error.message));
        qInfo("stdout closed: connection lost %lld ms after start", tookMs);
        QVERIFY2(tookMs < 1000, qPrintable(QString::number(tookMs)));
        QTRY_VERIFY_WITH_TIMEOUT(pidsWithArg(marker).isEmpty(), 5000);
    }

    void poolReconnectsAfterNoAnswer()
    {
        auto tools = std::make_shared<ToolRegistry>(ToolRegistry::load({testToolsDir()}));
        SessionPool::Options options;
        options.liveness = std::chrono::milliseconds(1000);
        SessionPool pool(std::make_unique<DefaultTransportFactory>(nullptr, nullptr), tools,
                         nullptr, options);
        HostTarget target = HostTarget::local(QStringLiteral("frozen"));
        target.interpreter = {python()};
        AgentSession* first = pool.acquire(target);
        QVERIFY(finishOf(first->call(probe(QStringLiteral("echo"), {{QStringLiteral("value"), 1}})),
                         20000)
                    .first.ok);
        const qint64 firstPid = first->agentPid();
        QVERIFY(::kill(pid_t(firstPid), SIGSTOP) == 0);
        const auto [lost, tookMs] = finishOf(
            first->call(probe(QStringLiteral("echo"), {{QStringLiteral("value"), 2}})), 10000);
        QCOMPARE(lost.error.kind, ErrorKind::NoAnswer);
        AgentSession* second = pool.acquire(target);
        const CallResult again =
            finishOf(second->call(probe(QStringLiteral("echo"), {{QStringLiteral("value"), 3}})),
                     20000)
                .first;
        QVERIFY2(again.ok, qPrintable(again.error.message));
        QVERIFY(second->agentPid() != firstPid);
        pool.closeAll();
    }

    void idlePooledSessionIsNotKeptAlive()
    {
        // Pings keep a healthy idle session from being taken for a dead one, but they are no
        // use: the pool still closes it once it has been idle for its idle timeout.
        auto tools = std::make_shared<ToolRegistry>(ToolRegistry::load({testToolsDir()}));
        SessionPool::Options options;
        options.liveness = std::chrono::milliseconds(600);
        options.idleTimeout = std::chrono::milliseconds(1500);
        SessionPool pool(std::make_unique<DefaultTransportFactory>(nullptr, nullptr), tools,
                         nullptr, options);
        HostTarget target = HostTarget::local(QStringLiteral("idle"));
        target.interpreter = {python()};
        AgentSession* s = pool.acquire(target);
        QVERIFY(
            finishOf(s->call(probe(QStringLiteral("echo"), {{QStringLiteral("value"), 1}})), 20000)
                .first.ok);
        QSignalSpy closed(s, &AgentSession::closed);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(closed.wait(6000));
        const Error reason = closed.first().at(0).value<Error>();
        QCOMPARE(reason.kind, ErrorKind::Closed); // closed as idle, not as silent
        qInfo("idle pooled session closed by the pool %lld ms after its last call",
              timer.elapsed());
        QCOMPARE(pool.size(), 0);
    }

    void sshFrozenSessionIsNoAnswerAndThePoolReconnects()
    {
        // The sshd processes of the connection are stopped: TCP stays up, SSH keep-alives get no
        // answer and none is expected; only the agent-level ping notices. The next acquire
        // makes a new connection (the stopped one is dropped).
        auto pool = sshPool(std::chrono::milliseconds(2000));
        const HostTarget target = sshTarget(QStringLiteral("frozen-ssh"));
        AgentSession* first = pool->acquire(target);
        const CallResult hello =
            finishOf(first->call(probe(QStringLiteral("echo"), {{QStringLiteral("value"), 1}})),
                     20000)
                .first;
        QVERIFY2(hello.ok, qPrintable(hello.error.message));
        const QList<qint64> sshd = sshdSessionProcesses();
        QVERIFY(!sshd.isEmpty());
        for (qint64 pid : sshd) {
            QVERIFY(::kill(pid_t(pid), SIGSTOP) == 0);
            m_stopped << pid;
        }
        const auto [lost, tookMs] = finishOf(
            first->call(probe(QStringLiteral("sleep"), {{QStringLiteral("seconds"), 0.1}})), 15000);
        QCOMPARE(lost.error.kind, ErrorKind::NoAnswer);
        qInfo("frozen sshd session: NoAnswer %lld ms after the call (bound 2000 ms): %s", tookMs,
              qPrintable(lost.error.message));
        QVERIFY2(tookMs < 4500, qPrintable(QString::number(tookMs)));
        QElapsedTimer reconnect;
        reconnect.start();
        AgentSession* second = pool->acquire(target);
        QVERIFY(second != first);
        const CallResult again =
            finishOf(second->call(probe(QStringLiteral("echo"), {{QStringLiteral("value"), 2}})),
                     20000)
                .first;
        QVERIFY2(again.ok, qPrintable(again.error.message));
        qInfo("reconnected and answered in %lld ms while the old session is still stopped",
              reconnect.elapsed());
        pool->closeAll();
    }

    void sshAgentClosingStdoutIsLostAtOnce()
    {
        auto pool = sshPool(std::chrono::seconds(30));
        HostTarget target = sshTarget(QStringLiteral("closes-stdout"));
        const QByteArray marker = newMarker();
        target.interpreter = fakeAgentInline(QStringLiteral("close-stdout"), marker,
                                             QStringLiteral("/usr/bin/python3"));
        AgentSession* s = pool->acquire(target);
        qint64 readyMs = -1;
        QElapsedTimer timer;
        timer.start();
        connect(s, &AgentSession::ready, this, [&] { readyMs = timer.elapsed(); });
        const auto [result, tookMs] =
            finishOf(s->call(probe(QStringLiteral("echo"), {{QStringLiteral("value"), 1}})), 20000);
        QCOMPARE(result.error.kind, ErrorKind::ConnectionLost);
        QVERIFY2(result.error.message.contains(QStringLiteral("closed its output")),
                 qPrintable(result.error.message));
        qInfo("SSH channel EOF, agent alive: connection lost %lld ms after READY",
              tookMs - readyMs);
        QVERIFY(readyMs >= 0);
        QVERIFY2(tookMs - readyMs < 1000, qPrintable(QString::number(tookMs - readyMs)));
        pool->closeAll();
        // The channel is closed: sshd closes the agent's stdin and it leaves.
        QTRY_VERIFY_WITH_TIMEOUT(pidsWithArg(marker).isEmpty(), 5000);
    }

    void sshBrokenPipeIsLostWithinASecond()
    {
        // README: "connection lost within a second of a broken pipe" — the sshd processes of the
        // connection are killed mid-call.
        auto pool = sshPool(std::chrono::seconds(30));
        AgentSession* s = pool->acquire(sshTarget(QStringLiteral("broken-pipe")));
        QVERIFY(
            finishOf(s->call(probe(QStringLiteral("echo"), {{QStringLiteral("value"), 1}})), 20000)
                .first.ok);
        AgentCall* call =
            s->call(probe(QStringLiteral("sleep"), {{QStringLiteral("seconds"), 30}}));
        QTest::qWait(200);
        killAll(sshdSessionProcesses());
        const auto [result, tookMs] = finishOf(call, 5000);
        QCOMPARE(result.error.kind, ErrorKind::ConnectionLost);
        qInfo("SSH broken pipe: connection lost %lld ms after the kill", tookMs);
        QVERIFY2(tookMs < 1000, qPrintable(QString::number(tookMs)));
        pool->closeAll();
    }

    void serverThatNeverSpeaksEndsTheCall()
    {
        auto pool = sshPool(std::chrono::seconds(30));
        HostTarget target = sshTarget(QStringLiteral("mute"));
        target.ssh.port = m_sshd.startSilentServer();
        target.ssh.connectTimeout = std::chrono::seconds(2);
        AgentSession* s = pool->acquire(target);
        const auto [result, tookMs] =
            finishOf(s->call(probe(QStringLiteral("echo"), {{QStringLiteral("value"), 1}})), 15000);
        QVERIFY(!result.ok);
        qInfo("TCP server that never speaks: %s after %lld ms (connect timeout 2 s): %s",
              qPrintable(errorKindName(result.error.kind)), tookMs,
              qPrintable(result.error.message));
        QVERIFY2(tookMs < 3500, qPrintable(QString::number(tookMs)));
        pool->closeAll();
    }
};

QTEST_GUILESS_MAIN(TestLiveness)
#include "tst_liveness.moc"
