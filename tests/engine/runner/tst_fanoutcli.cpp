// hostdeck-cli call -H / call -i against real sshd: JSON lines, exit codes, host-key policies.
#include "tests/engine/runner/RunnerTestUtil.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

using namespace hostdeck::test;

namespace {
struct CliRun
{
    int exitCode = -1;
    QList<QJsonObject> lines;
    QByteArray out;
    QByteArray err;
};

CliRun runCli(const QStringList& args)
{
    QProcess process;
    process.start(builtProgram(QStringLiteral("app/hostdeck-cli")), args);
    process.closeWriteChannel();
    process.waitForFinished(60000);
    CliRun run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    for (const QByteArray& line : run.out.split('\n')) {
        if (!line.isEmpty())
            run.lines << QJsonDocument::fromJson(line).object();
    }
    return run;
}
} // namespace

class TestFanOutCli : public QObject
{
    Q_OBJECT

private:
    SshdFixture m_sshd;
    QString m_knownHosts;
    QString m_sshConfig;

    QStringList common() const
    {
        return {QStringLiteral("--ssh-config"),      m_sshConfig,
                QStringLiteral("--known-hosts"),     m_knownHosts,
                QStringLiteral("--identity"),        m_sshd.clientKey(),
                QStringLiteral("--connect-timeout"), QStringLiteral("5")};
    }
    static QStringList pidCall()
    {
        return {QStringLiteral("--tools-dir"), testToolsDir(), QStringLiteral("Probe.pid")};
    }

private slots:
    void initTestCase()
    {
        const QString error = m_sshd.setUp();
        if (!error.isEmpty())
            QFAIL(qPrintable(error));
        QStringList known;
        QStringList config;
        for (int i = 0; i < 3; ++i) {
            QVERIFY2(m_sshd.startServer() == i, qPrintable(m_sshd.lastError()));
            known << m_sshd.knownHostsLine(i);
            config << QStringLiteral("Host h%1").arg(i) << QStringLiteral("    HostName 127.0.0.1")
                   << QStringLiteral("    Port %1").arg(m_sshd.port(i))
                   << QStringLiteral("    User ") + m_sshd.user();
        }
        m_knownHosts = m_sshd.writeFile(QStringLiteral("known_hosts"), known);
        m_sshConfig = m_sshd.writeFile(QStringLiteral("ssh_config"), config);
    }

    void callHostsAllOk()
    {
        const CliRun run = runCli(
            QStringList{QStringLiteral("call"), QStringLiteral("-H"), QStringLiteral("h0,h1,h2")} +
            common() +
            QStringList{QStringLiteral("Exec.run"), QStringLiteral("--arg"),
                        QStringLiteral(R"(argv=["echo","hello"])"), QStringLiteral("--arg"),
                        QStringLiteral("stream=false")});
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
        QCOMPARE(run.lines.size(), 4);
        QSet<QString> hosts;
        for (int i = 0; i < 3; ++i) {
            QVERIFY(run.lines[i].value(QStringLiteral("ok")).toBool());
            QCOMPARE(run.lines[i]
                         .value(QStringLiteral("value"))
                         .toObject()
                         .value(QStringLiteral("stdout"))
                         .toString(),
                     QStringLiteral("hello\n"));
            hosts << run.lines[i].value(QStringLiteral("host")).toString();
        }
        QCOMPARE(hosts,
                 (QSet<QString>{QStringLiteral("h0"), QStringLiteral("h1"), QStringLiteral("h2")}));
        QVERIFY(run.lines[3].value(QStringLiteral("summary")).toBool());
        QCOMPARE(run.lines[3].value(QStringLiteral("ok")).toInt(), 3);
    }

    void callHostsOneFails()
    {
        const QString closed =
            QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.closedPort());
        const CliRun run = runCli(QStringList{QStringLiteral("call"), QStringLiteral("-H"),
                                              QStringLiteral("h0,") + closed} +
                                  common() + pidCall());
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.lines.size(), 3);
        QCOMPARE(run.lines[2].value(QStringLiteral("ok")).toInt(), 1);
        QCOMPARE(run.lines[2].value(QStringLiteral("unreachable")).toInt(), 1);
    }

    void hostKeyPolicies()
    {
        const QString empty = m_sshd.writeFile(QStringLiteral("known_hosts_empty"), {});
        QStringList args =
            QStringList{QStringLiteral("call"), QStringLiteral("-H"), QStringLiteral("h1")} +
            common();
        args[args.indexOf(m_knownHosts)] = empty;
        const CliRun strict =
            runCli(args + QStringList{QStringLiteral("--host-keys"), QStringLiteral("strict")} +
                   pidCall());
        QCOMPARE(strict.exitCode, 1);
        const QJsonObject error = strict.lines.value(0).value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("kind")).toString(),
                 QStringLiteral("host_key_unknown"));
        QVERIFY2(error.value(QStringLiteral("message"))
                     .toString()
                     .contains(m_sshd.hostKeyFingerprint(1)),
                 strict.out.constData());
        QVERIFY(QFile(empty).size() == 0);
        const CliRun accept =
            runCli(args + QStringList{QStringLiteral("--host-keys"), QStringLiteral("accept-new")} +
                   pidCall());
        QVERIFY2(accept.exitCode == 0, QByteArray(accept.out + accept.err).constData());
        QVERIFY(QFile(empty).size() > 0); // recorded
        const CliRun again =
            runCli(args + QStringList{QStringLiteral("--host-keys"), QStringLiteral("strict")} +
                   pidCall());
        QVERIFY2(again.exitCode == 0, QByteArray(again.out + again.err).constData());
    }

    void callInventoryPattern()
    {
        QStringList yaml = {QStringLiteral("all:"),
                            QStringLiteral("  hosts:"),
                            QStringLiteral("    loc:"),
                            QStringLiteral("      hostdeck_transport: local"),
                            QStringLiteral("  children:"),
                            QStringLiteral("    web:"),
                            QStringLiteral("      vars:"),
                            QStringLiteral("        ansible_user: ") + m_sshd.user(),
                            QStringLiteral("        ansible_ssh_private_key_file: ") +
                                m_sshd.clientKey(),
                            QStringLiteral("      hosts:")};
        for (int i = 0; i < 3; ++i) {
            yaml << QStringLiteral("        web%1:").arg(i)
                 << QStringLiteral("          ansible_host: 127.0.0.1")
                 << QStringLiteral("          ansible_port: %1").arg(m_sshd.port(i))
                 << QStringLiteral("          ansible_python_interpreter: /usr/bin/python3");
        }
        const QString inventory = m_sshd.writeFile(QStringLiteral("inventory.yml"), yaml);
        const QStringList base{QStringLiteral("call"),
                               QStringLiteral("-i"),
                               inventory,
                               QStringLiteral("--known-hosts"),
                               m_knownHosts,
                               QStringLiteral("--connect-timeout"),
                               QStringLiteral("5")};
        const CliRun run = runCli(
            base + QStringList{QStringLiteral("-l"), QStringLiteral("web:!web1:loc")} + pidCall());
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
        QCOMPARE(run.lines.size(), 4);
        QSet<QString> hosts;
        for (int i = 0; i < 3; ++i)
            hosts << run.lines[i].value(QStringLiteral("host")).toString();
        QCOMPARE(hosts, (QSet<QString>{QStringLiteral("web0"), QStringLiteral("web2"),
                                       QStringLiteral("loc")}));
        QCOMPARE(run.lines[3].value(QStringLiteral("ok")).toInt(), 3);

        const CliRun none =
            runCli(base + QStringList{QStringLiteral("-l"), QStringLiteral("nosuch")} + pidCall());
        QCOMPARE(none.exitCode, 2);
        QVERIFY(none.err.contains("matches no host"));
    }

    void cleanupTestCase()
    {
        m_sshd.stopAll();
        QTRY_VERIFY_WITH_TIMEOUT(processesOfThisRunWithInCmdline(QByteArray("HOSTDECK-")).isEmpty(),
                                 5000);
    }
};

QTEST_GUILESS_MAIN(TestFanOutCli)
#include "tst_fanoutcli.moc"
