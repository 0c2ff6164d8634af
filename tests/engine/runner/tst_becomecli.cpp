// su and the per-host environment through hostdeck-cli against real sshd and a real su: an ad-hoc
// host with --become-method su --become-user USER --password-stdin, a wrong password, an
// inventory group with ansible_become_method: su whose become password is in the real keychain
// (gnome-keyring in a private session bus), and an inventory group's `environment` reaching
// Exec.run (a call's env wins); an unsupported become method refused naming the host. The
// password is watched for on every process's command line and environment while the CLI runs,
// and in its output.
#include "tests/engine/runner/RunnerTestUtil.h"
#include "tests/support/KeyringFixture.h"
#include "tests/support/TestUser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

using namespace hostdeck::test;

namespace {

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
    QStringList leaks; ///< "pid:where" the password was seen while the CLI ran
    QHash<QString, QJsonObject> results;
};

QString stdoutOf(const QJsonObject& result)
{
    return result.value(QStringLiteral("value"))
        .toObject()
        .value(QStringLiteral("stdout"))
        .toString();
}

QJsonObject errorOf(const QJsonObject& result)
{
    return result.value(QStringLiteral("error")).toObject();
}

} // namespace

class TestBecomeCli : public QObject
{
    Q_OBJECT

private:
    SshdFixture m_sshd;
    TestUser m_target{QStringLiteral("hdsucli")};
    int m_server = -1;
    QString m_knownHosts;
    QString m_inventory;

    CliRun runCli(const QStringList& args, const QByteArray& input = {})
    {
        CliRun run;
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SSH_AUTH_SOCK"));
        process.setProcessEnvironment(env);
        process.start(builtProgram(QStringLiteral("app/hostdeck-cli")), args);
        process.write(input);
        process.closeWriteChannel();
        QElapsedTimer clock;
        clock.start();
        const QByteArray secret = m_target.password();
        while (!process.waitForFinished(5) && clock.elapsed() < 60000) {
            for (const QString& pid : processesWithInCmdline(secret))
                run.leaks << pid + QStringLiteral(":cmdline");
            for (const QString& pid : processesWithInEnviron(secret))
                run.leaks << pid + QStringLiteral(":environ");
        }
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        for (const QByteArray& line : run.out.split('\n')) {
            const QJsonObject object = QJsonDocument::fromJson(line).object();
            if (object.contains(QStringLiteral("host")))
                run.results.insert(object.value(QStringLiteral("host")).toString(), object);
        }
        if (!secret.isEmpty() && (run.out.contains(secret) || run.err.contains(secret)))
            run.leaks << QStringLiteral("cli output");
        return run;
    }

    static QStringList execArgs(const QString& script, const QString& extra = {})
    {
        QStringList args{QStringLiteral("Exec.run"), QStringLiteral("--arg"),
                         QStringLiteral(R"(argv=["sh","-c","%1"])").arg(script),
                         QStringLiteral("--arg"), QStringLiteral("stream=false")};
        if (!extra.isEmpty())
            args << QStringLiteral("--arg") << extra;
        return args;
    }

    QStringList adHoc(const QStringList& become) const
    {
        return QStringList{
                   QStringLiteral("call"),
                   QStringLiteral("--json"),
                   QStringLiteral("-H"),
                   QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port(m_server)),
                   QStringLiteral("--no-ssh-config"),
                   QStringLiteral("--identity"),
                   m_sshd.clientKey(),
                   QStringLiteral("--known-hosts"),
                   m_knownHosts,
                   QStringLiteral("--python"),
                   QStringLiteral("/usr/bin/python3")} +
               become;
    }

    QStringList fromInventory(const QString& pattern) const
    {
        return {QStringLiteral("call"),
                QStringLiteral("--json"),
                QStringLiteral("-i"),
                m_inventory,
                QStringLiteral("-l"),
                pattern,
                QStringLiteral("--known-hosts"),
                m_knownHosts};
    }

private slots:
    void initTestCase()
    {
        if (KeyringFixture::mode() != KeyringFixture::Mode::Unlocked)
            QSKIP("needs the unlocked keyring");
        const QString error = m_sshd.setUp();
        if (!error.isEmpty())
            QFAIL(qPrintable(error));
        QCOMPARE(m_target.create(), QString());
        m_server = m_sshd.startServer();
        QVERIFY2(m_server >= 0, qPrintable(m_sshd.lastError()));
        m_knownHosts =
            m_sshd.writeFile(QStringLiteral("known_hosts"), {m_sshd.knownHostsLine(m_server)});
        // The inventory lives under the keyring fixture's root (the CLI adds its id to it).
        const QString dir = KeyringFixture::root() + QStringLiteral("/run");
        QVERIFY(QDir().mkpath(dir));
        m_inventory = dir + QStringLiteral("/inventory.yml");
        QFile file(m_inventory);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QString host = QStringLiteral("          ansible_host: 127.0.0.1\n"
                                            "          ansible_port: %1\n")
                                 .arg(m_sshd.port(m_server));
        file.write(QStringLiteral("all:\n"
                                  "  vars:\n"
                                  "    ansible_user: %1\n"
                                  "    ansible_ssh_private_key_file: %2\n"
                                  "    ansible_python_interpreter: /usr/bin/python3\n"
                                  "  children:\n"
                                  "    admins:\n"
                                  "      vars:\n"
                                  "        ansible_become: true\n"
                                  "        ansible_become_method: su\n"
                                  "        ansible_become_user: %3\n"
                                  "        environment:\n"
                                  "          HD_FROM_GROUP: from the group; $HOME 'q'\n"
                                  "          HD_OVERRIDE: group\n"
                                  "      hosts:\n"
                                  "        suhost:\n%4"
                                  "    plain:\n"
                                  "      vars:\n"
                                  "        environment: {FOO: bar, HD_NUMBER: 8080}\n"
                                  "      hosts:\n"
                                  "        plainhost:\n%4"
                                  "    broken:\n"
                                  "      hosts:\n"
                                  "        badenv:\n%4"
                                  "          environment: [{A: 1}, just text]\n"
                                  "        doashost:\n%4"
                                  "          ansible_become: true\n"
                                  "          ansible_become_method: doas\n")
                       .arg(m_sshd.user(), m_sshd.clientKey(), m_target.name(), host)
                       .toUtf8());
        file.close();
    }

    void suWithPasswordStdin()
    {
        const CliRun run = runCli(adHoc({QStringLiteral("--become-method"), QStringLiteral("su"),
                                         QStringLiteral("--become-user"), m_target.name(),
                                         QStringLiteral("--password-stdin")}) +
                                      execArgs(QStringLiteral("id -un")),
                                  m_target.password() + '\n');
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
        QCOMPARE(run.results.size(), 1);
        QCOMPARE(stdoutOf(run.results.cbegin().value()), m_target.name() + u'\n');
        QVERIFY2(run.leaks.isEmpty(), qPrintable(run.leaks.join(u',')));
    }

    void wrongSuPasswordStdin()
    {
        const CliRun run = runCli(adHoc({QStringLiteral("--become-method"), QStringLiteral("su"),
                                         QStringLiteral("--become-user"), m_target.name(),
                                         QStringLiteral("--password-stdin")}) +
                                      execArgs(QStringLiteral("id -un")),
                                  "not-the-password\n");
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.results.size(), 1);
        const QJsonObject r = run.results.cbegin().value();
        QCOMPARE(r.value(QStringLiteral("status")).toString(), QStringLiteral("unreachable"));
        QCOMPARE(errorOf(r).value(QStringLiteral("kind")).toString(), QStringLiteral("become"));
        QVERIFY2(errorOf(r)
                     .value(QStringLiteral("message"))
                     .toString()
                     .contains(QStringLiteral("Authentication failure")),
                 run.out.constData());
        // The error names the host and the user su was to become.
        QVERIFY2(errorOf(r)
                     .value(QStringLiteral("message"))
                     .toString()
                     .startsWith(QStringLiteral("su to %1 on %2@127.0.0.1:%3 failed: ")
                                     .arg(m_target.name(), m_sshd.user())
                                     .arg(m_sshd.port(m_server))),
                 run.out.constData());
        QVERIFY(!run.out.contains("not-the-password") && !run.err.contains("not-the-password"));
    }

    void suThroughInventoryAndKeychain()
    {
        // No secret yet: su asks and the CLI has none to give.
        const CliRun without =
            runCli(fromInventory(QStringLiteral("suhost")) + execArgs(QStringLiteral("id -un")));
        QCOMPARE(without.exitCode, 1);
        QCOMPARE(errorOf(without.results.value(QStringLiteral("suhost")))
                     .value(QStringLiteral("kind"))
                     .toString(),
                 QStringLiteral("become"));

        // The become password on the group, in the keychain, set through the CLI.
        const CliRun set =
            runCli({QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("-i"),
                    m_inventory, QStringLiteral("admins"), QStringLiteral("sudo-password")},
                   m_target.password() + '\n');
        QVERIFY2(set.exitCode == 0, QByteArray(set.out + set.err).constData());

        const CliRun run =
            runCli(fromInventory(QStringLiteral("suhost")) +
                   execArgs(QStringLiteral("id -un; echo $HD_FROM_GROUP; echo $HD_OVERRIDE"),
                            QStringLiteral(R"(env={"HD_OVERRIDE":"from the call"})")));
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
        QCOMPARE(stdoutOf(run.results.value(QStringLiteral("suhost"))),
                 m_target.name() + QStringLiteral("\nfrom the group; $HOME 'q'\nfrom the call\n"));
        QVERIFY2(run.leaks.isEmpty(), qPrintable(run.leaks.join(u',')));
    }

    void environmentThroughInventory()
    {
        const CliRun run =
            runCli(fromInventory(QStringLiteral("plainhost")) + execArgs(QStringLiteral("env")));
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
        const QStringList lines =
            stdoutOf(run.results.value(QStringLiteral("plainhost"))).split(u'\n');
        QVERIFY2(lines.contains(QStringLiteral("FOO=bar")), qPrintable(lines.join(u'|')));
        QVERIFY2(lines.contains(QStringLiteral("HD_NUMBER=8080")), qPrintable(lines.join(u'|')));
        QVERIFY(!lines.contains(QStringLiteral("HD_OVERRIDE=group"))); // another group's

        const CliRun call = runCli(
            fromInventory(QStringLiteral("plainhost")) +
            execArgs(QStringLiteral("env"), QStringLiteral(R"(env={"FOO":"from the call"})")));
        QVERIFY2(call.exitCode == 0, QByteArray(call.out + call.err).constData());
        const QStringList overridden =
            stdoutOf(call.results.value(QStringLiteral("plainhost"))).split(u'\n');
        QVERIFY2(overridden.contains(QStringLiteral("FOO=from the call")),
                 qPrintable(overridden.join(u'|')));
        QVERIFY(!overridden.contains(QStringLiteral("FOO=bar")));
        QVERIFY(overridden.contains(QStringLiteral("HD_NUMBER=8080")));
    }

    void badEnvironmentIsRefusedNamingTheHost()
    {
        const CliRun run =
            runCli(fromInventory(QStringLiteral("badenv")) + execArgs(QStringLiteral("env")));
        QVERIFY(run.exitCode != 0);
        const QByteArray all = run.out + run.err;
        QVERIFY2(all.contains("host 'badenv': environment must be a mapping"), all.constData());
    }

    void unsupportedBecomeMethodIsRefusedNamingTheHost()
    {
        // Not sudo in its place: the run would act as another user than the inventory says.
        const CliRun run =
            runCli(fromInventory(QStringLiteral("doashost")) + execArgs(QStringLiteral("id -un")));
        QVERIFY(run.exitCode != 0);
        const QByteArray all = run.out + run.err;
        QVERIFY2(all.contains("host 'doashost': ansible_become_method 'doas' is not supported"),
                 all.constData());
        QVERIFY2(!all.contains("\"ok\":true"), all.constData());
    }

    void cleanupTestCase()
    {
        m_sshd.stopAll();
        QTRY_VERIFY_WITH_TIMEOUT(m_target.processes().isEmpty(), 10000); // agents are gone
        QCOMPARE(m_target.remove(), QString());
    }
};

HOSTDECK_KEYRING_TEST_MAIN(TestBecomeCli)
#include "tst_becomecli.moc"
