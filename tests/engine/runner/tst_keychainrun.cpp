// An SSH run (real sshd) whose secrets all come from the real keychain (gnome-keyring in a private
// session bus): one host logs in with a password, one with an encrypted key whose passphrase is in
// the keychain, and both become root with a sudo password inherited from their group. Afterwards
// every place a secret could leak to is searched: process command lines and environments during
// the run, every file under the keyring fixture's root and the sshd fixture's dir (inventory
// included), and the CLI's stdout/stderr with debug logging on (the CLI is the process that
// handles the secrets; its debug log is shown to cover the authentication and sudo steps).
#include "tests/engine/runner/RunnerTestUtil.h"
#include "tests/support/KeyringFixture.h"

#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <unistd.h>

using namespace hostdeck::test;

namespace {

QString runCommand(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(20000);
    return p.exitCode() == 0 ? QString()
                             : QString::fromLocal8Bit(p.readAllStandardError()) + program;
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

struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QStringList cmdlineLeaks; ///< "pid:which" found while the CLI ran
};

} // namespace

class TestKeychainRun : public QObject
{
    Q_OBJECT

private:
    SshdFixture m_sshd;
    int m_passwordServer = -1;
    int m_keyServer = -1;
    QString m_dir;
    QString m_inventory;
    QString m_knownHosts;
    const QString m_dropIn = QStringLiteral("/etc/sudoers.d/hostdeck-test-kc-%1").arg(::getpid());
    QList<CliRun> m_runs; ///< every CLI run, searched at the end

    QList<QByteArray> secrets() const { return {m_sshd.password(), m_sshd.keyPassphrase()}; }

    /// The environment of the CLI: the test's bus (same keyring), debug logging on, no agent.
    QProcessEnvironment cliEnvironment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SSH_AUTH_SOCK"));
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("hostdeck.*=true"));
        return env;
    }

    /// Runs the CLI, scanning every process's command line and environment until it exits.
    CliRun runCli(const QStringList& args, const QByteArray& input = {})
    {
        CliRun run;
        QProcess process;
        process.setProcessEnvironment(cliEnvironment());
        process.start(builtProgram(QStringLiteral("app/hostdeck-cli")), args);
        process.write(input);
        process.closeWriteChannel();
        QElapsedTimer clock;
        clock.start();
        while (!process.waitForFinished(5) && clock.elapsed() < 60000) {
            for (const QByteArray& secret : secrets()) {
                for (const QString& pid : processesWithInCmdline(secret))
                    run.cmdlineLeaks << pid + QStringLiteral(":cmdline");
                for (const QString& pid : processesWithInEnviron(secret))
                    run.cmdlineLeaks << pid + QStringLiteral(":environ");
            }
        }
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        m_runs << run;
        return run;
    }

    void writeSudoers(const QString& rules)
    {
        QFile file(m_dropIn);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(rules.toUtf8() + '\n');
        file.close();
        QFile::setPermissions(m_dropIn, QFile::ReadOwner | QFile::ReadGroup);
        QVERIFY(runCommand(QStringLiteral("visudo"), {QStringLiteral("-cqf"), m_dropIn}).isEmpty());
    }

    void setSecret(const QString& target, const QString& kind, const QByteArray& secret)
    {
        const CliRun run = runCli({QStringLiteral("secret"), QStringLiteral("set"),
                                   QStringLiteral("-i"), m_inventory, target, kind},
                                  secret + '\n');
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
    }

    QStringList callArgs(const QString& pattern, const QString& command) const
    {
        return {QStringLiteral("call"),
                QStringLiteral("-i"),
                m_inventory,
                QStringLiteral("-l"),
                pattern,
                QStringLiteral("--known-hosts"),
                m_knownHosts,
                QStringLiteral("--connect-timeout"),
                QStringLiteral("5"),
                QStringLiteral("Exec.run"),
                QStringLiteral("--arg"),
                QStringLiteral(R"(argv=["sh","-c","%1"])").arg(command),
                QStringLiteral("--arg"),
                QStringLiteral("stream=false")};
    }

    static QHash<QString, QJsonObject> resultsByHost(const CliRun& run)
    {
        QHash<QString, QJsonObject> byHost;
        for (const QByteArray& line : run.out.split('\n')) {
            const QJsonObject object = QJsonDocument::fromJson(line).object();
            if (object.contains(QStringLiteral("host")))
                byHost.insert(object.value(QStringLiteral("host")).toString(), object);
        }
        return byHost;
    }

    static QString stdoutOf(const QJsonObject& result)
    {
        return result.value(QStringLiteral("value"))
            .toObject()
            .value(QStringLiteral("stdout"))
            .toString();
    }

private slots:
    void initTestCase()
    {
        if (KeyringFixture::mode() != KeyringFixture::Mode::Unlocked)
            QSKIP("needs the unlocked keyring");
        const QString error = m_sshd.setUp();
        if (!error.isEmpty())
            QFAIL(qPrintable(error));
        // Each server accepts exactly one method, so a run that works proves which secret was used.
        SshdOptions passwordOnly;
        passwordOnly.extraConfig = {QStringLiteral("AuthenticationMethods password")};
        SshdOptions keyOnly;
        keyOnly.passwordAuthentication = false;
        keyOnly.extraConfig = {QStringLiteral("AuthenticationMethods publickey")};
        m_passwordServer = m_sshd.startServer(passwordOnly);
        m_keyServer = m_sshd.startServer(keyOnly);
        QVERIFY2(m_passwordServer >= 0 && m_keyServer >= 0, qPrintable(m_sshd.lastError()));
        m_knownHosts = m_sshd.writeFile(
            QStringLiteral("known_hosts"),
            {m_sshd.knownHostsLine(m_passwordServer), m_sshd.knownHostsLine(m_keyServer)});

        // The inventory lives under the keyring fixture's root, so the final search covers it.
        m_dir = KeyringFixture::root() + QStringLiteral("/run");
        QVERIFY(QDir().mkpath(m_dir));
        m_inventory = m_dir + QStringLiteral("/inventory.yml");
        QFile file(m_inventory);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QString yaml = QStringLiteral("all:\n"
                                            "  vars:\n"
                                            "    ansible_user: %1\n"
                                            "    ansible_python_interpreter: /usr/bin/python3\n"
                                            "  children:\n"
                                            "    web:\n"
                                            "      vars:\n"
                                            "        ansible_become: true\n"
                                            "      hosts:\n"
                                            "        bypassword:\n"
                                            "          ansible_host: 127.0.0.1\n"
                                            "          ansible_port: %2\n"
                                            "        bykey:\n"
                                            "          ansible_host: 127.0.0.1\n"
                                            "          ansible_port: %3\n"
                                            "          ansible_ssh_private_key_file: %4\n"
                                            "    plain:\n"
                                            "      hosts:\n"
                                            "        plainkey:\n"
                                            "          ansible_host: 127.0.0.1\n"
                                            "          ansible_port: %3\n"
                                            "          ansible_ssh_private_key_file: %4\n")
                                 .arg(m_sshd.user())
                                 .arg(m_sshd.port(m_passwordServer))
                                 .arg(m_sshd.port(m_keyServer))
                                 .arg(m_sshd.encryptedClientKey());
        file.write(yaml.toUtf8());
        file.close();
    }

    void runsWithoutSecretsFail()
    {
        // Nothing in the keychain yet: both logins fail, which shows the later success comes from
        // it.
        const CliRun run = runCli(callArgs(QStringLiteral("web"), QStringLiteral("id -u")));
        const auto results = resultsByHost(run);
        QVERIFY2(run.exitCode == 1 && results.size() == 2,
                 QByteArray(run.out + run.err).constData());
        for (const QJsonObject& r : results) {
            QVERIFY(!r.value(QStringLiteral("ok")).toBool());
            QCOMPARE(r.value(QStringLiteral("error"))
                         .toObject()
                         .value(QStringLiteral("kind"))
                         .toString(),
                     QStringLiteral("auth"));
        }
    }

    void storeSecretsThroughCli()
    {
        setSecret(QStringLiteral("bypassword"), QStringLiteral("ssh-password"), m_sshd.password());
        // The passphrase on `all`: inherited by both key hosts.
        setSecret(QStringLiteral("all"), QStringLiteral("key-passphrase"), m_sshd.keyPassphrase());
        setSecret(QStringLiteral("web"), QStringLiteral("sudo-password"), m_sshd.password());
        QFile file(m_inventory);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("hostdeck_inventory_id")); // the CLI gave it an id
    }

    void sshRunWithKeychainSecrets()
    {
        writeSudoers(QStringLiteral("Defaults:%1 timestamp_timeout=0, !lecture\n%1 ALL=(ALL) ALL")
                         .arg(m_sshd.user()));
        const CliRun run = runCli(callArgs(QStringLiteral("all"), QStringLiteral("id -u; id -un")));
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
        const auto results = resultsByHost(run);
        QCOMPARE(results.size(), 3);
        // web hosts become root with the group's sudo password; plainkey stays the login user.
        QCOMPARE(stdoutOf(results.value(QStringLiteral("bypassword"))),
                 QStringLiteral("0\nroot\n"));
        QCOMPARE(stdoutOf(results.value(QStringLiteral("bykey"))), QStringLiteral("0\nroot\n"));
        QCOMPARE(stdoutOf(results.value(QStringLiteral("plainkey"))).section(u'\n', 1, 1),
                 m_sshd.user());
        QVERIFY2(run.cmdlineLeaks.isEmpty(), qPrintable(run.cmdlineLeaks.join(u',')));
        // The CLI's debug log (searched for the secrets below) covers the steps that handle them:
        // password authentication and key authentication with the passphrase.
        QVERIFY2(run.err.contains("authenticated") && run.err.contains("by \"password\"") &&
                     run.err.contains("by \"publickey\""),
                 run.err.constData());
        QFile::remove(m_dropIn);
    }

    void wrongSecretInKeychainIsAnAuthError()
    {
        setSecret(QStringLiteral("bypassword"), QStringLiteral("ssh-password"), "not-the-password");
        const CliRun run = runCli(callArgs(QStringLiteral("bypassword"), QStringLiteral("true")));
        const QJsonObject r = resultsByHost(run).value(QStringLiteral("bypassword"));
        QVERIFY2(run.exitCode == 1 && !r.isEmpty(), QByteArray(run.out + run.err).constData());
        QCOMPARE(
            r.value(QStringLiteral("error")).toObject().value(QStringLiteral("kind")).toString(),
            QStringLiteral("auth"));
        QVERIFY(!run.out.contains("not-the-password") && !run.err.contains("not-the-password"));
    }

    void noSecretLeftAnywhere()
    {
        QVERIFY(m_runs.size() >= 5);
        // The searches below can find things: a planted canary and this test's own command line.
        const QByteArray canary = "hostdeck-canary-" + QByteArray::number(::getpid());
        QFile planted(m_dir + QStringLiteral("/canary"));
        QVERIFY(planted.open(QIODevice::WriteOnly));
        planted.write(canary);
        planted.close();
        QCOMPARE(KeyringFixture::filesContaining(canary), QStringList{planted.fileName()});
        QVERIFY(!processesWithInCmdline("tst_keychainrun").isEmpty());
        for (const QByteArray& secret : secrets()) {
            QVERIFY(secret.size() >= 16);
            for (const CliRun& run : std::as_const(m_runs)) {
                QVERIFY2(!run.out.contains(secret), run.out.constData());
                QVERIFY2(!run.err.contains(secret), "a secret on the CLI's stderr");
                QVERIFY2(run.cmdlineLeaks.isEmpty(), qPrintable(run.cmdlineLeaks.join(u',')));
            }
            // Keyring files, HOME, XDG dirs, the inventory: the keyring's own files are encrypted.
            const QStringList keyringHits = KeyringFixture::filesContaining(secret);
            QVERIFY2(keyringHits.isEmpty(), qPrintable(keyringHits.join(u',')));
            QStringList sshdHits;
            QDirIterator it(m_sshd.dir(), QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile file(it.next());
                if (file.open(QIODevice::ReadOnly) && file.readAll().contains(secret))
                    sshdHits << file.fileName();
            }
            QVERIFY2(sshdHits.isEmpty(), qPrintable(sshdHits.join(u',')));
        }
        // The keyring really holds something (the search above looked at real files).
        QVERIFY(!QDir(KeyringFixture::root() + QStringLiteral("/data/keyrings"))
                     .entryList(QDir::Files)
                     .isEmpty());
    }

    void cleanupTestCase()
    {
        QFile::remove(m_dropIn);
        m_sshd.stopAll();
        QTRY_VERIFY_WITH_TIMEOUT(processesOfThisRunWithInCmdline(QByteArray("HOSTDECK-")).isEmpty(),
                                 5000);
    }
};

HOSTDECK_KEYRING_TEST_MAIN(TestKeychainRun)
#include "tst_keychainrun.moc"
