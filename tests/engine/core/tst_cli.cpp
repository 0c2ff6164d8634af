// hostdeck-cli as users and scripts call it: exit codes, stdout/stderr contracts.
#include "TestEnv.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace hostdeck::test;

namespace {

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Run cli(const QStringList& args, int timeoutMs = 30000)
{
    QProcess p;
    p.start(qEnvironmentVariable("HOSTDECK_CLI"), args);
    Run run;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(1000);
        run.err = "timed out";
        return run;
    }
    run.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    run.out = p.readAllStandardOutput();
    run.err = p.readAllStandardError();
    return run;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    QFile f(dir.filePath(name));
    f.open(QIODevice::WriteOnly);
    f.write(content);
    return f.fileName();
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private slots:
    void callPrintsJsonResult()
    {
        const Run r = cli({QStringLiteral("call"), QStringLiteral("--local"),
                           QStringLiteral("--python"), python(), QStringLiteral("Exec.run"),
                           QStringLiteral("--arg"), QStringLiteral(R"(argv=["echo","hi there"])")});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject value = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(value.value(QStringLiteral("rc")).toInt(), 0);
        QCOMPARE(value.value(QStringLiteral("stdout")).toString(), QStringLiteral("hi there\n"));
    }

    void readText()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("f.txt"), "hello\nworld\n");
        const Run r = cli({QStringLiteral("call"), QStringLiteral("--local"),
                           QStringLiteral("FileSystem.read_text"), QStringLiteral("--arg"),
                           QStringLiteral("path=") + path});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson("[" + r.out + "]").array().first().toString(),
                 QStringLiteral("hello\nworld\n"));
    }

    void remoteErrorExitsOne()
    {
        const Run r =
            cli({QStringLiteral("call"), QStringLiteral("--local"), QStringLiteral("--tools-dir"),
                 testToolsDir(), QStringLiteral("Probe.fail"), QStringLiteral("--arg"),
                 QStringLiteral("message=kaputt")});
        QCOMPARE(r.code, 1);
        const QJsonObject error = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("ValueError"));
        QCOMPARE(error.value(QStringLiteral("message")).toString(), QStringLiteral("kaputt"));
        QVERIFY(!error.value(QStringLiteral("traceback")).toArray().isEmpty());
    }

    void streamEchoesOutputAsItComes()
    {
        // --stream: the tool's output reaches stderr while the call runs, not with the result.
        const QStringList args{QStringLiteral("call"),
                               QStringLiteral("--local"),
                               QStringLiteral("--python"),
                               python(),
                               QStringLiteral("Exec.shell"),
                               QStringLiteral("--arg"),
                               QStringLiteral("script=echo first; sleep 1.5; echo second")};
        QProcess p;
        QElapsedTimer clock;
        clock.start();
        p.start(qEnvironmentVariable("HOSTDECK_CLI"),
                QStringList{QStringLiteral("call"), QStringLiteral("--stream")} + args.mid(1));
        QByteArray err;
        qint64 firstAt = -1;
        while (p.state() != QProcess::NotRunning && clock.elapsed() < 30000) {
            p.waitForReadyRead(50);
            err += p.readAllStandardError();
            if (firstAt < 0 && err.contains("first"))
                firstAt = clock.elapsed();
        }
        QCOMPARE(p.state(), QProcess::NotRunning);
        const qint64 endedAt = clock.elapsed();
        err += p.readAllStandardError();
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(firstAt >= 0 && endedAt - firstAt >= 1000,
                 qPrintable(QStringLiteral("first line at %1 ms, end at %2 ms: %3")
                                .arg(firstAt)
                                .arg(endedAt)
                                .arg(QString::fromUtf8(err))));
        QVERIFY(err.contains("second"));
        const QJsonObject value = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QCOMPARE(value.value(QStringLiteral("stdout")).toString(),
                 QStringLiteral("first\nsecond\n"));
        // Without --stream nothing of the output goes to stderr.
        const Run quiet = cli(QStringList{QStringLiteral("call")} + args.mid(1));
        QCOMPARE(quiet.code, 0);
        QVERIFY2(!quiet.err.contains("first"), quiet.err.constData());
    }

    void readyTimeoutBoundsTheStart()
    {
        // An interpreter that never says READY: --ready-timeout 1 gives up after about a second
        // (the default waits 30 s).
        QTemporaryDir dir;
        const QString silent = writeFile(dir, QStringLiteral("py"), "#!/bin/sh\nexec sleep 30\n");
        QFile::setPermissions(silent, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QElapsedTimer clock;
        clock.start();
        const Run r = cli({QStringLiteral("call"), QStringLiteral("--local"),
                           QStringLiteral("--python"), silent, QStringLiteral("--ready-timeout"),
                           QStringLiteral("1"), QStringLiteral("Exec.run"), QStringLiteral("--arg"),
                           QStringLiteral(R"(argv=["true"])")});
        const qint64 elapsed = clock.elapsed();
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("no READY") && r.err.contains("within 1 s"), r.err.constData());
        QVERIFY2(elapsed >= 900 && elapsed < 10000, qPrintable(QString::number(elapsed)));
    }

    void usageAndConnectionErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no-target")
            << QStringList{QStringLiteral("call"), QStringLiteral("Exec.run")}
            << QStringLiteral("--local");
        QTest::newRow("bad-method")
            << QStringList{QStringLiteral("call"), QStringLiteral("--local"),
                           QStringLiteral("Exec")}
            << QStringLiteral("TOOL.METHOD");
        QTest::newRow("unknown-tool")
            << QStringList{QStringLiteral("call"), QStringLiteral("--local"),
                           QStringLiteral("Nope.x")}
            << QStringLiteral("unknown tool 'Nope'");
        QTest::newRow("no-python")
            << QStringList{QStringLiteral("call"), QStringLiteral("--local"),
                           QStringLiteral("--python"), QStringLiteral("/no/such/python"),
                           QStringLiteral("Exec.run")}
            << QStringLiteral("not found");
        QTest::newRow("unknown-command")
            << QStringList{QStringLiteral("frobnicate")} << QStringLiteral("unknown command");
    }
    void usageAndConnectionErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = cli(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void renderPrintsExactly()
    {
        QTemporaryDir dir;
        const QString tmpl = writeFile(dir, QStringLiteral("t.tmpl"),
                                       "% for h in hosts:\nserver ${h};\n% endfor\nlast");
        const QString vars = writeFile(dir, QStringLiteral("v.json"), R"({"hosts": ["a", "b"]})");
        const Run r = cli({QStringLiteral("render"), tmpl, QStringLiteral("--vars"), vars});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(r.out, QByteArray("server a;\nserver b;\nlast"));
    }

    void renderErrorNamesTheLine()
    {
        QTemporaryDir dir;
        const QString tmpl =
            writeFile(dir, QStringLiteral("t.tmpl"), "ok\nfine\n${undefined_name}\n");
        const Run r = cli({QStringLiteral("render"), tmpl});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith("line 3: "), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void toolsDescribesBuiltinsAndCustom()
    {
        const Run r = cli({QStringLiteral("tools"), QStringLiteral("--tools-dir"), testToolsDir()});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonArray tools = QJsonDocument::fromJson(r.out).array();
        QHash<QString, QJsonObject> byName;
        for (const auto t : tools)
            byName.insert(t.toObject().value(QStringLiteral("tool")).toString(), t.toObject());
        QVERIFY(byName.contains(QStringLiteral("Exec")));
        QVERIFY(byName.contains(QStringLiteral("FileSystem")));
        QCOMPARE(byName.value(QStringLiteral("Exec")).value(QStringLiteral("custom")).toBool(),
                 false);
        QCOMPARE(byName.value(QStringLiteral("Probe")).value(QStringLiteral("custom")).toBool(),
                 true);
        QVERIFY(!byName.value(QStringLiteral("Exec"))
                     .value(QStringLiteral("methods"))
                     .toArray()
                     .isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
