// Become (sudo) and bootstrap robustness against real sshd: NOPASSWD, password, wrong password,
// not in sudoers, the password never on a command line or in a log; login banner and rc noise.
#include "RunnerTestUtil.h"

#include <QLoggingCategory>
#include <QProcess>
#include <QTimer>

#include <unistd.h>

using namespace hostdeck::engine;
using namespace hostdeck::test;
using namespace std::chrono_literals;

namespace {
QStringList g_log; ///< every message logged while the tests run
void collectMessage(QtMsgType, const QMessageLogContext& context, const QString& message)
{
    g_log << QString::fromLatin1(context.category ? context.category : "") + u' ' + message;
}

QString runCommand(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(20000);
    return p.exitCode() == 0 ? QString()
                             : QString::fromLocal8Bit(p.readAllStandardError()) + program;
}

/// The real uid of a local process (the fixture's hosts are this machine).
int uidOf(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("Uid:"))
            return line.mid(4).simplified().split(' ').value(0).toInt();
    }
    return -1;
}
} // namespace

class TestBecome : public QObject
{
    Q_OBJECT

private:
    SshdFixture m_sshd;
    int m_server = -1;
    int m_bannerServer = -1;
    QString m_knownHosts;
    const QString m_dropIn = QStringLiteral("/etc/sudoers.d/hostdeck-test-%1").arg(::getpid());
    // Its own name per run (SshdFixture deletes leftovers of dead runs named hdtest-PID-...):
    // tests running at the same time must not create and delete the same user.
    const QString m_noisyUser = QStringLiteral("hdtest-%1-noisy").arg(::getpid());

    void writeSudoers(const QString& rules)
    {
        QFile file(m_dropIn);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(rules.toUtf8() + '\n');
        file.close();
        QFile::setPermissions(m_dropIn, QFile::ReadOwner | QFile::ReadGroup);
        QVERIFY(runCommand(QStringLiteral("visudo"), {QStringLiteral("-cqf"), m_dropIn}).isEmpty());
    }

    HostTarget becomeTarget(const QString& name) const
    {
        HostTarget target = sshTarget(m_sshd, m_server, m_knownHosts, name);
        target.become = true;
        return target;
    }

    std::unique_ptr<SessionPool> m_pool;

    HostResult runPid(const HostTarget& target,
                      std::shared_ptr<StaticCredentialProvider> credentials = {})
    {
        // The pool outlives the call (until the next one): the agent is still there to look at.
        m_pool = makeTestPool(credentials);
        auto& pool = m_pool;
        Run run(1, callRun({target}, makeCall(QStringLiteral("Probe"), QStringLiteral("pid"))),
                pool.get(), nullptr);
        RunRecorder rec(&run);
        run.start();
        [&]() { QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 20000); }();
        // The agent's uid while its session is still open (the pool closes it on the way out,
        // after which /proc no longer has the process).
        const HostResult result = rec.results.value(0);
        m_lastUid = result.ok ? uidOf(result.value.toInteger()) : -1;
        return result;
    }
    int m_lastUid = -1; ///< uid of the agent of the last runPid()

    /// The become password as the keychain would give it: asked for by host, kind sudo.
    static std::shared_ptr<StaticCredentialProvider> withPassword(const QByteArray& password)
    {
        auto credentials = std::make_shared<StaticCredentialProvider>();
        credentials->setSecret(CredentialKind::SudoPassword, SecretBuffer(password));
        return credentials;
    }

private slots:
    void initTestCase()
    {
        const QString error = m_sshd.setUp();
        if (!error.isEmpty())
            QFAIL(qPrintable(error));
        const QString banner = m_sshd.writeFile(QStringLiteral("banner"),
                                                {QStringLiteral("*** Authorized use only ***"),
                                                 QStringLiteral("HOSTDECK-READY 9 fake 1")});
        m_server = m_sshd.startServer();
        SshdOptions bannerOptions;
        bannerOptions.extraConfig = {QStringLiteral("Banner ") + banner};
        m_bannerServer = m_sshd.startServer(bannerOptions);
        QVERIFY2(m_server >= 0 && m_bannerServer >= 0, qPrintable(m_sshd.lastError()));
        m_knownHosts = m_sshd.writeFile(
            QStringLiteral("known_hosts"),
            {m_sshd.knownHostsLine(m_server), m_sshd.knownHostsLine(m_bannerServer)});
        QLoggingCategory::setFilterRules(QStringLiteral("hostdeck.*=true"));
        qInstallMessageHandler(collectMessage);
    }

    void cleanup()
    {
        m_pool.reset();
        QFile::remove(m_dropIn);
    }

    void becomeWithoutPassword()
    {
        writeSudoers(m_sshd.user() + QStringLiteral(" ALL=(ALL) NOPASSWD: ALL"));
        const HostResult r = runPid(becomeTarget(QStringLiteral("nopasswd")));
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(m_lastUid, 0);
    }

    void becomeWithPassword()
    {
        writeSudoers(QStringLiteral("Defaults:%1 timestamp_timeout=0, !lecture\n%1 ALL=(ALL) ALL")
                         .arg(m_sshd.user()));
        // Watch every process's command line while the run goes on.
        QStringList leaks;
        QTimer scanner;
        connect(&scanner, &QTimer::timeout, this,
                [&] { leaks << processesWithInCmdline(m_sshd.password()); });
        scanner.start(5);
        g_log.clear();
        const HostResult r =
            runPid(becomeTarget(QStringLiteral("passwd")), withPassword(m_sshd.password()));
        scanner.stop();
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(m_lastUid, 0);
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u',')));
        QVERIFY(!g_log.isEmpty()); // debug logging was on
        QVERIFY(!g_log.join(u'\n').contains(QString::fromLatin1(m_sshd.password())));

        // A password-less configuration against a sudo that asks: a clear error, not a hang.
        const HostResult none = runPid(becomeTarget(QStringLiteral("nopass")));
        QVERIFY(!none.ok);
        QCOMPARE(none.error.kind, ErrorKind::Become);
        QVERIFY2(none.error.message.contains(QStringLiteral("asks for a password")),
                 qPrintable(none.error.message));
    }

    void wrongSudoPassword()
    {
        writeSudoers(QStringLiteral("Defaults:%1 timestamp_timeout=0, !lecture\n%1 ALL=(ALL) ALL")
                         .arg(m_sshd.user()));
        const HostResult r =
            runPid(becomeTarget(QStringLiteral("wrong")), withPassword("not-the-password"));
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, ErrorKind::Become);
        QVERIFY2(r.error.message.contains(QStringLiteral("wrong sudo password")),
                 qPrintable(r.error.message));
    }

    void notInSudoers()
    {
        QVERIFY(!QFile::exists(m_dropIn));
        const HostResult r =
            runPid(becomeTarget(QStringLiteral("refused")), withPassword(m_sshd.password()));
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, ErrorKind::Become);
        QVERIFY2(r.error.message.contains(QStringLiteral("sudo refused")),
                 qPrintable(r.error.message));
        QVERIFY2(r.error.message.contains(QStringLiteral("sudoers")), qPrintable(r.error.message));
        QVERIFY(!r.error.message.contains(QString::fromLatin1(m_sshd.password())));
    }

    void bannerAndRcNoise()
    {
        // A user whose shell is bash with rc files that print (bash reads ~/.bashrc for sshd
        // commands).
        runCommand(QStringLiteral("userdel"), {QStringLiteral("-r"), m_noisyUser});
        QVERIFY(runCommand(QStringLiteral("useradd"),
                           {QStringLiteral("-m"), QStringLiteral("-k"), QStringLiteral("/dev/null"),
                            QStringLiteral("-s"), QStringLiteral("/bin/bash"), m_noisyUser})
                    .isEmpty());
        QVERIFY(runCommand(QStringLiteral("usermod"),
                           {QStringLiteral("-p"), QStringLiteral("*"), m_noisyUser})
                    .isEmpty());
        const QString home = QStringLiteral("/home/") + m_noisyUser;
        for (const QString& rc : {QStringLiteral("/.bashrc"), QStringLiteral("/.profile"),
                                  QStringLiteral("/.bash_profile")}) {
            QFile file(home + rc);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("echo 'rc noise on stdout'; echo; echo 'rc noise on stderr' >&2\n");
        }
        HostTarget target =
            sshTarget(m_sshd, m_bannerServer, m_knownHosts, QStringLiteral("noisy"));
        target.ssh.user = m_noisyUser;
        auto pool = makeTestPool();
        Run run(1, callRun({target}, makeCall(QStringLiteral("Probe"), QStringLiteral("pid"))),
                pool.get(), nullptr);
        RunRecorder rec(&run);
        run.start();
        QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 20000);
        const HostResult r = rec.results.value(0);
        QVERIFY2(r.ok, qPrintable(r.error.message));
        // `exec python3`: the agent replaced the shell, its parent is sshd's session process.
        QFile stat(QStringLiteral("/proc/%1/stat").arg(r.value.toInteger()));
        QVERIFY(stat.open(QIODevice::ReadOnly));
        const qint64 parent =
            stat.readAll().split(')').value(1).simplified().split(' ').value(1).toLongLong();
        QFile comm(QStringLiteral("/proc/%1/comm").arg(parent));
        QVERIFY(comm.open(QIODevice::ReadOnly));
        QCOMPARE(comm.readAll().trimmed(), QByteArray("sshd"));
        pool.reset();
        QTRY_VERIFY_WITH_TIMEOUT(
            !QFile::exists(QStringLiteral("/proc/%1").arg(r.value.toInteger())), 5000);
    }

    void cleanupTestCase()
    {
        qInstallMessageHandler(nullptr);
        QFile::remove(m_dropIn);
        m_sshd.stopAll();
        QTRY_VERIFY_WITH_TIMEOUT(processesOfThisRunWithInCmdline(QByteArray("HOSTDECK-")).isEmpty(),
                                 5000);
        // The user goes last, when none of its processes is left (userdel refuses otherwise).
        QTRY_VERIFY_WITH_TIMEOUT(
            runCommand(QStringLiteral("userdel"), {QStringLiteral("-r"), m_noisyUser}).isEmpty() ||
                runCommand(QStringLiteral("id"), {m_noisyUser}).size() > 0,
            5000);
    }
};

QTEST_GUILESS_MAIN(TestBecome)
#include "tst_become.moc"
