// Integration tests of the SSH layer against real sshd instances on 127.0.0.1.
#include "tests/engine/ssh/TransportProbe.h"
#include "tests/support/SshdFixture.h"

#include "engine/ssh/HostKeyDecider.h"
#include "engine/ssh/SshConfigResolver.h"
#include "engine/ssh/SshConnection.h"
#include "engine/ssh/SshTransport.h"
#include "engine/ssh/StaticCredentialProvider.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

#include <csignal>
#include <ctime>
#include <memory>

using namespace hostdeck::engine;
using hostdeck::test::SshdFixture;
using hostdeck::test::SshdOptions;
using hostdeck::test::TransportProbe;
using namespace std::chrono_literals;

namespace {
QString fingerprintOfLine(const QString& knownHostsLine)
{
    const QByteArray blob = QByteArray::fromBase64(knownHostsLine.section(u' ', 2, 2).toLatin1());
    return QStringLiteral("SHA256:") +
           QString::fromLatin1(QCryptographicHash::hash(blob, QCryptographicHash::Sha256)
                                   .toBase64(QByteArray::OmitTrailingEquals));
}
} // namespace

class TestSshTransport : public QObject
{
    Q_OBJECT

private:
    SshdFixture m_sshd;
    int m_main = -1;
    int m_second = -1;
    int m_third = -1;
    QString m_knownHosts;
    StaticCredentialProvider m_noSecrets;

    SshSettings settingsFor(int server) const
    {
        SshSettings settings;
        settings.user = m_sshd.user();
        settings.host = QStringLiteral("127.0.0.1");
        settings.port = m_sshd.port(server);
        settings.identityFiles = {m_sshd.clientKey()};
        settings.useDefaultIdentities = false;
        settings.useAgent = false;
        settings.knownHostsFile = m_knownHosts;
        settings.globalKnownHostsFile = QStringLiteral("/dev/null");
        settings.connectTimeout = 5s;
        return settings;
    }

    /// Transports on one connection, each watched by a probe.
    struct ProbedTransports
    {
        std::vector<std::unique_ptr<SshTransport>> transports;
        std::vector<std::unique_ptr<TransportProbe>> probes;

        SshTransport* add(SshConnection* connection)
        {
            transports.push_back(std::make_unique<SshTransport>(connection));
            probes.push_back(std::make_unique<TransportProbe>(transports.back().get()));
            return transports.back().get();
        }
        bool allDone() const
        {
            return std::all_of(probes.begin(), probes.end(),
                               [](const auto& probe) { return probe->done(); });
        }
    };

    /// Connects and waits for connected() or failed(); returns the error (empty message on
    /// success).
    Error connectAndWait(SshConnection& connection, int timeoutMs = 8000)
    {
        QSignalSpy connected(&connection, &SshConnection::connected);
        QSignalSpy failed(&connection, &SshConnection::failed);
        connection.connectToHost();
        [&]() { QTRY_VERIFY_WITH_TIMEOUT(connected.count() + failed.count() > 0, timeoutMs); }();
        if (failed.count() > 0)
            return failed.first().first().value<Error>();
        return {};
    }

private slots:
    void initTestCase()
    {
        const QString error = m_sshd.setUp();
        if (!error.isEmpty())
            QFAIL(qPrintable(error));
        m_main = m_sshd.startServer();
        m_second = m_sshd.startServer();
        m_third = m_sshd.startServer();
        QVERIFY2(m_main >= 0 && m_second >= 0 && m_third >= 0, qPrintable(m_sshd.lastError()));
        m_knownHosts =
            m_sshd.writeFile(QStringLiteral("known_hosts"),
                             {m_sshd.knownHostsLine(m_main), m_sshd.knownHostsLine(m_second),
                              m_sshd.knownHostsLine(m_third)});
    }

    void execEcho()
    {
        SshConnection connection(settingsFor(m_main));
        SshTransport transport(&connection);
        TransportProbe probe(&transport);
        transport.start({QStringLiteral("echo"), {QStringLiteral("hi")}});
        QTRY_VERIFY_WITH_TIMEOUT(probe.done(), 10000);
        QVERIFY2(probe.finished, qPrintable(probe.error.message));
        QVERIFY(probe.started);
        QCOMPARE(probe.out, QByteArray("hi\n"));
        QCOMPARE(probe.exit.exitCode, 0);
        QVERIFY(connection.connectDurationMs() >= 0);
        qInfo("connect+auth (key) to sshd: %lld ms; echo round trip total %lld ms",
              connection.connectDurationMs(), probe.endedAtMs);
    }

    void quotingAndExitCode()
    {
        SshConnection connection(settingsFor(m_main));
        SshTransport quoted(&connection);
        TransportProbe quotedProbe(&quoted);
        quoted.start({QStringLiteral("printf"),
                      {QStringLiteral("%s|"), QStringLiteral("it's"), QStringLiteral("a b"),
                       QString(), QStringLiteral("$HOME;`id`"), QStringLiteral("\"x\"")}});
        SshTransport failing(&connection);
        TransportProbe failingProbe(&failing);
        failing.start({QStringLiteral("sh"),
                       {QStringLiteral("-c"), QStringLiteral("echo oops >&2; exit 3")}});
        QTRY_VERIFY_WITH_TIMEOUT(quotedProbe.done() && failingProbe.done(), 10000);
        QCOMPARE(quotedProbe.out, QByteArray("it's|a b||$HOME;`id`|\"x\"|"));
        QVERIFY(failingProbe.finished);
        QCOMPARE(failingProbe.exit.exitCode, 3);
        QCOMPARE(failingProbe.err, QByteArray("oops\n"));
    }

    void bulkTransferThroughCat()
    {
        SshConnection connection(settingsFor(m_main));
        QVERIFY(connectAndWait(connection).message.isEmpty());
        QByteArray payload(10 * 1024 * 1024, Qt::Uninitialized);
        QRandomGenerator(42).fillRange(reinterpret_cast<quint32*>(payload.data()),
                                       payload.size() / 4);
        SshTransport transport(&connection);
        TransportProbe probe(&transport);
        QElapsedTimer clock;
        clock.start();
        transport.start({QStringLiteral("cat"), {}});
        transport.write(payload);
        transport.closeWrite();
        QTRY_VERIFY_WITH_TIMEOUT(probe.done(), 60000);
        const qint64 ms = clock.elapsed();
        QVERIFY2(probe.finished, qPrintable(probe.error.message));
        QCOMPARE(probe.out.size(), payload.size());
        QVERIFY(probe.out == payload);
        qInfo("10 MB stdin->cat->stdout over one channel: %lld ms, %.1f MB/s each way", ms,
              10.0 * 1000.0 / double(std::max<qint64>(ms, 1)));
    }

    void authEncryptedKey()
    {
        SshSettings settings = settingsFor(m_main);
        settings.identityFiles = {m_sshd.encryptedClientKey()};
        StaticCredentialProvider credentials;
        credentials.setSecret(CredentialKind::KeyPassphrase, SecretBuffer(m_sshd.keyPassphrase()));
        SshConnection connection(settings, &credentials);
        const Error error = connectAndWait(connection);
        QVERIFY2(error.message.isEmpty(), qPrintable(error.message));
        QCOMPARE(credentials.requests().size(), 1);
        QCOMPARE(credentials.requests().first().kind, CredentialKind::KeyPassphrase);
        QCOMPARE(credentials.requests().first().keyPath, m_sshd.encryptedClientKey());
    }

    void authEncryptedKeyWithoutPassphrase()
    {
        SshSettings settings = settingsFor(m_main);
        settings.identityFiles = {m_sshd.encryptedClientKey()};
        settings.usePassword = false;
        SshConnection connection(settings, &m_noSecrets);
        const Error error = connectAndWait(connection);
        QCOMPARE(error.kind, ErrorKind::Auth);
        QVERIFY2(error.message.contains(
                     QLatin1String("id_encrypted: encrypted, no passphrase available")),
                 qPrintable(error.message));
    }

    void authAgent()
    {
        const QString socket = m_sshd.startAgent(m_sshd.clientKey());
        QVERIFY2(!socket.isEmpty(), qPrintable(m_sshd.lastError()));
        SshSettings settings = settingsFor(m_main);
        settings.identityFiles.clear();
        settings.useAgent = true;
        settings.agentSocket = socket;
        SshConnection connection(settings);
        const Error error = connectAndWait(connection);
        QVERIFY2(error.message.isEmpty(), qPrintable(error.message));
    }

    void authPassword()
    {
        SshSettings settings = settingsFor(m_main);
        settings.identityFiles.clear();
        StaticCredentialProvider credentials;
        credentials.setSecret(CredentialKind::SshPassword, SecretBuffer(m_sshd.password()),
                              QStringLiteral("127.0.0.1"), m_sshd.user());
        SshConnection connection(settings, &credentials);
        const Error error = connectAndWait(connection);
        QVERIFY2(error.message.isEmpty(), qPrintable(error.message));
        QCOMPARE(credentials.rejectedCount(), 0);
    }

    void authKeyboardInteractive()
    {
        SshdOptions options;
        options.passwordAuthentication = false;
        options.keyboardInteractive = true;
        const int server = m_sshd.startServer(options);
        QVERIFY2(server >= 0, qPrintable(m_sshd.lastError()));
        SshSettings settings = settingsFor(server);
        settings.identityFiles.clear();
        settings.hostKeyPolicy = HostKeyPolicy::AcceptNew;
        settings.knownHostsFile = m_sshd.dir() + QStringLiteral("/known_hosts_kbd");
        StaticCredentialProvider credentials;
        credentials.setSecret(CredentialKind::SshPassword, SecretBuffer(m_sshd.password()));
        SshConnection connection(settings, &credentials);
        const Error error = connectAndWait(connection);
        if (error.message.contains(QLatin1String("the server accepts: publickey")) &&
            !error.message.contains(QLatin1String("keyboard")))
            QSKIP("this sshd does not offer keyboard-interactive (PAM unavailable)");
        QVERIFY2(error.message.isEmpty(), qPrintable(error.message));
        QVERIFY(!credentials.requests().isEmpty());
    }

    void wrongPassword()
    {
        SshSettings settings = settingsFor(m_main);
        settings.identityFiles.clear();
        StaticCredentialProvider credentials;
        credentials.setSecret(CredentialKind::SshPassword,
                              SecretBuffer(QByteArray("definitely-wrong")));
        SshConnection connection(settings, &credentials);
        QElapsedTimer clock;
        clock.start();
        const Error error = connectAndWait(connection);
        QCOMPARE(error.kind, ErrorKind::Auth);
        QVERIFY2(
            error.message.startsWith(
                QStringLiteral("authentication failed for %1@127.0.0.1: tried").arg(m_sshd.user())),
            qPrintable(error.message));
        QVERIFY2(error.message.contains(QLatin1String("password (rejected)")),
                 qPrintable(error.message));
        QVERIFY(!error.message.contains(QLatin1String("definitely-wrong")));
        QVERIFY(clock.elapsed() < 5000);
        QCOMPARE(credentials.rejectedCount(), 1);
        qInfo("wrong password: %s (%lld ms)", qPrintable(error.message), clock.elapsed());
    }

    void wrongKey()
    {
        SshSettings settings = settingsFor(m_main);
        settings.identityFiles = {m_sshd.unauthorizedKey()};
        settings.usePassword = false;
        SshConnection connection(settings);
        const Error error = connectAndWait(connection);
        QCOMPARE(error.kind, ErrorKind::Auth);
        QVERIFY2(error.message.contains(QLatin1String("publickey (id_other: not accepted)")),
                 qPrintable(error.message));
    }

    void closedPort()
    {
        SshSettings settings = settingsFor(m_main);
        settings.port = m_sshd.closedPort();
        SshConnection connection(settings);
        QElapsedTimer clock;
        clock.start();
        const Error error = connectAndWait(connection);
        QCOMPARE(error.kind, ErrorKind::Connect);
        QVERIFY2(error.message.contains(QLatin1String("Connection refused")),
                 qPrintable(error.message));
        QVERIFY(clock.elapsed() < 2000);
    }

    void silentServerTimesOut()
    {
        SshSettings settings = settingsFor(m_main);
        settings.port = m_sshd.startSilentServer();
        settings.connectTimeout = 1500ms;
        SshConnection connection(settings);
        SshTransport transport(&connection); // a channel waiting on the connection fails with it
        TransportProbe probe(&transport);
        transport.start({QStringLiteral("true"), {}});
        QTRY_VERIFY_WITH_TIMEOUT(probe.done(), 5000);
        QVERIFY(probe.failed);
        QCOMPARE(probe.error.kind, ErrorKind::Connect);
        QVERIFY2(probe.error.message.contains(QLatin1String("timed out after 1500 ms")),
                 qPrintable(probe.error.message));
        QVERIFY2(probe.endedAtMs >= 1400 && probe.endedAtMs < 2500,
                 qPrintable(QString::number(probe.endedAtMs)));
    }

    void unknownHostKeyStrict()
    {
        SshSettings settings = settingsFor(m_main);
        settings.knownHostsFile = m_sshd.writeFile(QStringLiteral("known_hosts_empty"), {});
        SshConnection connection(settings);
        const Error error = connectAndWait(connection);
        QCOMPARE(error.kind, ErrorKind::HostKeyUnknown);
        QVERIFY2(error.message.startsWith(
                     QStringLiteral("unknown host key for 127.0.0.1:%1: ED25519 %2 (not in")
                         .arg(m_sshd.port(m_main))
                         .arg(m_sshd.hostKeyFingerprint(m_main))),
                 qPrintable(error.message));
    }

    void unknownHostKeyDecider()
    {
        SshSettings settings = settingsFor(m_main);
        settings.knownHostsFile = m_sshd.dir() + QStringLiteral("/known_hosts_decider");
        FixedHostKeyDecider reject(HostKeyDecision::Reject);
        SshConnection rejected(settings, nullptr, &reject);
        QCOMPARE(connectAndWait(rejected).kind, ErrorKind::HostKeyUnknown);
        QCOMPARE(reject.questionCount(), 1);

        FixedHostKeyDecider acceptOnce(HostKeyDecision::AcceptOnce);
        SshConnection accepted(settings, nullptr, &acceptOnce);
        QVERIFY(connectAndWait(accepted).message.isEmpty());
        QVERIFY(!QFile::exists(settings.knownHostsFile)); // once: nothing recorded
    }

    void acceptNewRecordsKey()
    {
        SshSettings settings = settingsFor(m_main);
        settings.knownHostsFile = m_sshd.dir() + QStringLiteral("/new/known_hosts");
        settings.hostKeyPolicy = HostKeyPolicy::AcceptNew;
        SshConnection first(settings);
        const Error error = connectAndWait(first);
        QVERIFY2(error.message.isEmpty(), qPrintable(error.message));
        QFile file(settings.knownHostsFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString content = QString::fromUtf8(file.readAll());
        QVERIFY2(content.startsWith(m_sshd.knownHostsLine(m_main)), qPrintable(content));

        settings.hostKeyPolicy = HostKeyPolicy::Strict; // now known: strict passes
        SshConnection second(settings);
        QVERIFY(connectAndWait(second).message.isEmpty());
    }

    void changedHostKeyRefused()
    {
        const QString foreign = m_sshd.foreignKnownHostsLine(m_main);
        SshSettings settings = settingsFor(m_main);
        settings.knownHostsFile = m_sshd.writeFile(QStringLiteral("known_hosts_changed"),
                                                   {QStringLiteral("# comment"), foreign});
        settings.hostKeyPolicy = HostKeyPolicy::AcceptNew; // even accept-new refuses a changed key
        SshConnection connection(settings);
        const Error error = connectAndWait(connection);
        QCOMPARE(error.kind, ErrorKind::HostKeyChanged);
        QVERIFY2(error.message.contains(QLatin1String("CHANGED")), qPrintable(error.message));
        QVERIFY2(error.message.contains(m_sshd.hostKeyFingerprint(m_main)),
                 qPrintable(error.message));
        QVERIFY2(error.message.contains(fingerprintOfLine(foreign) + QStringLiteral(" (") +
                                        settings.knownHostsFile + QStringLiteral(":2)")),
                 qPrintable(error.message));
        qInfo("%s", qPrintable(error.message));
    }

    void otherKeyTypeRefused()
    {
        const QString foreign = m_sshd.foreignKnownHostsLine(m_main, QStringLiteral("ecdsa"));
        SshSettings settings = settingsFor(m_main);
        settings.knownHostsFile = m_sshd.writeFile(QStringLiteral("known_hosts_other"), {foreign});
        SshConnection connection(settings);
        const Error error = connectAndWait(connection);
        QCOMPARE(error.kind, ErrorKind::HostKeyChanged);
        QVERIFY2(error.message.contains(QLatin1String("ECDSA ") + fingerprintOfLine(foreign)),
                 qPrintable(error.message));
        QVERIFY2(error.message.contains(m_sshd.hostKeyFingerprint(m_main)),
                 qPrintable(error.message));
    }

    void proxyJumpFromConfig()
    {
        const QString config = m_sshd.writeFile(
            QStringLiteral("ssh_config"),
            {QStringLiteral("Host bastion"), QStringLiteral("  HostName 127.0.0.1"),
             QStringLiteral("  Port %1").arg(m_sshd.port(m_main)), QStringLiteral("Host inner"),
             QStringLiteral("  HostName 127.0.0.1"),
             QStringLiteral("  Port %1").arg(m_sshd.port(m_second)),
             QStringLiteral("Host target-one"), QStringLiteral("  HostName 127.0.0.1"),
             QStringLiteral("  Port %1").arg(m_sshd.port(m_second)),
             QStringLiteral("  ProxyJump bastion"), QStringLiteral("Host target-two"),
             QStringLiteral("  HostName 127.0.0.1"),
             QStringLiteral("  Port %1").arg(m_sshd.port(m_third)),
             QStringLiteral("  ProxyJump bastion,inner"), QStringLiteral("Host *"),
             QStringLiteral("  User %1").arg(m_sshd.user()),
             QStringLiteral("  IdentityFile %1").arg(m_sshd.clientKey())});
        for (const QString& alias : {QStringLiteral("target-one"), QStringLiteral("target-two")}) {
            SshSettings base = settingsFor(m_main);
            base.identityFiles.clear();
            base.sshConfigFile = config;
            const Result<SshSettings> resolved = SshConfigResolver::resolve(alias, base);
            QVERIFY(resolved.ok());
            QCOMPARE(resolved->jumpHosts.size(), alias == QLatin1String("target-one") ? 1 : 2);
            SshConnection connection(*resolved);
            SshTransport transport(&connection);
            TransportProbe probe(&transport);
            transport.start({QStringLiteral("sh"),
                             {QStringLiteral("-c"), QStringLiteral("echo $SSH_CONNECTION")}});
            QTRY_VERIFY_WITH_TIMEOUT(probe.done(), 10000);
            QVERIFY2(probe.finished, qPrintable(probe.error.message));
            const int expectedPort =
                m_sshd.port(alias == QLatin1String("target-one") ? m_second : m_third);
            QVERIFY2(probe.out.trimmed().endsWith(
                         QByteArray(QByteArray(" ") + QByteArray::number(expectedPort))),
                     probe.out.constData());
            qInfo("%s: %d hop(s), connect+auth %lld ms", qPrintable(alias),
                  int(resolved->jumpHosts.size()), connection.connectDurationMs());
        }
    }

    void proxyJumpUnreachableTarget()
    {
        SshSettings settings = settingsFor(m_main);
        settings.port = m_sshd.closedPort();
        settings.jumpHosts = {
            SshEndpoint{m_sshd.user(), QStringLiteral("127.0.0.1"), m_sshd.port(m_main), {}, {}}};
        SshConnection connection(settings);
        const Error error = connectAndWait(connection);
        QCOMPARE(error.kind, ErrorKind::Connect);
        QVERIFY2(error.message.contains(QLatin1String("through jump host")),
                 qPrintable(error.message));
    }

    void elevenChannelsQueueBeyondTen()
    {
        SshConnection connection(settingsFor(m_main));
        QVERIFY(connectAndWait(connection).message.isEmpty());
        ProbedTransports channels;
        auto& probes = channels.probes;
        for (int i = 0; i < 11; ++i) {
            channels.add(&connection)
                ->start({QStringLiteral("sh"),
                         {QStringLiteral("-c"), QStringLiteral("sleep 0.3; echo %1").arg(i)}});
        }
        int maxActive = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&]() {
                maxActive = std::max(maxActive, connection.activeChannelCount());
                return channels.allDone();
            }(),
            15000);
        QVERIFY(maxActive <= SshConnection::MaxChannels);
        for (int i = 0; i < 11; ++i) {
            QVERIFY2(probes[size_t(i)]->finished, qPrintable(probes[size_t(i)]->error.message));
            QCOMPARE(probes[size_t(i)]->out, QByteArray::number(i) + '\n');
        }
    }

    void killedServerFailsEveryChannel()
    {
        const int server = m_sshd.startServer();
        QVERIFY(server >= 0);
        SshSettings settings = settingsFor(server);
        settings.hostKeyPolicy = HostKeyPolicy::AcceptNew;
        settings.knownHostsFile = m_sshd.dir() + QStringLiteral("/known_hosts_kill");
        SshConnection connection(settings);
        QVERIFY(connectAndWait(connection).message.isEmpty());
        ProbedTransports channels;
        auto& probes = channels.probes;
        for (int i = 0; i < 3; ++i) {
            SshTransport* transport = channels.add(&connection);
            transport->start({QStringLiteral("cat"), {}});
            transport->write(QByteArray(256 * 1024, 'x')); // mid-transfer
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(probes.begin(), probes.end(),
                                             [](const auto& p) { return p->out.size() > 0; }),
                                 10000);
        QSignalSpy lost(&connection, &SshConnection::failed);
        QElapsedTimer clock;
        clock.start();
        m_sshd.killServer(server);
        QTRY_VERIFY_WITH_TIMEOUT(channels.allDone(), 5000);
        const qint64 detectMs = clock.elapsed();
        QCOMPARE(lost.count(), 1);
        qint64 first = probes.front()->endedAtMs, last = first;
        for (const auto& probe : probes) {
            QVERIFY(probe->failed);
            QCOMPARE(probe->error.kind, ErrorKind::ConnectionLost);
            QVERIFY2(probe->error.message.contains(QLatin1String("lost")),
                     qPrintable(probe->error.message));
            first = std::min(first, probe->endedAtMs);
            last = std::max(last, probe->endedAtMs);
        }
        QVERIFY(last - first < 100); // all at once
        qInfo("server killed: every channel failed after %lld ms: %s", detectMs,
              qPrintable(probes.front()->error.message));

        SshTransport late(&connection); // a channel after the loss fails at once too
        TransportProbe lateProbe(&late);
        late.start({QStringLiteral("true"), {}});
        QTRY_VERIFY_WITH_TIMEOUT(lateProbe.failed, 1000);
    }

    void eofLongBeforeExitFinishesWithoutSpinning()
    {
        // The command closes stdout and stderr at once (the server sends EOF) and exits a second
        // later (exit status and CLOSE then arrive on their own). Nothing is left to read on the
        // channel in between, yet the CLOSE must be read, and waiting must not burn CPU.
        SshConnection connection(settingsFor(m_main));
        SshTransport transport(&connection);
        TransportProbe probe(&transport);
        transport.start({QStringLiteral("sh"),
                         {QStringLiteral("-c"), QStringLiteral("exec >&- 2>&-; sleep 1; exit 7")}});
        QTRY_VERIFY_WITH_TIMEOUT(probe.started, 10000);
        const std::clock_t cpuBefore = std::clock();
        QTRY_VERIFY_WITH_TIMEOUT(probe.done(), 8000);
        const double cpuSeconds = double(std::clock() - cpuBefore) / CLOCKS_PER_SEC;
        QVERIFY2(probe.finished, qPrintable(probe.error.message));
        QCOMPARE(probe.exit.exitCode, 7);
        QVERIFY2(cpuSeconds < 0.3, qPrintable(QStringLiteral("%1 s of CPU while waiting for the "
                                                             "exit")
                                                  .arg(cpuSeconds)));
        qInfo("EOF 1 s before the exit: finished after %lld ms, %.3f s CPU while waiting",
              probe.endedAtMs, cpuSeconds);
    }

    void writingToAnExitedCommandReportsTheExit()
    {
        // Like a pipe to a process that is gone: the data is dropped and the exit is the news,
        // never "writing failed", whichever arrives first.
        SshConnection connection(settingsFor(m_main));
        QVERIFY(connectAndWait(connection).message.isEmpty());
        ProbedTransports channels;
        auto& probes = channels.probes;
        for (int i = 0; i < 8; ++i) {
            SshTransport* transport = channels.add(&connection);
            connect(transport, &Transport::started, transport, [transport]() {
                for (int k = 0; k < 16; ++k)
                    transport->write(QByteArray(256 * 1024, 'x'));
            });
            transport->start({QStringLiteral("sh"),
                              {QStringLiteral("-c"), QStringLiteral("exec <&-; exit %1").arg(i)}});
        }
        QTRY_VERIFY_WITH_TIMEOUT(channels.allDone(), 10000);
        for (int i = 0; i < 8; ++i) {
            QVERIFY2(probes[i]->finished, qPrintable(probes[i]->error.message));
            QCOMPARE(probes[i]->exit.exitCode, i);
        }
    }

    void noDescriptorLeak()
    {
        const auto openFds = []() {
            return QDir(QStringLiteral("/proc/self/fd"))
                .entryList(QDir::NoDotAndDotDot | QDir::AllEntries)
                .size();
        };
        const qsizetype before = openFds();
        for (int i = 0; i < 3; ++i) {
            SshSettings settings = settingsFor(m_second);
            settings.jumpHosts = {SshEndpoint{
                m_sshd.user(), QStringLiteral("127.0.0.1"), m_sshd.port(m_main), {}, {}}};
            auto connection = std::make_unique<SshConnection>(settings);
            QVERIFY(connectAndWait(*connection).message.isEmpty());
            connection.reset();
            SshConnection refused(settingsFor(m_main));
            refused.disconnectFromHost();
        }
        QTRY_COMPARE_WITH_TIMEOUT(openFds(), before, 2000);
    }

    void cleanupTestCase()
    {
        const QList<qint64> pids = m_sshd.startedPids();
        QVERIFY(!pids.isEmpty());
        m_sshd.stopAll();
        for (qint64 pid : pids)
            QVERIFY2(::kill(pid_t(pid), 0) != 0,
                     qPrintable(QStringLiteral("process %1 still running").arg(pid)));
    }
};

QTEST_GUILESS_MAIN(TestSshTransport)
#include "tst_sshtransport.moc"
