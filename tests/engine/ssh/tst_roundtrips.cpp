// Round trips on the wire, counted by a delay proxy in front of a real sshd: a cold call
// (connect, authenticate, start the agent, first result) needs no more than OpenSSH's
// `ssh host cmd` with the same key exchange, and a warm call one round trip. The proxy counts
// the causal chain (each chunk sent after the one before it arrived), so the figures do not
// depend on how loaded the machine is.
#include "tests/support/DelayProxy.h"
#include "tests/support/SshdFixture.h"

#include "engine/agent/AgentSession.h"
#include "engine/agent/ToolRegistry.h"
#include "engine/ssh/SshConnection.h"
#include "engine/ssh/SshTransport.h"

#include <QJsonArray>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>

using namespace hostdeck::engine;
using hostdeck::test::DelayProxy;
using hostdeck::test::SshdFixture;
using namespace std::chrono_literals;

class TestRoundTrips : public QObject
{
    Q_OBJECT

private:
    SshdFixture m_sshd;
    int m_server = -1;
    std::shared_ptr<const ToolRegistry> m_tools;

    /// Known hosts and ssh_config for a proxy port in front of the server.
    struct Route
    {
        quint16 port = 0;
        QString knownHosts;
        QString sshConfig;
    };

    Route routeThrough(DelayProxy& proxy, const QString& name)
    {
        Route route;
        route.port = proxy.addRoute(m_sshd.port(m_server));
        const QString key = m_sshd.knownHostsLine(m_server).section(u' ', 1);
        route.knownHosts =
            m_sshd.writeFile(name + QStringLiteral("_known_hosts"),
                             {QStringLiteral("[127.0.0.1]:%1 ").arg(route.port) + key});
        route.sshConfig = m_sshd.writeFile(
            name + QStringLiteral("_ssh_config"),
            {QStringLiteral("Host target"), QStringLiteral("  HostName 127.0.0.1"),
             QStringLiteral("  Port %1").arg(route.port), QStringLiteral("  User ") + m_sshd.user(),
             QStringLiteral("  IdentityFile ") + m_sshd.clientKey(),
             QStringLiteral("  IdentitiesOnly yes"),
             QStringLiteral("  UserKnownHostsFile ") + route.knownHosts,
             QStringLiteral("  GlobalKnownHostsFile /dev/null"),
             QStringLiteral("  StrictHostKeyChecking yes"), QStringLiteral("  BatchMode yes"),
             QStringLiteral("  KexAlgorithms curve25519-sha256")});
        return route;
    }

    /// Runs `request` and returns the proxy's count when its result arrived.
    double callAndCount(AgentSession& session, const CallRequest& request, DelayProxy& proxy)
    {
        std::optional<CallResult> result;
        double roundTrips = -1;
        AgentCall* call = session.call(request);
        connect(call, &AgentCall::finished, this, [&](const CallResult& r) {
            roundTrips = proxy.clientRoundTrips();
            result = r;
        });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30000))
            return -1;
        if (!result->ok)
            qWarning("%s", qPrintable(result->error.message));
        return result->ok ? roundTrips : -1;
    }

    struct Counts
    {
        double cold = -1;
        double warm = -1;
    };

    /// A cold Exec.run echo over a new connection through a proxy of its own, then a warm one:
    /// the proxy's counts. Also checks the proxy's spread and reset.
    Counts countHostdeck(const QString& name)
    {
        Counts counts;
        DelayProxy proxy;
        const Route route = routeThrough(proxy, name);
        proxy.setRoundTrip(40ms);
        [&] { QCOMPARE(proxy.start(), QString()); }();
        if (QTest::currentTestFailed())
            return counts;
        SshSettings settings;
        settings.user = m_sshd.user();
        settings.host = QStringLiteral("127.0.0.1");
        settings.port = route.port;
        settings.identityFiles = {m_sshd.clientKey()};
        settings.useDefaultIdentities = false;
        settings.useAgent = false;
        settings.knownHostsFile = route.knownHosts;
        settings.globalKnownHostsFile = QStringLiteral("/dev/null");
        settings.connectTimeout = 20s;
        SshConnection connection(settings);
        AgentSession::Options options;
        options.compressMin = 4096; // as the pool sets it over SSH
        AgentSession session(std::make_unique<SshTransport>(&connection), m_tools, options);
        session.start();
        CallRequest echo = CallRequest::of(
            QStringLiteral("Exec"), QStringLiteral("run"),
            {{QStringLiteral("argv"), QJsonArray{QStringLiteral("echo"), QStringLiteral("hi")}}});
        counts.cold = callAndCount(session, echo, proxy);
        const QString coldSpread = proxy.clientRoundTripSpread();
        const double before = proxy.clientRoundTrips();
        counts.warm = callAndCount(session, echo, proxy) - before;
        // After a reset, a connection already open is no longer in the spread.
        proxy.resetRoundTrips();
        const bool third = callAndCount(session, echo, proxy) > 0;
        const QString spreadAfterReset = proxy.clientRoundTripSpread();
        session.close();
        [&] {
            QVERIFY(counts.cold > 0);
            QVERIFY(third);
            QCOMPARE(coldSpread, QStringLiteral("%1: 1").arg(counts.cold));
            QCOMPARE(spreadAfterReset, QString());
        }();
        return counts;
    }

private slots:
    void initTestCase()
    {
        const QString error = m_sshd.setUp();
        if (!error.isEmpty())
            QFAIL(qPrintable(error));
        m_server = m_sshd.startServer();
        QVERIFY2(m_server >= 0, qPrintable(m_sshd.lastError()));
        m_tools = std::make_shared<ToolRegistry>(ToolRegistry::load({}));
    }

    void coldCallNoMoreThanOpenSsh()
    {
        // OpenSSH's own client, `ssh host echo`, through a proxy of its own.
        const QString ssh = QStandardPaths::findExecutable(QStringLiteral("ssh"));
        QVERIFY2(!ssh.isEmpty(), "the OpenSSH client (ssh) is needed");
        DelayProxy sshProxy;
        const Route sshRoute = routeThrough(sshProxy, QStringLiteral("ssh"));
        sshProxy.setRoundTrip(40ms);
        QCOMPARE(sshProxy.start(), QString());
        QProcess process;
        process.setStandardInputFile(QProcess::nullDevice());
        process.start(ssh, {QStringLiteral("-F"), sshRoute.sshConfig, QStringLiteral("target"),
                            QStringLiteral("echo"), QStringLiteral("hello")});
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.readAllStandardOutput(), QByteArray("hello\n"));
        const double openSsh = sshProxy.clientRoundTrips();
        // One connection, and its longest chain is the proxy's count.
        QCOMPARE(sshProxy.clientRoundTripSpread(), QStringLiteral("%1: 1").arg(openSsh));
        sshProxy.stop();

        // A loaded machine can only lengthen a chain (a pipelined write that comes late looks
        // like an answer to what arrived meanwhile), never shorten it: the fewest of 3 tries.
        double cold = -1;
        double warm = -1;
        for (int attempt = 0; attempt < 3 && (cold != 7 || warm != 1); ++attempt) {
            const Counts counts = countHostdeck(QStringLiteral("hostdeck%1").arg(attempt));
            if (QTest::currentTestFailed())
                return;
            qInfo("round trips: hostdeck cold %.1f, warm %.1f; ssh host echo %.1f", counts.cold,
                  counts.warm, openSsh);
            cold = cold < 0 ? counts.cold : std::min(cold, counts.cold);
            warm = warm < 0 ? counts.warm : std::min(warm, counts.warm);
        }
        QVERIFY(cold > 0 && openSsh > 0);
        QVERIFY2(cold <= openSsh, "a cold call takes more round trips than ssh host cmd");
        // Key exchange 2, service request 1, signed key 1, channel open 1, exec 1, agent and
        // call 1: what OpenSSH's server allows a libssh client.
        QVERIFY2(cold <= 7, "a cold call takes more than 7 round trips");
        QCOMPARE(warm, 1.0);
    }

    void cleanupTestCase() { m_sshd.stopAll(); }
};

QTEST_GUILESS_MAIN(TestRoundTrips)
#include "tst_roundtrips.moc"
