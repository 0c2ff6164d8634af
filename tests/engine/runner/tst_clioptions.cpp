// hostdeck-cli call options as a user types them, through the real binary against real sshd:
// --check, --forks, --timeout, --become/--become-user, --password-stdin, and from an inventory
// a ProxyJump hop (hostdeck_jump) and become (ansible_become/ansible_become_user). Every option
// is also run without, or with another value, so the difference is the option's. (--stream and
// --ready-timeout of `call --local` are in tst_cli.)
#include "tests/engine/runner/RunnerTestUtil.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <algorithm>
#include <unistd.h>

using namespace hostdeck::test;

namespace {

struct CliRun
{
    int exitCode = -1;
    QList<QJsonObject> lines;
    QByteArray out;
    QByteArray err;
    qint64 ms = 0;

    QByteArray text() const { return out + err; }
    /// The result line of `host`.
    QJsonObject host(const QString& name) const
    {
        for (const QJsonObject& line : lines) {
            if (line.value(QStringLiteral("host")).toString() == name)
                return line;
        }
        return {};
    }
};

CliRun runCli(const QStringList& args, const QByteArray& input = {}, int timeoutMs = 60000)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("SSH_AUTH_SOCK")); // no agent: only the keys and passwords given
    process.setProcessEnvironment(env);
    QElapsedTimer clock;
    clock.start();
    process.start(builtProgram(QStringLiteral("app/hostdeck-cli")), args);
    process.write(input);
    process.closeWriteChannel();
    CliRun run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
    }
    run.ms = clock.elapsed();
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    for (const QByteArray& line : run.out.split('\n')) {
        if (!line.isEmpty())
            run.lines << QJsonDocument::fromJson(line).object();
    }
    return run;
}

QString stdoutOf(const QJsonObject& result)
{
    return result.value(QStringLiteral("value"))
        .toObject()
        .value(QStringLiteral("stdout"))
        .toString();
}

QString errorKind(const QJsonObject& result)
{
    return result.value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("kind"))
        .toString();
}

QStringList execArgs(const QStringList& argv)
{
    return {QStringLiteral("Exec.run"), QStringLiteral("--arg"),
            QStringLiteral("argv=") +
                QString::fromUtf8(
                    QJsonDocument(QJsonArray::fromStringList(argv)).toJson(QJsonDocument::Compact)),
            QStringLiteral("--arg"), QStringLiteral("stream=false")};
}

/// The largest number of [start, end] intervals that overlap at one instant.
int maxOverlap(const QList<std::pair<double, double>>& intervals)
{
    QList<std::pair<double, int>> events;
    for (const auto& [start, end] : intervals)
        events << std::pair{start, 1} << std::pair{end, -1};
    std::sort(events.begin(), events.end()); // an end sorts before a start at the same instant
    int now = 0;
    int most = 0;
    for (const auto& event : events)
        most = std::max(most, now += event.second);
    return most;
}

} // namespace

class TestCliOptions : public QObject
{
    Q_OBJECT

private:
    SshdFixture m_sshd;
    QList<int> m_servers;      ///< three plain servers
    int m_passwordServer = -1; ///< password authentication only
    int m_noForwarding = -1;   ///< AllowTcpForwarding no: useless as a jump hop
    QString m_knownHosts;
    QString m_sshConfig;
    QString m_emptyConfig;
    QString m_work; ///< a folder the login user can write
    const QString m_dropIn = QStringLiteral("/etc/sudoers.d/hostdeck-test-cli-%1").arg(::getpid());

    QStringList common() const
    {
        return {QStringLiteral("--ssh-config"),      m_sshConfig,
                QStringLiteral("--known-hosts"),     m_knownHosts,
                QStringLiteral("--identity"),        m_sshd.clientKey(),
                QStringLiteral("--connect-timeout"), QStringLiteral("5")};
    }

    void writeSudoers(const QString& rules)
    {
        QFile file(m_dropIn);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(rules.toUtf8() + '\n');
        file.close();
        QFile::setPermissions(m_dropIn, QFile::ReadOwner | QFile::ReadGroup);
        QProcess visudo;
        visudo.start(QStringLiteral("visudo"), {QStringLiteral("-cqf"), m_dropIn});
        QVERIFY(visudo.waitForFinished(20000) && visudo.exitCode() == 0);
    }

private slots:
    void initTestCase()
    {
        const QString error = m_sshd.setUp();
        if (!error.isEmpty())
            QFAIL(qPrintable(error));
        QStringList known;
        for (int i = 0; i < 3; ++i) {
            m_servers << m_sshd.startServer();
            QVERIFY2(m_servers.last() >= 0, qPrintable(m_sshd.lastError()));
        }
        SshdOptions passwordOnly;
        passwordOnly.extraConfig = {QStringLiteral("AuthenticationMethods password")};
        m_passwordServer = m_sshd.startServer(passwordOnly);
        SshdOptions noForwarding;
        noForwarding.tcpForwarding = false;
        m_noForwarding = m_sshd.startServer(noForwarding);
        QVERIFY2(m_passwordServer >= 0 && m_noForwarding >= 0, qPrintable(m_sshd.lastError()));
        for (int server :
             {m_servers[0], m_servers[1], m_servers[2], m_passwordServer, m_noForwarding})
            known << m_sshd.knownHostsLine(server);
        m_knownHosts = m_sshd.writeFile(QStringLiteral("known_hosts"), known);
        // Six aliases on three servers (each alias its own connection).
        QStringList config;
        for (int i = 0; i < 6; ++i)
            config << QStringLiteral("Host h%1").arg(i) << QStringLiteral("    HostName 127.0.0.1")
                   << QStringLiteral("    Port %1").arg(m_sshd.port(m_servers[i % 3]))
                   << QStringLiteral("    User ") + m_sshd.user();
        m_sshConfig = m_sshd.writeFile(QStringLiteral("ssh_config"), config);
        m_emptyConfig = m_sshd.writeFile(QStringLiteral("empty_config"), {});
        m_work = m_sshd.dir() + QStringLiteral("/work");
        QVERIFY(QDir().mkpath(m_work));
        QVERIFY(QFile::setPermissions(m_work, QFileDevice::Permissions(0x7777)));
    }

    void checkModeChangesNothing()
    {
        const QString path = m_work + QStringLiteral("/checked.txt");
        const QStringList write{QStringLiteral("FileSystem.write"), QStringLiteral("--arg"),
                                QStringLiteral("path=") + path, QStringLiteral("--arg"),
                                QStringLiteral("content=written")};
        const QStringList base =
            QStringList{QStringLiteral("call"), QStringLiteral("-H"), QStringLiteral("h0")} +
            common();
        const CliRun dry = runCli(base + QStringList{QStringLiteral("--check")} + write);
        QVERIFY2(dry.exitCode == 0, dry.text().constData());
        const QJsonObject result = dry.host(QStringLiteral("h0"));
        QVERIFY(result.value(QStringLiteral("ok")).toBool());
        QVERIFY2(result.value(QStringLiteral("value"))
                     .toObject()
                     .value(QStringLiteral("changed"))
                     .toBool(),
                 dry.out.constData()); // it says what it would do
        QVERIFY2(!QFile::exists(path), "--check wrote the file");
        const CliRun real = runCli(base + write);
        QVERIFY2(real.exitCode == 0, real.text().constData());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("written"));
    }

    void forksBoundsHostsInFlight_data()
    {
        QTest::addColumn<int>("forks");
        QTest::newRow("2") << 2;
        QTest::newRow("6") << 6;
    }
    void forksBoundsHostsInFlight()
    {
        QFETCH(int, forks);
        // Each host reports when its call started and ended (the hosts share this clock).
        const QString script =
            QStringLiteral("import time;a=time.time();time.sleep(1.0);print(a,time.time())");
        const CliRun run =
            runCli(QStringList{QStringLiteral("call"), QStringLiteral("-H"),
                               QStringLiteral("h0,h1,h2,h3,h4,h5"), QStringLiteral("--forks"),
                               QString::number(forks)} +
                   common() +
                   execArgs({QStringLiteral("/usr/bin/python3"), QStringLiteral("-c"), script}));
        QVERIFY2(run.exitCode == 0, run.text().constData());
        QList<std::pair<double, double>> intervals;
        for (int i = 0; i < 6; ++i) {
            const QStringList stamps =
                stdoutOf(run.host(QStringLiteral("h%1").arg(i))).trimmed().split(u' ');
            QCOMPARE(stamps.size(), 2);
            intervals << std::pair{stamps[0].toDouble(), stamps[1].toDouble()};
        }
        const int overlap = maxOverlap(intervals);
        qInfo("--forks %d: at most %d calls at once, %lld ms", forks, overlap, run.ms);
        QVERIFY2(overlap <= forks, qPrintable(QString::number(overlap)));
        // And the limit is what held them back: 2 run side by side, 6 more than 2.
        QVERIFY2(forks == 2 ? overlap == 2 : overlap > 2, qPrintable(QString::number(overlap)));
    }

    void timeoutEndsTheCall()
    {
        const QString duration = QStringLiteral("30.%1").arg(::getpid());
        const CliRun run =
            runCli(QStringList{QStringLiteral("call"), QStringLiteral("-H"), QStringLiteral("h1"),
                               QStringLiteral("--timeout"), QStringLiteral("1")} +
                   common() + execArgs({QStringLiteral("sleep"), duration}));
        QCOMPARE(run.exitCode, 1);
        const QJsonObject result = run.host(QStringLiteral("h1"));
        QVERIFY2(!result.value(QStringLiteral("ok")).toBool(), run.out.constData());
        QCOMPARE(errorKind(result), QStringLiteral("timeout"));
        QVERIFY2(run.ms < 10000, qPrintable(QString::number(run.ms)));
        QTRY_VERIFY_WITH_TIMEOUT(processesWithArgv({"sleep", duration.toLatin1()}).isEmpty(), 5000);
        // Without the option the same call is not cut short at 1 s.
        const CliRun longer =
            runCli(QStringList{QStringLiteral("call"), QStringLiteral("-H"), QStringLiteral("h1")} +
                   common() + execArgs({QStringLiteral("sleep"), QStringLiteral("1.5")}));
        QVERIFY2(longer.exitCode == 0, longer.text().constData());
    }

    void becomeAndBecomeUser_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("user");
        QTest::newRow("none") << QStringList{} << m_sshd.user();
        QTest::newRow("--become") << QStringList{QStringLiteral("--become")}
                                  << QStringLiteral("root");
        QTest::newRow("--become-user nobody")
            << QStringList{QStringLiteral("--become-user"), QStringLiteral("nobody")}
            << QStringLiteral("nobody");
    }
    void becomeAndBecomeUser()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, user);
        writeSudoers(QStringLiteral("%1 ALL=(ALL) NOPASSWD: ALL").arg(m_sshd.user()));
        const CliRun run =
            runCli(QStringList{QStringLiteral("call"), QStringLiteral("-H"), QStringLiteral("h2")} +
                   options + common() + execArgs({QStringLiteral("id"), QStringLiteral("-un")}));
        QFile::remove(m_dropIn);
        QVERIFY2(run.exitCode == 0, run.text().constData());
        QCOMPARE(stdoutOf(run.host(QStringLiteral("h2"))), user + u'\n');
    }

    void passwordFromStdin()
    {
        // The server takes passwords only, no --identity is given and no agent is there: the
        // line on stdin is the only way in, and with sudo asking for it, the way to root.
        writeSudoers(QStringLiteral("Defaults:%1 timestamp_timeout=0, !lecture\n%1 ALL=(ALL) ALL")
                         .arg(m_sshd.user()));
        const QString host =
            QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port(m_passwordServer));
        const QStringList base{QStringLiteral("call"),
                               QStringLiteral("-H"),
                               host,
                               QStringLiteral("--ssh-config"),
                               m_emptyConfig,
                               QStringLiteral("--known-hosts"),
                               m_knownHosts,
                               QStringLiteral("--connect-timeout"),
                               QStringLiteral("5"),
                               QStringLiteral("--password-stdin")};
        const QStringList idCall = execArgs({QStringLiteral("id"), QStringLiteral("-un")});
        const CliRun run = runCli(base + idCall, m_sshd.password() + '\n');
        QVERIFY2(run.exitCode == 0, run.text().constData());
        QCOMPARE(stdoutOf(run.lines.value(0)), m_sshd.user() + u'\n');
        const CliRun root = runCli(base + QStringList{QStringLiteral("--become")} + idCall,
                                   m_sshd.password() + '\n');
        QFile::remove(m_dropIn);
        QVERIFY2(root.exitCode == 0, root.text().constData());
        QCOMPARE(stdoutOf(root.lines.value(0)), QStringLiteral("root\n"));
        const CliRun wrong = runCli(base + idCall, "not-the-password\n");
        QCOMPARE(wrong.exitCode, 1);
        QCOMPARE(errorKind(wrong.lines.value(0)), QStringLiteral("auth"));
        QVERIFY(!run.text().contains(m_sshd.password()));
    }

    void inventoryJumpAndBecome()
    {
        writeSudoers(QStringLiteral("%1 ALL=(ALL) NOPASSWD: ALL").arg(m_sshd.user()));
        const auto hop = [this](int server) {
            return QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port(server));
        };
        const QString target = QString::number(m_sshd.port(m_servers[0]));
        QStringList yaml{QStringLiteral("all:"),
                         QStringLiteral("  vars:"),
                         QStringLiteral("    ansible_user: ") + m_sshd.user(),
                         QStringLiteral("    ansible_ssh_private_key_file: ") + m_sshd.clientKey(),
                         QStringLiteral("    ansible_python_interpreter: /usr/bin/python3"),
                         QStringLiteral("    ansible_host: 127.0.0.1"),
                         QStringLiteral("    ansible_port: ") + target,
                         QStringLiteral("  hosts:"),
                         QStringLiteral("    viajump:"),
                         QStringLiteral("      hostdeck_jump: ") + hop(m_servers[1]),
                         QStringLiteral("    blockedjump:"),
                         QStringLiteral("      hostdeck_jump: ") + hop(m_noForwarding),
                         QStringLiteral("    asnobody:"),
                         QStringLiteral("      ansible_become: true"),
                         QStringLiteral("      ansible_become_user: nobody"),
                         QStringLiteral("    asroot:"),
                         QStringLiteral("      ansible_become: true"),
                         QStringLiteral("    jumpandroot:"),
                         QStringLiteral("      hostdeck_jump: ") + hop(m_servers[2]),
                         QStringLiteral("      ansible_become: true")};
        const QString inventory = m_sshd.writeFile(QStringLiteral("jump.yml"), yaml);
        // A hop that is not an inventory host is dialled as `ssh -J` dials it: with the OpenSSH
        // config for its address, not the target's inventory key.
        const QString hopConfig = m_sshd.writeFile(
            QStringLiteral("hop_config"), {QStringLiteral("Host 127.0.0.1"),
                                           QStringLiteral("  IdentityFile ") + m_sshd.clientKey()});
        const CliRun run = runCli(
            QStringList{QStringLiteral("call"), QStringLiteral("-i"), inventory,
                        QStringLiteral("-l"), QStringLiteral("all"), QStringLiteral("--ssh-config"),
                        hopConfig, QStringLiteral("--known-hosts"), m_knownHosts,
                        QStringLiteral("--connect-timeout"), QStringLiteral("5")} +
            execArgs({QStringLiteral("id"), QStringLiteral("-un")}));
        QFile::remove(m_dropIn);
        QCOMPARE(run.exitCode, 1); // blockedjump fails
        QVERIFY2(stdoutOf(run.host(QStringLiteral("viajump"))) == m_sshd.user() + u'\n',
                 run.text().constData());
        QCOMPARE(stdoutOf(run.host(QStringLiteral("asnobody"))), QStringLiteral("nobody\n"));
        QCOMPARE(stdoutOf(run.host(QStringLiteral("asroot"))), QStringLiteral("root\n"));
        QCOMPARE(stdoutOf(run.host(QStringLiteral("jumpandroot"))), QStringLiteral("root\n"));
        // The same target behind a hop that refuses to forward: the hop is really on the way.
        const QJsonObject blocked = run.host(QStringLiteral("blockedjump"));
        QVERIFY2(!blocked.isEmpty() && !blocked.value(QStringLiteral("ok")).toBool(),
                 run.out.constData());
        QVERIFY2(errorKind(blocked) == QStringLiteral("connect"), run.out.constData());
    }

    void cleanupTestCase()
    {
        QFile::remove(m_dropIn);
        m_sshd.stopAll();
        QTRY_VERIFY_WITH_TIMEOUT(processesOfThisRunWithInCmdline(QByteArray("HOSTDECK-")).isEmpty(),
                                 5000);
    }
};

QTEST_GUILESS_MAIN(TestCliOptions)
#include "tst_clioptions.moc"
