// hostdeck-cli as users and scripts call it: exit codes, stdout/stderr contracts.
#include "tests/support/TestEnv.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
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

/// True when `bytes` holds something a terminal would act on: C0 controls other than \n and \t,
/// DEL, or a C1 control encoded in UTF-8.
bool hasTerminalControls(const QByteArray& bytes)
{
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const auto c = quint8(bytes[i]);
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            return true;
        if (c == 0xc2 && i + 1 < bytes.size() && quint8(bytes[i + 1]) >= 0x80 &&
            quint8(bytes[i + 1]) <= 0x9f)
            return true;
    }
    return false;
}

QString fakeAgentCommand(const QString& mode)
{
    return python() + QStringLiteral(" ") + sourceDir() +
           QStringLiteral("/tests/support/fake_agent.py ") + mode;
}

const QByteArray kBrokenModule = "import hostdeck\n"
                                 "\n"
                                 "class Broken:\n"
                                 "    @staticmethod\n"
                                 "    def go() -> int:\n"
                                 "        return 1\n"
                                 "\n"
                                 "raise RuntimeError('broken at import')\n";
const QByteArray kGoodModule = "import hostdeck\n"
                               "\n"
                               "class Good:\n"
                               "    @staticmethod\n"
                               "    def go() -> int:\n"
                               "        return 2\n";

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

    void rerunFailedRunsOnlyTheFailedHosts()
    {
        // Two local hosts; "late" starts a python3 that does not exist yet, so it is unreachable.
        // Once it exists, --rerun-failed runs a call and a recipe again on "late" alone.
        QTemporaryDir dir;
        QString python3 = python();
        if (!QFileInfo(python3).isAbsolute())
            python3 = QStandardPaths::findExecutable(python3);
        QVERIFY(!python3.isEmpty());
        const QString late = dir.filePath(QStringLiteral("late/python3"));
        const QString inventory =
            writeFile(dir, QStringLiteral("inventory.yml"),
                      QStringLiteral("all:\n  hosts:\n    early:\n      ansible_connection: local\n"
                                     "    late:\n      ansible_connection: local\n"
                                     "      ansible_python_interpreter: %1\n")
                          .arg(late)
                          .toUtf8());
        const QString recipe = writeFile(dir, QStringLiteral("recipe.yml"),
                                         "steps:\n  - name: who\n    Facts.hostname: {}\n");
        const QString history = dir.filePath(QStringLiteral("history.sqlite"));
        const QStringList common{QStringLiteral("-i"),        inventory,
                                 QStringLiteral("-l"),        QStringLiteral("all"),
                                 QStringLiteral("--python"),  python3,
                                 QStringLiteral("--history"), history,
                                 QStringLiteral("--json")};
        const auto hostsOf = [](const QByteArray& out) {
            QStringList hosts;
            for (const QByteArray& line : out.split('\n')) {
                const QJsonObject record = QJsonDocument::fromJson(line).object();
                if (record.contains(QStringLiteral("host")))
                    hosts << record.value(QStringLiteral("host")).toString() + QLatin1Char('=') +
                                 record.value(QStringLiteral("status")).toString();
            }
            hosts.sort();
            return hosts;
        };
        const Run call = cli(QStringList{QStringLiteral("call")} + common +
                             QStringList{QStringLiteral("Facts.hostname")});
        QCOMPARE(call.code, 1);
        QCOMPARE(hostsOf(call.out),
                 (QStringList{QStringLiteral("early=ok"), QStringLiteral("late=unreachable")}));
        const Run recipeRun =
            cli(QStringList{QStringLiteral("run")} + common + QStringList{recipe});
        QCOMPARE(hostsOf(recipeRun.out),
                 (QStringList{QStringLiteral("early=ok"), QStringLiteral("late=unreachable")}));

        QVERIFY(QDir().mkpath(QFileInfo(late).path()));
        QVERIFY(QFile::link(python3, late));
        // History ids: the call is run 1, the recipe run 2.
        const Run callAgain = cli(QStringList{QStringLiteral("call")} + common +
                                  QStringList{QStringLiteral("--rerun-failed"), QStringLiteral("1"),
                                              QStringLiteral("Facts.hostname")});
        QVERIFY2(callAgain.code == 0, callAgain.err.constData());
        QCOMPARE(hostsOf(callAgain.out), QStringList{QStringLiteral("late=ok")});
        const Run recipeAgain =
            cli(QStringList{QStringLiteral("run")} + common +
                QStringList{QStringLiteral("--rerun-failed"), QStringLiteral("2"), recipe});
        QVERIFY2(recipeAgain.code == 0, recipeAgain.err.constData());
        QCOMPARE(hostsOf(recipeAgain.out), QStringList{QStringLiteral("late=ok")});
        // The newest run failed nowhere: nothing to run again.
        const Run nothing =
            cli(QStringList{QStringLiteral("call")} + common +
                QStringList{QStringLiteral("--rerun-failed"), QStringLiteral("last"),
                            QStringLiteral("Facts.hostname")});
        QVERIFY2(nothing.err.contains("no failed or unreachable host"), nothing.err.constData());
        QVERIFY(hostsOf(nothing.out).isEmpty());
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
        QTest::newRow("no-python") << QStringList{QStringLiteral("call"),
                                                  QStringLiteral("--local"),
                                                  QStringLiteral("--python"),
                                                  QStringLiteral("/no/such/python"),
                                                  QStringLiteral("Exec.run"),
                                                  QStringLiteral("--arg"),
                                                  QStringLiteral(R"(argv=["true"])")}
                                   << QStringLiteral("not found");
        QTest::newRow("arg-type")
            << QStringList{QStringLiteral("call"), QStringLiteral("--local"),
                           QStringLiteral("Exec.run"), QStringLiteral("--arg"),
                           QStringLiteral("argv=1")}
            << QStringLiteral("Exec.run: parameter 'argv' expects list[str], got 1 (a number)");
        QTest::newRow("arg-item-type")
            << QStringList{QStringLiteral("call"), QStringLiteral("--local"),
                           QStringLiteral("Exec.run"), QStringLiteral("--arg"),
                           QStringLiteral(R"(argv=["ls",{"a":1}])")}
            << QStringLiteral("parameter 'argv' expects list[str], got item 1 = {\"a\":1}");
        QTest::newRow("arg-unknown")
            << QStringList{QStringLiteral("call"), QStringLiteral("--local"),
                           QStringLiteral("Facts.hostname"), QStringLiteral("--arg"),
                           QStringLiteral("bogus=1")}
            << QStringLiteral("Facts.hostname has no parameter 'bogus'");
        QTest::newRow("arg-missing")
            << QStringList{QStringLiteral("call"), QStringLiteral("--local"),
                           QStringLiteral("FileSystem.read_text")}
            << QStringLiteral("missing required parameter 'path'");
        QTest::newRow("internal-method")
            << QStringList{QStringLiteral("call"), QStringLiteral("--local"),
                           QStringLiteral("FileSystem.upload_begin"), QStringLiteral("--arg"),
                           QStringLiteral("dest=/tmp/x")}
            << QStringLiteral("protocol piece");
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

    void toolsListsABrokenModuleWithItsError()
    {
        // A user module that raises at import: `tools` still works, lists the other tools, and
        // names the broken module with its error and traceback.
        QTemporaryDir dir;
        writeFile(dir, QStringLiteral("broken.py"), kBrokenModule);
        writeFile(dir, QStringLiteral("good.py"), kGoodModule);
        const Run r = cli({QStringLiteral("tools"), QStringLiteral("--tools-dir"), dir.path()});
        QVERIFY2(r.code == 0, r.err.constData());
        QJsonObject broken;
        QStringList tools;
        for (const auto entry : QJsonDocument::fromJson(r.out).array()) {
            const QJsonObject o = entry.toObject();
            if (o.contains(QStringLiteral("error")))
                broken = o;
            else
                tools << o.value(QStringLiteral("tool")).toString();
        }
        QVERIFY2(tools.contains(QStringLiteral("Good")) && tools.contains(QStringLiteral("Exec")),
                 qPrintable(tools.join(QLatin1Char(' '))));
        QCOMPARE(broken.value(QStringLiteral("module")).toString(), QStringLiteral("broken"));
        QCOMPARE(broken.value(QStringLiteral("custom")).toBool(), true);
        const QJsonObject error = broken.value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("RuntimeError"));
        QCOMPARE(error.value(QStringLiteral("message")).toString(),
                 QStringLiteral("broken at import"));
        const QJsonObject last =
            error.value(QStringLiteral("traceback")).toArray().last().toObject();
        QCOMPARE(last.value(QStringLiteral("file")).toString(), QStringLiteral("tools/broken.py"));
        QCOMPARE(last.value(QStringLiteral("line")).toInt(), 8);
    }

    void callIntoABrokenModuleShowsWhyItFailed()
    {
        QTemporaryDir dir;
        writeFile(dir, QStringLiteral("broken.py"), kBrokenModule);
        const Run r = cli({QStringLiteral("call"), QStringLiteral("--local"),
                           QStringLiteral("--tools-dir"), dir.path(), QStringLiteral("Broken.go")});
        // Refused on the controller, from the description of the module that failed to load.
        QCOMPARE(r.code, 2);
        const QString message = QString::fromUtf8(r.err);
        QVERIFY2(message.contains(QStringLiteral("tool module 'broken' failed to load")) &&
                     message.contains(QStringLiteral("RuntimeError: broken at import")) &&
                     message.contains(QStringLiteral("tools/broken.py:8")),
                 qPrintable(message));
        QVERIFY(!message.contains(QStringLiteral("not synced")));
    }

    void onlyDeclaredMethodsAreCallable()
    {
        for (const QString& method :
             {QStringLiteral("FileSystem.mro"), QStringLiteral("FileSystem.__subclasshook__"),
              QStringLiteral("Exec.__init__")}) {
            // Refused on the controller (the agent refuses them too: py_agent_agenttests).
            const Run r = cli({QStringLiteral("call"), QStringLiteral("--local"), method});
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains("has no method"), r.err.constData());
        }
    }

    void remoteTextReachesTheTerminalEscaped_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QByteArray>("expected"); ///< in stdout + stderr, as shown
        QTest::newRow("noise and stderr before READY")
            << QStringList{QStringLiteral("--python"),
                           fakeAgentCommand(QStringLiteral("noise-exit")),
                           QStringLiteral("Exec.which"), QStringLiteral("--arg"),
                           QStringLiteral("program=sh")}
            << 2 << QByteArray("\\x1b]0;pwned-title\\x07");
        QTest::newRow("remote error message and traceback")
            << QStringList{QStringLiteral("--python"), fakeAgentCommand(QStringLiteral("ansi")),
                           QStringLiteral("Exec.which"), QStringLiteral("--arg"),
                           QStringLiteral("program=sh")}
            << 1 << QByteArray("boom \\\\x1b[31mred");
        QTest::newRow("streamed output lines")
            << QStringList{QStringLiteral("--stream"), QStringLiteral("Exec.run"),
                           QStringLiteral("--arg"),
                           QStringLiteral("argv=[\"printf\", \"one\\\\033]0;pwned\\\\007\\\\033[2J"
                                          "\\\\302\\\\233two\\\\rthree\\\\n\"]")}
            << 0 << QByteArray("one\\x1b]0;pwned\\x07\\x1b[2J\\x9btwo\\rthree\n");
    }
    void remoteTextReachesTheTerminalEscaped()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QByteArray, expected);
        const Run r = cli(QStringList{QStringLiteral("call"), QStringLiteral("--local")} + args);
        QCOMPARE(r.code, code);
        QVERIFY2(!hasTerminalControls(r.out), r.out.constData());
        QVERIFY2(!hasTerminalControls(r.err), r.err.constData());
        const QByteArray shown = r.out + r.err;
        QVERIFY2(shown.contains(expected), shown.constData());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
