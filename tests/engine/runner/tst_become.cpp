// Become against real sshd, sudo and su: sudo NOPASSWD, with a password, a wrong one, a user not
// in sudoers, sudo to a user other than root; su to a user and to root with the password typed
// into su's pseudo-terminal, a wrong su password (and how long it takes), su asking when no
// password is configured, su on the local machine; secrets never on a command line, in an
// environment or in a log; login banner and rc noise.
//
// The test logs in as its own user (hdbecome), not the sshd fixture's shared one: every fixture
// makes up a new password for that user, so tests running at once would change it under each
// other's sudo. su to root needs root's password: the test runs in a private mount namespace and
// bind-mounts a copy of /etc/shadow in which root has a known password, seen only by this process
// and its children (sshd, su); the machine's root password is never touched.
#include "tests/engine/runner/RunnerTestUtil.h"
#include "tests/support/TestUser.h"

#include <QLoggingCategory>
#include <QProcess>
#include <QTimer>

#include <cstdio>

#include <sched.h>
#include <sys/mount.h>
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

QString g_namespaceError; ///< why the private mount namespace could not be made, if it could not

QString privateMounts()
{
    if (::unshare(CLONE_NEWNS) != 0)
        return QStringLiteral("unshare(CLONE_NEWNS): %1")
            .arg(QString::fromLocal8Bit(strerror(errno)));
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return QStringLiteral("mount --make-rprivate /: %1")
            .arg(QString::fromLocal8Bit(strerror(errno)));
    return {};
}

/// Processes of this test with `needle` on their command line: those in its mount namespace
/// (sshd, the sessions, su and the agents it started), not other tests' running at the same time.
QStringList ownProcessesWithInCmdline(const QByteArray& needle)
{
    const QString own = QFile::symLinkTarget(QStringLiteral("/proc/self/ns/mnt"));
    QStringList hits;
    for (const QString& pid : processesWithInCmdline(needle)) {
        if (!g_namespaceError.isEmpty() ||
            QFile::symLinkTarget(QStringLiteral("/proc/%1/ns/mnt").arg(pid)) == own)
            hits << pid;
    }
    return hits;
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

/// Pids whose /proc/PID/environ contains `needle`.
QStringList processesWithInEnviron(const QByteArray& needle)
{
    QStringList hits;
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        if (entry.toLongLong() <= 0)
            continue;
        QFile environ(QStringLiteral("/proc/%1/environ").arg(entry));
        if (environ.open(QIODevice::ReadOnly) && environ.readAll().contains(needle))
            hits << entry;
    }
    return hits;
}
} // namespace

class TestBecome : public QObject
{
    Q_OBJECT

private:
    SshdFixture m_sshd;
    TestUser m_login{QStringLiteral("hdbecome")}; ///< logs in over SSH; sudo asks for its password
    TestUser m_target{QStringLiteral("hdsu")};    ///< su and sudo -u become it
    int m_server = -1;
    int m_bannerServer = -1;
    QString m_knownHosts;
    QString m_shadowCopy;
    bool m_shadowMounted = false;
    const QString m_dropIn = QStringLiteral("/etc/sudoers.d/hostdeck-test-%1").arg(::getpid());
    TestUser m_noisy{QStringLiteral("hdnoisy")};
    std::unique_ptr<SessionPool> m_pool;

    void writeSudoers(const QString& rules)
    {
        QFile file(m_dropIn);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(rules.toUtf8() + '\n');
        file.close();
        QFile::setPermissions(m_dropIn, QFile::ReadOwner | QFile::ReadGroup);
        QVERIFY(
            TestUser::run(QStringLiteral("visudo"), {QStringLiteral("-cqf"), m_dropIn}).isEmpty());
    }

    void sudoWithPassword()
    {
        writeSudoers(QStringLiteral("Defaults:%1 timestamp_timeout=0, !lecture\n%1 ALL=(ALL) ALL")
                         .arg(m_login.name()));
    }

    HostTarget becomeTarget(const QString& name, BecomeMethod method = BecomeMethod::Sudo,
                            const QString& user = {}) const
    {
        HostTarget target = sshTarget(m_sshd, m_server, m_knownHosts, name);
        target.ssh.user = m_login.name();
        target.become = true;
        target.becomeMethod = method;
        target.becomeUser = user;
        return target;
    }

    HostResult runCall(const HostTarget& target, const CallRequest& call,
                       std::shared_ptr<StaticCredentialProvider> credentials = {})
    {
        // The pool outlives the call (until the next one): the agent is still there to look at.
        m_pool = makeTestPool(credentials);
        Run run(1, callRun({target}, call), m_pool.get(), nullptr);
        RunRecorder rec(&run);
        run.start();
        [&]() { QTRY_VERIFY_WITH_TIMEOUT(rec.finished, 30000); }();
        return rec.results.value(0);
    }

    HostResult runPid(const HostTarget& target,
                      std::shared_ptr<StaticCredentialProvider> credentials = {})
    {
        return runCall(target, makeCall(QStringLiteral("Probe"), QStringLiteral("pid")),
                       std::move(credentials));
    }

    /// The become password as the keychain would give it: asked for by host, kind sudo.
    static std::shared_ptr<StaticCredentialProvider> withPassword(const QByteArray& password)
    {
        auto credentials = std::make_shared<StaticCredentialProvider>();
        credentials->setSecret(CredentialKind::SudoPassword, SecretBuffer(password));
        return credentials;
    }

    /// Runs `target` while watching every process's command line and environment for `secret`.
    HostResult runWatched(const HostTarget& target, const QByteArray& secret,
                          std::shared_ptr<StaticCredentialProvider> credentials, QStringList* leaks)
    {
        QTimer scanner;
        connect(&scanner, &QTimer::timeout, this, [&] {
            for (const QString& pid : processesWithInCmdline(secret))
                *leaks << pid + QStringLiteral(":cmdline");
            for (const QString& pid : processesWithInEnviron(secret))
                *leaks << pid + QStringLiteral(":environ");
        });
        scanner.start(5);
        g_log.clear();
        const HostResult r = runPid(target, std::move(credentials));
        scanner.stop();
        return r;
    }

    /// Nothing of a become attempt is left running: the su stage, su, the agent.
    void verifyNothingLeft()
    {
        m_pool.reset();
        QTRY_VERIFY_WITH_TIMEOUT(ownProcessesWithInCmdline(QByteArray("HOSTDECK-SU-")).isEmpty(),
                                 10000);
        QTRY_VERIFY_WITH_TIMEOUT(ownProcessesWithInCmdline(QByteArray("HOSTDECK-LOADER")).isEmpty(),
                                 10000);
    }

private slots:
    void initTestCase()
    {
        const QString error = m_sshd.setUp();
        if (!error.isEmpty())
            QFAIL(qPrintable(error));
        QVERIFY2(m_login.create().isEmpty(), "cannot create the login user");
        QVERIFY2(m_target.create().isEmpty(), "cannot create the become user");
        // The login user's home is closed to others: an agent started as another user cannot
        // enter the directory it starts in.
        QVERIFY(QFile::setPermissions(m_login.home(),
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
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
        if (m_shadowMounted && ::umount2("/etc/shadow", 0) == 0)
            m_shadowMounted = false;
    }

    void becomeWithoutPassword()
    {
        writeSudoers(m_login.name() + QStringLiteral(" ALL=(ALL) NOPASSWD: ALL"));
        const HostResult r = runPid(becomeTarget(QStringLiteral("nopasswd")));
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(uidOf(r.value.toInteger()), 0);
    }

    void becomeWithPassword()
    {
        sudoWithPassword();
        QStringList leaks;
        auto credentials = withPassword(m_login.password());
        const HostResult r = runWatched(becomeTarget(QStringLiteral("passwd")), m_login.password(),
                                        credentials, &leaks);
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(uidOf(r.value.toInteger()), 0);
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u',')));
        QVERIFY(!g_log.isEmpty()); // debug logging was on
        QVERIFY(!g_log.join(u'\n').contains(QString::fromLatin1(m_login.password())));
        // sudo wants the login user's own password: that is what the request names.
        QCOMPARE(credentials->requests().size(), 1);
        QCOMPARE(credentials->requests().at(0).user, m_login.name());

        // A password-less configuration against a sudo that asks: a clear error, not a hang.
        const HostResult none = runPid(becomeTarget(QStringLiteral("nopass")));
        QVERIFY(!none.ok);
        QCOMPARE(none.error.kind, ErrorKind::Become);
        QVERIFY2(none.error.message.contains(QStringLiteral("asks for a password")),
                 qPrintable(none.error.message));
    }

    void wrongSudoPassword()
    {
        sudoWithPassword();
        auto credentials = withPassword("not-the-password");
        const HostResult r = runPid(becomeTarget(QStringLiteral("wrong")), credentials);
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, ErrorKind::Become);
        QVERIFY2(r.error.message.contains(QStringLiteral("wrong sudo password")),
                 qPrintable(r.error.message));
        QCOMPARE(credentials->rejectedCount(), 1); // the keychain asks anew next time
    }

    void notInSudoers()
    {
        QVERIFY(!QFile::exists(m_dropIn));
        const HostResult r =
            runPid(becomeTarget(QStringLiteral("refused")), withPassword(m_login.password()));
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, ErrorKind::Become);
        QVERIFY2(r.error.message.contains(QStringLiteral("sudo refused")),
                 qPrintable(r.error.message));
        QVERIFY2(r.error.message.contains(QStringLiteral("sudoers")), qPrintable(r.error.message));
        QVERIFY(!r.error.message.contains(QString::fromLatin1(m_login.password())));
    }

    void sudoToAnotherUser()
    {
        sudoWithPassword();
        HostTarget target =
            becomeTarget(QStringLiteral("sudo-user"), BecomeMethod::Sudo, m_target.name());
        const HostResult r = runPid(target, withPassword(m_login.password()));
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(uidOf(r.value.toInteger()), m_target.uid());
        // The agent started in the login user's home, which its user may not enter: commands
        // still run in a directory they can read (the become user's home).
        const HostResult pwd =
            runCall(target,
                    execCall({QStringLiteral("sh"), QStringLiteral("-c"),
                              QStringLiteral("id -un; pwd; ls . >/dev/null && echo ok")}),
                    withPassword(m_login.password()));
        QVERIFY2(pwd.ok, qPrintable(pwd.error.message));
        QCOMPARE(pwd.value.toObject().value(QStringLiteral("stdout")).toString(),
                 m_target.name() + u'\n' + m_target.home() + QStringLiteral("\nok\n"));
    }

    void suToUser()
    {
        QStringList leaks;
        auto credentials = withPassword(m_target.password());
        QElapsedTimer clock;
        clock.start();
        const HostResult r =
            runWatched(becomeTarget(QStringLiteral("su-user"), BecomeMethod::Su, m_target.name()),
                       m_target.password(), credentials, &leaks);
        std::fprintf(stderr, "figure: su to a user with its password: first result after %lld ms\n",
                     clock.elapsed());
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(uidOf(r.value.toInteger()), m_target.uid());
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u',')));
        QVERIFY(!g_log.join(u'\n').contains(QString::fromLatin1(m_target.password())));
        // su wants the password of the user it becomes.
        QCOMPARE(credentials->requests().size(), 1);
        QCOMPARE(credentials->requests().at(0).user, m_target.name());
        QVERIFY2(credentials->requests().at(0).prompt.contains(QStringLiteral("su to hdsu")),
                 qPrintable(credentials->requests().at(0).prompt));
        // The agent is su's grandchild (su -> the user's shell, replaced by python): su stays.
        QFile stat(QStringLiteral("/proc/%1/stat").arg(r.value.toInteger()));
        QVERIFY(stat.open(QIODevice::ReadOnly));
        const qint64 parent =
            stat.readAll().split(')').value(1).simplified().split(' ').value(1).toLongLong();
        QFile comm(QStringLiteral("/proc/%1/comm").arg(parent));
        QVERIFY(comm.open(QIODevice::ReadOnly));
        QCOMPARE(comm.readAll().trimmed(), QByteArray("su"));
        verifyNothingLeft();
    }

    void wrongSuPassword()
    {
        auto credentials = withPassword("not-the-password");
        QElapsedTimer clock;
        clock.start();
        const HostResult r =
            runPid(becomeTarget(QStringLiteral("su-wrong"), BecomeMethod::Su, m_target.name()),
                   credentials);
        const qint64 elapsed = clock.elapsed();
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, ErrorKind::Become);
        QCOMPARE(r.status, HostStatus::Unreachable);
        QVERIFY2(r.error.message.startsWith(
                     QStringLiteral("su to hdsu on hdbecome@127.0.0.1:%1 failed: ")
                         .arg(m_sshd.port(m_server))),
                 qPrintable(r.error.message));
        QVERIFY2(r.error.message.contains(QStringLiteral("Authentication failure")),
                 qPrintable(r.error.message));
        QCOMPARE(credentials->rejectedCount(), 1);
        // PAM's delay after a failed password (pam_unix: about 2 s) dominates.
        std::fprintf(stderr,
                     "figure: wrong su password: error after %lld ms (connect, su's prompt, "
                     "PAM's fail delay)\n",
                     elapsed);
        QVERIFY2(elapsed < 10000, qPrintable(QString::number(elapsed)));
        verifyNothingLeft();
    }

    void suAsksWithoutPassword()
    {
        // No become password anywhere: a clear error at su's prompt, and su (still waiting for
        // a password) goes away with the stage.
        const HostResult r =
            runPid(becomeTarget(QStringLiteral("su-none"), BecomeMethod::Su, m_target.name()),
                   std::make_shared<StaticCredentialProvider>());
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, ErrorKind::Become);
        QVERIFY2(r.error.message.contains(
                     QStringLiteral("su to hdsu on hdbecome@127.0.0.1:%1 asks for a password and "
                                    "none is configured")
                         .arg(m_sshd.port(m_server))),
                 qPrintable(r.error.message));
        verifyNothingLeft(); // the stage and su both carry HOSTDECK- on their command line
    }

    void suUserThatDoesNotExist()
    {
        const HostResult r = runPid(becomeTarget(QStringLiteral("su-nobody"), BecomeMethod::Su,
                                                 QStringLiteral("hd-no-such-user")),
                                    withPassword("x"));
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, ErrorKind::Become);
        QVERIFY2(r.error.message.contains(QStringLiteral("hd-no-such-user")) &&
                     r.error.message.contains(QStringLiteral("does not exist")),
                 qPrintable(r.error.message));
        // A name su would read as an option is refused before anything starts.
        const HostResult option = runPid(
            becomeTarget(QStringLiteral("su-option"), BecomeMethod::Su, QStringLiteral("-c")),
            withPassword("x"));
        QCOMPARE(option.error.kind, ErrorKind::InvalidArgument);
    }

    void suToRoot()
    {
        if (!g_namespaceError.isEmpty())
            QFAIL(qPrintable(QStringLiteral("no private mount namespace for root's password: ") +
                             g_namespaceError));
        // root's password in this namespace only: the become user's hash in a copy of shadow.
        QFile shadow(QStringLiteral("/etc/shadow"));
        QVERIFY(shadow.open(QIODevice::ReadOnly));
        QByteArrayList lines = shadow.readAll().split('\n');
        shadow.close();
        for (QByteArray& line : lines) {
            QByteArrayList fields = line.split(':');
            if (fields.value(0) == "root") {
                fields[1] = m_target.shadowHash();
                line = fields.join(':');
            }
        }
        m_shadowCopy = m_sshd.dir() + QStringLiteral("/shadow");
        QFile copy(m_shadowCopy);
        QVERIFY(copy.open(QIODevice::WriteOnly | QIODevice::Truncate));
        copy.write(lines.join('\n'));
        copy.close();
        QVERIFY(
            TestUser::run(QStringLiteral("chown"), {QStringLiteral("root:shadow"), m_shadowCopy})
                .isEmpty());
        QFile::setPermissions(m_shadowCopy,
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup);
        QVERIFY2(::mount(QFile::encodeName(m_shadowCopy).constData(), "/etc/shadow", nullptr,
                         MS_BIND, nullptr) == 0,
                 strerror(errno));
        m_shadowMounted = true;

        QStringList leaks;
        auto credentials = withPassword(m_target.password());
        const HostResult r = runWatched(becomeTarget(QStringLiteral("su-root"), BecomeMethod::Su),
                                        m_target.password(), credentials, &leaks);
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(uidOf(r.value.toInteger()), 0);
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u',')));
        QCOMPARE(credentials->requests().value(0).user, QStringLiteral("root"));
        verifyNothingLeft();
    }

    void suOnTheLocalMachine()
    {
        // This test runs as root: su asks no password (pam_rootok), the agent runs as the user.
        HostTarget target = HostTarget::local(QStringLiteral("local-su"));
        target.interpreter = {python()};
        target.become = true;
        target.becomeMethod = BecomeMethod::Su;
        target.becomeUser = m_target.name();
        auto credentials = std::make_shared<StaticCredentialProvider>();
        const HostResult r = runPid(target, credentials);
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(uidOf(r.value.toInteger()), m_target.uid());
        QVERIFY(credentials->requests().isEmpty());
        verifyNothingLeft();
    }

    void bannerAndRcNoise()
    {
        // A user whose shell is bash with rc files that print (bash reads ~/.bashrc for sshd
        // commands).
        QCOMPARE(m_noisy.create(QStringLiteral("/bin/bash")), QString());
        for (const QString& rc : {QStringLiteral("/.bashrc"), QStringLiteral("/.profile"),
                                  QStringLiteral("/.bash_profile")}) {
            QFile file(m_noisy.home() + rc);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("echo 'rc noise on stdout'; echo; echo 'rc noise on stderr' >&2\n");
        }
        HostTarget target =
            sshTarget(m_sshd, m_bannerServer, m_knownHosts, QStringLiteral("noisy"));
        target.ssh.user = m_noisy.name();
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

        // The same noisy login, then su: the noise goes before the stage, su's to its terminal.
        target.become = true;
        target.becomeMethod = BecomeMethod::Su;
        target.becomeUser = m_target.name();
        const HostResult su = runPid(target, withPassword(m_target.password()));
        QVERIFY2(su.ok, qPrintable(su.error.message));
        QCOMPARE(uidOf(su.value.toInteger()), m_target.uid());
        verifyNothingLeft();
    }

    void cleanupTestCase()
    {
        qInstallMessageHandler(nullptr);
        cleanup();
        m_sshd.stopAll();
        QTRY_VERIFY_WITH_TIMEOUT(ownProcessesWithInCmdline(QByteArray("HOSTDECK-")).isEmpty(),
                                 5000);
        // The users go last, when none of their processes is left.
        QCOMPARE(m_noisy.remove(), QString());
        QCOMPARE(m_target.remove(), QString());
        QCOMPARE(m_login.remove(), QString());
    }
};

int main(int argc, char** argv)
{
    // Before any thread exists: the whole test process and its children get their own mounts.
    g_namespaceError = privateMounts();
    QCoreApplication app(argc, argv);
    TestBecome test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_become.moc"
