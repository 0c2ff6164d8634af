// hostdeck-cli copy / fetch / sync against real sshd: PATTERN:REMOTE with -H destinations and
// with an inventory pattern (-i), JSON records, changed: false on a second host that already has
// the content, --check, --delete, --progress, --events, and the usage errors.
#include "tests/engine/transfer/TransferTreeUtil.h"
#include "tests/support/SshdFixture.h"
#include "tests/support/TestEnv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace hostdeck::test;

namespace {
struct CliRun
{
    int exitCode = -1;
    QList<QJsonObject> lines;
    QByteArray out;
    QByteArray err;

    QJsonObject record(const QString& host) const
    {
        for (const QJsonObject& line : lines) {
            if (line.value(QStringLiteral("host")).toString() == host)
                return line;
        }
        return {};
    }
};

CliRun runCli(const QStringList& args)
{
    QProcess process;
    process.start(builtProgram(QStringLiteral("app/hostdeck-cli")), args);
    process.closeWriteChannel();
    process.waitForFinished(120000);
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

QStringList strings(const QJsonValue& value)
{
    QStringList out;
    for (const QJsonValue& v : value.toArray())
        out << v.toString();
    out.sort();
    return out;
}
} // namespace

class TestTransferCli : public QObject
{
    Q_OBJECT

    SshdFixture m_sshd;
    QTemporaryDir m_tmp;
    QString m_knownHosts;
    QString m_sshConfig;
    QString m_inventory;
    QString m_remote;
    QString m_source;

    QStringList common() const
    {
        return {QStringLiteral("--ssh-config"),  m_sshConfig,
                QStringLiteral("--known-hosts"), m_knownHosts,
                QStringLiteral("--identity"),    m_sshd.clientKey(),
                QStringLiteral("--python"),      QStringLiteral("/usr/bin/python3")};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        const QString error = m_sshd.setUp();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList known, config;
        QStringList yaml{QStringLiteral("all:"),
                         QStringLiteral("  children:"),
                         QStringLiteral("    web:"),
                         QStringLiteral("      vars:"),
                         QStringLiteral("        ansible_user: ") + m_sshd.user(),
                         QStringLiteral("        ansible_ssh_private_key_file: ") +
                             m_sshd.clientKey(),
                         QStringLiteral("      hosts:")};
        for (int i = 0; i < 2; ++i) {
            QVERIFY2(m_sshd.startServer() == i, qPrintable(m_sshd.lastError()));
            known << m_sshd.knownHostsLine(i);
            config << QStringLiteral("Host h%1").arg(i) << QStringLiteral("    HostName 127.0.0.1")
                   << QStringLiteral("    Port %1").arg(m_sshd.port(i))
                   << QStringLiteral("    User ") + m_sshd.user();
            yaml << QStringLiteral("        web%1:").arg(i)
                 << QStringLiteral("          ansible_host: 127.0.0.1")
                 << QStringLiteral("          ansible_port: %1").arg(m_sshd.port(i))
                 << QStringLiteral("          ansible_python_interpreter: /usr/bin/python3");
        }
        m_knownHosts = m_sshd.writeFile(QStringLiteral("known_hosts"), known);
        m_sshConfig = m_sshd.writeFile(QStringLiteral("ssh_config"), config);
        m_inventory = m_sshd.writeFile(QStringLiteral("inventory.yml"), yaml);
        m_remote = m_tmp.filePath(QStringLiteral("remote"));
        QVERIFY(QDir().mkpath(m_remote));
        QVERIFY(QFile::setPermissions(m_tmp.path(), QFileDevice::Permissions(0x7755)));
        QVERIFY(QFile::setPermissions(m_remote, QFileDevice::Permissions(0x7777)));
        m_source = m_tmp.filePath(QStringLiteral("src"));
        QVERIFY(QDir().mkpath(m_source + QStringLiteral("/site")));
        generateTree(m_source + QStringLiteral("/site"), 5, 80, false);
        QVERIFY(writeBytes(m_source + QStringLiteral("/app.conf"), "key = value\n"));
    }

    void copyToTwoHostsTheSecondFindsItThere()
    {
        // One machine behind both sshd: with --forks 1 the second host finds what the first
        // wrote, and says changed: false.
        const CliRun run = runCli(
            QStringList{QStringLiteral("copy"), QStringLiteral("--forks"), QStringLiteral("1"),
                        QStringLiteral("--mode"), QStringLiteral("0640")} +
            common() +
            QStringList{m_source + QStringLiteral("/app.conf"), m_source + QStringLiteral("/site"),
                        QStringLiteral("h0,h1:") + m_remote + QStringLiteral("/dest")});
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
        QCOMPARE(run.lines.size(), 3);
        const QJsonObject first = run.lines.at(0);
        const QJsonObject second = run.lines.at(1);
        QCOMPARE(first.value(QStringLiteral("status")).toString(), QStringLiteral("changed"));
        QCOMPARE(second.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(second.value(QStringLiteral("value"))
                     .toObject()
                     .value(QStringLiteral("changed"))
                     .toBool(),
                 false);
        QCOMPARE(second.value(QStringLiteral("value"))
                     .toObject()
                     .value(QStringLiteral("bytes_sent"))
                     .toInt(),
                 0);
        QCOMPARE(run.lines.at(2).value(QStringLiteral("ok")).toInt(), 2);
        QCOMPARE(sha256Of(m_remote + QStringLiteral("/dest/app.conf")),
                 sha256Of(m_source + QStringLiteral("/app.conf")));
        QCOMPARE(QFileInfo(m_remote + QStringLiteral("/dest/app.conf")).permissions() & 0x0777,
                 QFileDevice::Permissions(0x0640));
        SnapshotOptions noModes;
        const auto local = snapshotTree(m_source + QStringLiteral("/site"), noModes);
        const auto remote = snapshotTree(m_remote + QStringLiteral("/dest/site"), noModes);
        QCOMPARE(local.keys(), remote.keys());
    }

    void copyToAnInventoryPattern()
    {
        const CliRun run = runCli(QStringList{
            QStringLiteral("copy"), QStringLiteral("-i"), m_inventory,
            QStringLiteral("--known-hosts"), m_knownHosts, m_source + QStringLiteral("/app.conf"),
            QStringLiteral("web:!web1:") + m_remote + QStringLiteral("/inv/")});
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
        QCOMPARE(run.lines.size(), 2);
        QCOMPARE(run.lines.at(0).value(QStringLiteral("host")).toString(), QStringLiteral("web0"));
        QVERIFY(QFile::exists(m_remote + QStringLiteral("/inv/app.conf")));
    }

    void fetchIntoAFolderPerHost()
    {
        const QString back = m_tmp.filePath(QStringLiteral("back"));
        const CliRun run = runCli(
            QStringList{QStringLiteral("fetch")} + common() +
            QStringList{QStringLiteral("h0,h1:") + m_remote + QStringLiteral("/dest/app.conf"),
                        back});
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
        for (const QString& host : {QStringLiteral("h0"), QStringLiteral("h1")})
            QCOMPARE(sha256Of(back + QLatin1Char('/') + host + QStringLiteral("/app.conf")),
                     sha256Of(m_source + QStringLiteral("/app.conf")));
        const CliRun again = runCli(
            QStringList{QStringLiteral("fetch")} + common() +
            QStringList{QStringLiteral("h0:") + m_remote + QStringLiteral("/dest/site"), back});
        QVERIFY2(again.exitCode == 0, QByteArray(again.out + again.err).constData());
        QVERIFY(QFileInfo(back + QStringLiteral("/h0/site")).isDir());
    }

    void syncCheckThenDelete()
    {
        const QString dest = m_remote + QStringLiteral("/dest/site");
        QVERIFY(writeBytes(dest + QStringLiteral("/stray.txt"), "stray"));
        const auto before = snapshotTree(dest);
        const QStringList args =
            QStringList{QStringLiteral("sync"), QStringLiteral("--delete")} + common() +
            QStringList{m_source + QStringLiteral("/site"), QStringLiteral("h0:") + dest};
        const CliRun check =
            runCli(QStringList{args.first(), QStringLiteral("--check")} + args.mid(1));
        QVERIFY2(check.exitCode == 0, QByteArray(check.out + check.err).constData());
        const QJsonObject value =
            check.record(QStringLiteral("h0")).value(QStringLiteral("value")).toObject();
        QCOMPARE(strings(value.value(QStringLiteral("deleted"))),
                 QStringList{QStringLiteral("stray.txt")});
        QCOMPARE(value.value(QStringLiteral("check")).toBool(), true);
        QCOMPARE(snapshotTree(dest), before);
        const CliRun real =
            runCli(QStringList{args.first(), QStringLiteral("--progress")} + args.mid(1));
        QVERIFY2(real.exitCode == 0, QByteArray(real.out + real.err).constData());
        QVERIFY(!QFile::exists(dest + QStringLiteral("/stray.txt")));
        QVERIFY2(real.err.contains("h0: 100%"), real.err.constData());
        const CliRun events =
            runCli(QStringList{args.first(), QStringLiteral("--events")} + args.mid(1));
        QVERIFY2(events.exitCode == 0, QByteArray(events.out + events.err).constData());
        bool progress = false;
        for (const QJsonObject& line : events.lines)
            progress = progress || line.value(QStringLiteral("stream")).toString() ==
                                       QStringLiteral("progress");
        QVERIFY(progress);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no path") << QStringList{QStringLiteral("copy"), QStringLiteral("x"),
                                                QStringLiteral("h0")}
                                 << QStringLiteral("expected HOSTS:/ABSOLUTE/PATH");
        QTest::newRow("relative") << QStringList{QStringLiteral("copy"), QStringLiteral("x"),
                                                 QStringLiteral("h0:rel")}
                                  << QStringLiteral("expected HOSTS:/ABSOLUTE/PATH");
        QTest::newRow("no hosts") << QStringList{QStringLiteral("copy"), QStringLiteral("x"),
                                                 QStringLiteral(":/tmp")}
                                  << QStringLiteral("name the hosts");
        QTest::newRow("missing local")
            << QStringList{QStringLiteral("copy"), QStringLiteral("/no/such/file"),
                           QStringLiteral("h0:/tmp/")}
            << QStringLiteral("/no/such/file: no such file or folder");
        QTest::newRow("bad mode") << QStringList{QStringLiteral("copy"), QStringLiteral("--mode"),
                                                 QStringLiteral("rw"), QStringLiteral("x"),
                                                 QStringLiteral("h0:/tmp/")}
                                  << QStringLiteral("--mode 'rw'");
        QTest::newRow("sync a file")
            << QStringList{QStringLiteral("sync"), QStringLiteral("/etc/hostname"),
                           QStringLiteral("h0:/tmp/x")}
            << QStringLiteral("is not a folder");
        QTest::newRow("sync --delete into /etc")
            << QStringList{QStringLiteral("sync"), QStringLiteral("--delete"),
                           QStringLiteral("/tmp"), QStringLiteral("h0:/etc/")}
            << QStringLiteral("refusing to sync with --delete into /etc");
        QTest::newRow("fetch two args")
            << QStringList{QStringLiteral("fetch"), QStringLiteral("h0:/x")}
            << QStringLiteral("expected PATTERN:REMOTE LOCALDIR");
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const CliRun run = runCli(args + common());
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message.toUtf8()), run.err.constData());
    }

    void cleanupTestCase() { m_sshd.stopAll(); }
};

QTEST_GUILESS_MAIN(TestTransferCli)
#include "tst_transfercli.moc"
