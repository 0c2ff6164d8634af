// The agent session end to end against a real python3: bootstrap, calls, sync, errors, logs,
// timeouts, cancellation, connection loss, hostile or broken interpreters.
#include "tests/support/AgentTestUtil.h"
#include "tests/support/TestEnv.h"

#include "engine/agent/AgentSession.h"
#include "engine/agent/Bytecode.h"
#include "engine/transport/LocalTransport.h"
#include "engine/wire/DataCodec.h"
#include "engine/wire/FrameCodec.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/types.h>

using namespace hostdeck::engine;
using namespace hostdeck::test;

namespace {

CallRequest request(const QString& tool, const QString& method, const QJsonObject& args = {})
{
    CallRequest r;
    r.tool = tool;
    r.method = method;
    r.args = args;
    return r;
}

QString describe(const CallResult& r)
{
    return r.ok ? QStringLiteral("ok") : r.error.message;
}

} // namespace

class TestAgentSession : public QObject
{
    Q_OBJECT
private slots:
    void bootstrapsAndReportsVersion()
    {
        auto session = makeLocalTestSession();
        QCOMPARE(startAndWait(*session), QString());
        QVERIFY(session->pythonVersion().startsWith(QStringLiteral("3.")));
        QVERIFY(session->agentPid() > 0);
        const qsizetype wire = Bootstrap::bytesBeforeHandshake({});
        qInfo("bytes before handshake: %lld (payload %lld)", qint64(wire),
              qint64(Bootstrap::payload().size()));
        QVERIFY2(wire <= 8192, "bootstrap must stay within 8 KB");
    }

    void runsFromBytecodeWhenThePythonMatches_data()
    {
        QTest::addColumn<bool>("bytecode");
        QTest::newRow("bytecode offered") << true;
        QTest::newRow("source only") << false;
    }
    void runsFromBytecodeWhenThePythonMatches()
    {
        // The agent runs on the python3 that compiled the build's bytecode, so its magic must
        // match: with bytecode offered, the agent, Exec and _proc run from it; a custom module, or
        // a session told not to, compiles the source. Both work.
        QFETCH(bool, bytecode);
        QVERIFY2(!Bytecode::magicHex().isEmpty(), "the build embedded no bytecode");
        auto tools = std::make_shared<ToolRegistry>(ToolRegistry::load({testToolsDir()}));
        AgentSession::Options options;
        options.bootstrap.interpreter = {buildPython()};
        options.bootstrap.bytecode = bytecode;
        AgentSession session(std::make_unique<LocalTransport>(), tools, options);
        const CallResult run = callAndWait(
            session, QStringLiteral("Exec"), QStringLiteral("run"),
            {{QStringLiteral("argv"), QJsonArray{QStringLiteral("echo"), QStringLiteral("hi")}}});
        QVERIFY2(run.ok, qPrintable(describe(run)));
        QCOMPARE(run.value.toObject().value(QStringLiteral("stdout")).toString(),
                 QStringLiteral("hi\n"));
        const CallResult noisy =
            callAndWait(session, QStringLiteral("Probe"), QStringLiteral("noisy"));
        QVERIFY2(noisy.ok, qPrintable(describe(noisy)));
        const CallResult stats =
            callAndWait(session, QStringLiteral("_agent"), QStringLiteral("stats"));
        QVERIFY2(stats.ok, qPrintable(describe(stats)));
        const QJsonObject loaded = stats.value[QStringLiteral("loaded")].toObject();
        QCOMPARE(stats.value[QStringLiteral("bytecode_magic")].toString(), Bytecode::magicHex());
        const QString expected = bytecode ? QStringLiteral("bytecode") : QStringLiteral("source");
        const QStringList compiled{QStringLiteral("hostdeck-agent"), QStringLiteral("exec"),
                                   QStringLiteral("_proc")};
        for (const QString& name : compiled)
            QCOMPARE(loaded.value(name).toString(), expected);
        QCOMPARE(loaded.value(QStringLiteral("probe")).toString(), QStringLiteral("source"));
    }

    void filesInTheWorkingDirectoryCannotStandInForModules()
    {
        // The agent starts in whatever directory it is given (over SSH, sudo: the login user's
        // home); a _lzma.py or _json.py there must never be imported.
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QString marker = home.filePath(QStringLiteral("hijacked"));
        for (const char* name : {"_lzma", "_json", "_queue", "zlib", "select"}) {
            QFile file(home.filePath(QString::fromLatin1(name) + QStringLiteral(".py")));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QStringLiteral("open(%1, 'a').write('%2 ')\n")
                           .arg(QStringLiteral("'") + marker + QStringLiteral("'"),
                                QString::fromLatin1(name))
                           .toUtf8());
        }
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(home.path()));
        auto session = makeLocalTestSession();
        const CallResult r =
            callAndWait(*session, QStringLiteral("Exec"), QStringLiteral("run"),
                        {{QStringLiteral("argv"), QJsonArray{QStringLiteral("pwd")}}});
        QDir::setCurrent(before);
        QVERIFY2(r.ok, qPrintable(describe(r)));
        QCOMPARE(r.value[QStringLiteral("stdout")].toString(), home.path() + QStringLiteral("\n"));
        QVERIFY2(!QFile::exists(marker), "a module was imported from the working directory");
    }

    void echoesValuesIncludingBytes()
    {
        auto session = makeLocalTestSession();
        QByteArray raw(256, '\0');
        for (int i = 0; i < 256; ++i)
            raw[i] = char(i);
        const QJsonObject nested{
            {QStringLiteral("list"), QJsonArray{1, 2.5, QStringLiteral("ü"), QJsonValue()}},
            {QStringLiteral("bytes"), wire::bytesValue(raw)},
            {QStringLiteral("big"), qint64(1) << 52}};
        const CallResult r = callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("echo"),
                                         {{QStringLiteral("value"), nested}});
        QVERIFY2(r.ok, qPrintable(describe(r)));
        QCOMPARE(r.value.toObject(), nested);
        const auto back = wire::toBytes(r.value.toObject().value(QStringLiteral("bytes")));
        QVERIFY(back.has_value());
        QCOMPARE(*back, raw);
        const CallResult b =
            callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("bytes_echo"),
                        {{QStringLiteral("data"), wire::bytesValue(raw)}});
        QVERIFY2(b.ok, qPrintable(describe(b)));
        QCOMPARE(*wire::toBytes(b.value), raw);
    }

    void thousandConcurrentCalls()
    {
        auto session = makeLocalTestSession();
        session->start();
        int done = 0;
        int wrong = 0;
        for (int i = 0; i < 1000; ++i) {
            const bool inlineCall = i % 2 == 0;
            AgentCall* call = session->call(
                request(QStringLiteral("Probe"),
                        inlineCall ? QStringLiteral("echo") : QStringLiteral("sleep"),
                        inlineCall ? QJsonObject{{QStringLiteral("value"), i}}
                                   : QJsonObject{{QStringLiteral("seconds"), 0.001}}));
            connect(call, &AgentCall::finished, this,
                    [&done, &wrong, i, inlineCall](const CallResult& r) {
                        ++done;
                        if (!r.ok || (inlineCall && r.value.toInt() != i))
                            ++wrong;
                    });
        }
        QTRY_COMPARE_WITH_TIMEOUT(done, 1000, 30000);
        QCOMPARE(wrong, 0);
    }

    void racingFirstCallsSyncOnce()
    {
        auto session = makeLocalTestSession();
        int done = 0;
        for (int i = 0; i < 100; ++i) { // all issued before READY: the worst case for racing syncs
            AgentCall* call = session->call(request(QStringLiteral("Probe"), QStringLiteral("echo"),
                                                    {{QStringLiteral("value"), i}}));
            connect(call, &AgentCall::finished, this,
                    [&done](const CallResult& r) { done += r.ok ? 1 : 0; });
        }
        session->start();
        QTRY_COMPARE_WITH_TIMEOUT(done, 100, 20000);
        const CallResult stats =
            callAndWait(*session, QStringLiteral("_agent"), QStringLiteral("stats"));
        QVERIFY2(stats.ok, qPrintable(describe(stats)));
        QCOMPARE(stats.value.toObject()
                     .value(QStringLiteral("syncs"))
                     .toObject()
                     .value(QStringLiteral("probe"))
                     .toInt(),
                 1);
    }

    void remoteErrorCarriesTraceback()
    {
        auto session = makeLocalTestSession();
        const CallResult r = callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("fail"),
                                         {{QStringLiteral("message"), QStringLiteral("boom")}});
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, ErrorKind::Remote);
        QCOMPARE(r.error.type, QStringLiteral("ValueError"));
        QCOMPARE(r.error.message, QStringLiteral("boom"));
        QVERIFY(!r.error.traceback.isEmpty());
        const QJsonObject last = r.error.traceback.last().toObject();
        QCOMPARE(last.value(QStringLiteral("file")).toString(), QStringLiteral("tools/probe.py"));
        QVERIFY(last.value(QStringLiteral("line")).toInt() > 0);

        const CallResult t =
            callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("tool_error"),
                        {{QStringLiteral("message"), QStringLiteral("nope")}});
        QVERIFY(!t.ok);
        QCOMPARE(t.error.details.value(QStringLiteral("code")).toInt(), 7);
    }

    void unencodableResultStillAnswers()
    {
        auto session = makeLocalTestSession();
        const CallResult r =
            callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("unencodable"));
        QVERIFY(!r.ok);
        QCOMPARE(r.error.type, QStringLiteral("EncodeError"));
        QVERIFY(callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("echo"),
                            {{QStringLiteral("value"), 1}})
                    .ok);
    }

    void unknownToolAndMethod()
    {
        auto session = makeLocalTestSession();
        const CallResult r =
            callAndWait(*session, QStringLiteral("NoSuchTool"), QStringLiteral("x"));
        QCOMPARE(r.error.kind, ErrorKind::Usage);
        QVERIFY(r.error.message.contains(QStringLiteral("unknown tool 'NoSuchTool'")));
        const CallResult m =
            callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("no_such_method"));
        QVERIFY(!m.ok);
        QCOMPARE(m.error.kind, ErrorKind::Remote);
        QVERIFY2(m.error.message.contains(QStringLiteral("no_such_method")),
                 qPrintable(m.error.message));
    }

    void forwardsLogsAtTheConfiguredLevel()
    {
        auto session = makeLocalTestSession();
        QSignalSpy logs(session.get(), &AgentSession::logReceived);
        QCOMPARE(startAndWait(*session), QString());
        session->setLogLevel(20);
        QVERIFY(callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("log"),
                            {{QStringLiteral("level"), 10},
                             {QStringLiteral("message"), QStringLiteral("debug-hidden")}})
                    .ok);
        QVERIFY(callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("log"),
                            {{QStringLiteral("level"), 20},
                             {QStringLiteral("message"), QStringLiteral("info-shown")}})
                    .ok);
        QTRY_VERIFY_WITH_TIMEOUT(!logs.isEmpty(), 5000);
        QCOMPARE(logs.size(), 1);
        const auto record = logs.first().at(0).value<LogRecord>();
        QCOMPARE(record.message, QStringLiteral("info-shown"));
        QCOMPARE(record.level, 20);
        QCOMPARE(record.logger, QStringLiteral("probe"));
    }

    void timeoutFailsTheCallAndKeepsTheSession()
    {
        auto session = makeLocalTestSession();
        QCOMPARE(startAndWait(*session), QString());
        CallRequest slow = request(QStringLiteral("Probe"), QStringLiteral("sleep"),
                                   {{QStringLiteral("seconds"), 30}});
        slow.timeout = std::chrono::milliseconds(300);
        QElapsedTimer timer;
        timer.start();
        const CallResult r = callAndWait(*session, slow);
        QCOMPARE(r.error.kind, ErrorKind::Timeout);
        QVERIFY(r.error.message.contains(QStringLiteral("timed out")));
        QVERIFY(timer.elapsed() < 2000);
        QVERIFY(callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("echo"),
                            {{QStringLiteral("value"), 1}})
                    .ok);
    }

    void cancelReachesTheAgent()
    {
        QTemporaryDir dir;
        const QString marker = dir.filePath(QStringLiteral("cancelled"));
        auto session = makeLocalTestSession();
        QCOMPARE(startAndWait(*session), QString());
        AgentCall* call =
            session->call(request(QStringLiteral("Probe"), QStringLiteral("wait_cancel"),
                                  {{QStringLiteral("marker"), marker}}));
        QSignalSpy finished(call, &AgentCall::finished);
        QTest::qWait(200);
        QVERIFY(finished.isEmpty());
        call->cancel();
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(0).value<CallResult>().error.kind, ErrorKind::Cancelled);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(marker), 5000); // the tool saw its cancel event
    }

    void agentKilledMidCall()
    {
        auto session = makeLocalTestSession();
        QCOMPARE(startAndWait(*session), QString());
        AgentCall* call = session->call(request(QStringLiteral("Probe"), QStringLiteral("sleep"),
                                                {{QStringLiteral("seconds"), 60}}));
        QSignalSpy finished(call, &AgentCall::finished);
        QTest::qWait(100);
        QElapsedTimer timer;
        timer.start();
        ::kill(pid_t(session->agentPid()), SIGKILL);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 1000);
        qInfo("pending call failed %lld ms after the kill", qint64(timer.elapsed()));
        const auto r = finished.first().at(0).value<CallResult>();
        QCOMPARE(r.error.kind, ErrorKind::ConnectionLost);
        QVERIFY2(r.error.message.startsWith(QStringLiteral("connection lost")),
                 qPrintable(r.error.message));
        // Every later call fails at once.
        timer.restart();
        AgentCall* later = session->call(request(QStringLiteral("Probe"), QStringLiteral("echo"),
                                                 {{QStringLiteral("value"), 1}}));
        QSignalSpy laterDone(later, &AgentCall::finished);
        QVERIFY(laterDone.wait(1000));
        QVERIFY(timer.elapsed() < 200);
        QCOMPARE(laterDone.first().at(0).value<CallResult>().error.kind, ErrorKind::ConnectionLost);
    }

    void noisyToolCannotCorruptTheStream()
    {
        auto session = makeLocalTestSession();
        const CallResult r =
            callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("noisy"));
        QVERIFY2(r.ok, qPrintable(describe(r)));
        QCOMPARE(r.value.toString(), QStringLiteral("clean"));
        const CallResult after =
            callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("echo"),
                        {{QStringLiteral("value"), QStringLiteral("still fine")}});
        QCOMPARE(after.value.toString(), QStringLiteral("still fine"));
    }

    void streamsChunksBeforeTheResult()
    {
        auto session = makeLocalTestSession();
        AgentCall* call = session->call(
            request(QStringLiteral("Probe"), QStringLiteral("stream"), {{QStringLiteral("n"), 5}}));
        QStringList lines;
        bool finishedFirst = false;
        connect(call, &AgentCall::chunk, this, [&](const QString& stream, const QJsonValue& data) {
            QCOMPARE(stream, QStringLiteral("stdout"));
            lines << data.toString();
        });
        QSignalSpy finished(call, &AgentCall::finished);
        connect(call, &AgentCall::finished, this, [&] { finishedFirst = lines.size() == 5; });
        session->start();
        QVERIFY(finished.wait(10000));
        QVERIFY(finishedFirst);
        QCOMPARE(lines.first(), QStringLiteral("line 0\n"));
    }

    void describesTools()
    {
        auto session = makeLocalTestSession();
        CallRequest r = request(QStringLiteral("_agent"), QStringLiteral("describe"),
                                {{QStringLiteral("modules"), QJsonArray{QStringLiteral("probe")}}});
        r.syncModules << QStringLiteral("probe");
        const CallResult d = callAndWait(*session, r);
        QVERIFY2(d.ok, qPrintable(describe(d)));
        const QJsonObject probe = d.value.toArray().first().toObject();
        QCOMPARE(probe.value(QStringLiteral("tool")).toString(), QStringLiteral("Probe"));
        bool sawSleep = false;
        for (const auto m : probe.value(QStringLiteral("methods")).toArray()) {
            const QJsonObject method = m.toObject();
            if (method.value(QStringLiteral("name")).toString() != QStringLiteral("sleep"))
                continue;
            sawSleep = true;
            const QJsonObject param =
                method.value(QStringLiteral("params")).toArray().first().toObject();
            QCOMPARE(param.value(QStringLiteral("name")).toString(), QStringLiteral("seconds"));
            QCOMPARE(param.value(QStringLiteral("type")).toString(), QStringLiteral("float"));
        }
        QVERIFY(sawSleep);
    }

    // --- broken or hostile interpreters --------------------------------------------------

    void interpreterMissing()
    {
        auto session = makeLocalTestSession({QStringLiteral("/nonexistent/python3")});
        const QString error = startAndWait(*session);
        QVERIFY2(
            error.contains(QStringLiteral("python interpreter '/nonexistent/python3' not found")),
            qPrintable(error));
        const CallResult r = callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("echo"));
        QVERIFY(!r.ok);
    }

    void interpreterExitsBeforeReady()
    {
        QTemporaryDir dir;
        const QString fake = writeScript(dir.path(), QStringLiteral("py"),
                                         "#!/bin/sh\necho 'fatal: broken install' >&2\nexit 5\n");
        auto session = makeLocalTestSession({fake});
        const QString error = startAndWait(*session);
        QVERIFY2(error.contains(QStringLiteral("exited with code 5 before READY")),
                 qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("broken install")), qPrintable(error));
    }

    void pythonTooOld()
    {
        // A real interpreter made to report 3.6.9: the loader's own version check must name it.
        QTemporaryDir dir;
        const QByteArray shim = "#!" + python().toUtf8() +
                                "\n"
                                "import sys\n"
                                "code = sys.argv[sys.argv.index('-c') + 1]\n"
                                "sys.version_info = (3, 6, 9, 'final', 0)\n"
                                "sys.version = '3.6.9 (fake)'\n"
                                "exec(code)\n";
        const QString fake = writeScript(dir.path(), QStringLiteral("python3.6"), shim);
        auto session = makeLocalTestSession({fake});
        const QString error = startAndWait(*session);
        QVERIFY2(error.contains(QStringLiteral("Python 3.6.9")) &&
                     error.contains(QStringLiteral("too old")),
                 qPrintable(error));
    }

    void realOldPythons_data()
    {
        // Bullseye's python2.7 and python3 (3.9, the oldest python3 a fresh Debian machine can
        // get) come from CTest's fixture (tests/support/debian_chroot.py); Pythons that happen
        // to be installed here (pyenv) are tried too, 3.8 being the oldest the agent claims.
        QTest::addColumn<QString>("interpreter");
        QTest::addColumn<bool>("works");
        QTest::newRow("2.7 (bullseye)") << qEnvironmentVariable("HOSTDECK_PYTHON27") << false;
        QTest::newRow("oldest (bullseye)")
            << qEnvironmentVariable("HOSTDECK_OLDEST_PYTHON") << true;
        const QString root = QStringLiteral("/root/.pyenv/versions/");
        for (const auto& [version, works] : {std::pair{QStringLiteral("3.6.15"), false},
                                             std::pair{QStringLiteral("3.8.18"), true}}) {
            const QString path = root + version + QStringLiteral("/bin/python3");
            if (QFile::exists(path))
                QTest::newRow(qPrintable(version + QStringLiteral(" (pyenv)"))) << path << works;
        }
    }
    void realOldPythons()
    {
        QFETCH(QString, interpreter);
        QFETCH(bool, works);
        if (interpreter.isEmpty())
            QSKIP("HOSTDECK_PYTHON27 / HOSTDECK_OLDEST_PYTHON not set (run through ctest)");
        QVERIFY2(QFile::exists(interpreter), qPrintable(interpreter));
        auto session = makeLocalTestSession({interpreter});
        const QString error = startAndWait(*session);
        if (!works) {
            QVERIFY2(error.contains(QStringLiteral("too old")), qPrintable(error));
            return;
        }
        QCOMPARE(error, QString());
        const CallResult r =
            callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("noisy"));
        QVERIFY2(r.ok, qPrintable(describe(r)));
        const CallResult t = callAndWait(
            *session, QStringLiteral("Template"), QStringLiteral("render"),
            {{QStringLiteral("template"), QStringLiteral("% for x in xs:\n${x}\n% endfor")},
             {QStringLiteral("vars"), QJsonObject{{QStringLiteral("xs"), QJsonArray{1, 2}}}}});
        QVERIFY2(t.ok, qPrintable(describe(t)));
        QCOMPARE(t.value.toString(), QStringLiteral("1\n2"));
    }

    void garbageInsteadOfReady()
    {
        QTemporaryDir dir;
        const QString fake = writeScript(
            dir.path(), QStringLiteral("py"),
            "#!/bin/sh\necho 'Welcome to a noisy host'\necho 'not an agent'\nsleep 30\n");
        auto session = makeLocalTestSession({fake}, std::chrono::milliseconds(800));
        QElapsedTimer timer;
        timer.start();
        const QString error = startAndWait(*session);
        QVERIFY2(error.contains(QStringLiteral("garbage instead of READY")) &&
                     error.contains(QStringLiteral("not an agent")),
                 qPrintable(error));
        QVERIFY(timer.elapsed() < 3000);
    }

    void endlessGarbageFailsFast()
    {
        QTemporaryDir dir;
        const QString fake =
            writeScript(dir.path(), QStringLiteral("py"), "#!/bin/sh\nexec yes garbage\n");
        auto session = makeLocalTestSession({fake}, std::chrono::seconds(30));
        QElapsedTimer timer;
        timer.start();
        const QString error = startAndWait(*session);
        QVERIFY2(error.contains(QStringLiteral("garbage instead of READY")), qPrintable(error));
        QVERIFY(timer.elapsed() < 5000);
    }

    void bannerBeforeReadyIsSkipped()
    {
        QTemporaryDir dir;
        const QByteArray wrapper =
            "#!/bin/sh\necho 'Last login: yesterday'\necho '*** MOTD ***'\nexec " +
            python().toUtf8() + " \"$@\"\n";
        const QString fake = writeScript(dir.path(), QStringLiteral("py"), wrapper);
        auto session = makeLocalTestSession({fake});
        QCOMPARE(startAndWait(*session), QString());
        QVERIFY(callAndWait(*session, QStringLiteral("Probe"), QStringLiteral("echo"),
                            {{QStringLiteral("value"), 2}})
                    .ok);
    }

    void hostileAgentCannotSendRequests_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<QString>("expected");
        QTest::newRow("call-request")
            << wire::encodeFrame(wire::FrameType::Call, 1, R"({"tool":"x"})")
            << QStringLiteral("it sent a request");
        QTest::newRow("sync-request")
            << wire::encodeFrame(wire::FrameType::Sync, 1, R"({"module":"x","source":"import os"})")
            << QStringLiteral("it sent a request");
        QTest::newRow("pickle") << QByteArray("\x80\x04\x95 cos\nsystem\n(S'touch /tmp/pwned'\ntR.",
                                              40)
                                << QStringLiteral("bad frame magic");
        QByteArray huge = wire::encodeFrame(wire::FrameType::Result, 1, "1");
        huge[16] = char(0x7f); // claims a ~2 GiB body
        QTest::newRow("oversized") << huge << QStringLiteral("exceeds the maximum");
        QTest::newRow("bad-json") << wire::encodeFrame(wire::FrameType::Result, 1, "{not json")
                                  << QStringLiteral("bad JSON body");
    }
    void hostileAgentCannotSendRequests()
    {
        // A fake agent (what a compromised host could run) answers READY and then sends `frame`.
        QFETCH(QByteArray, frame);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QFile payload(dir.filePath(QStringLiteral("frame.bin")));
        QVERIFY(payload.open(QIODevice::WriteOnly));
        payload.write(frame);
        payload.close();
        const QByteArray script = "#!/bin/sh\nprintf 'HOSTDECK-READY 1 3.11.0 1\\n'\ncat '" +
                                  payload.fileName().toUtf8() + "'\nexec sleep 30\n";
        const QString fake = writeScript(dir.path(), QStringLiteral("py"), script);
        auto session = makeLocalTestSession({fake});
        QSignalSpy closed(session.get(), &AgentSession::closed);
        AgentCall* call = session->call(request(QStringLiteral("Probe"), QStringLiteral("echo"),
                                                {{QStringLiteral("value"), 1}}));
        QSignalSpy finished(call, &AgentCall::finished);
        session->start();
        QVERIFY(finished.wait(5000));
        const auto r = finished.first().at(0).value<CallResult>();
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, ErrorKind::Protocol);
        QVERIFY2(r.error.message.contains(expected), qPrintable(r.error.message));
        QCOMPARE(closed.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestAgentSession)
#include "tst_agentsession.moc"
