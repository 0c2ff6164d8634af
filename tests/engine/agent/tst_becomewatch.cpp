// What sudo and the su stage print while an agent starts as another user (BecomeWatch), fed
// whole, split at every byte and byte by byte; and the command lines Bootstrap builds for su,
// read back by a real /bin/sh.
#include "engine/agent/BecomeWatch.h"
#include "engine/agent/Bootstrap.h"

#include <QProcess>
#include <QTest>

using namespace hostdeck::engine;

Q_DECLARE_METATYPE(BecomeWatch::Outcome)
Q_DECLARE_METATYPE(BecomeMethod)

namespace {
struct Seen
{
    BecomeWatch::Outcome last = BecomeWatch::Outcome::NeedMore; ///< the last outcome reported
    QString text;
    int exitCode = 0;
    int prompts = 0;
    int promptSteps = 0; ///< Prompt outcomes reported (answered)
};

Seen feedAll(BecomeMethod method, const QList<QByteArray>& chunks)
{
    BecomeWatch watch(method);
    Seen seen;
    for (const QByteArray& chunk : chunks) {
        const BecomeWatch::Step step = watch.feed(chunk);
        if (step.outcome == BecomeWatch::Outcome::NeedMore)
            continue;
        if (step.outcome == BecomeWatch::Outcome::Prompt)
            ++seen.promptSteps;
        seen.last = step.outcome;
        seen.text = step.text;
        seen.exitCode = step.exitCode;
        if (step.outcome != BecomeWatch::Outcome::Prompt)
            break; // decisive: the session ends here
    }
    seen.prompts = watch.prompts();
    return seen;
}
} // namespace

class TestBecomeWatch : public QObject
{
    Q_OBJECT

private slots:
    void watches_data()
    {
        QTest::addColumn<BecomeMethod>("method");
        QTest::addColumn<QByteArray>("stderrBytes");
        QTest::addColumn<BecomeWatch::Outcome>("outcome");
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("prompts");
        QTest::addColumn<int>("exitCode");
        using O = BecomeWatch::Outcome;
        const QByteArray sudo = Bootstrap::sudoPromptMarker();
        QTest::newRow("sudo prompt")
            << BecomeMethod::Sudo << sudo << O::Prompt << QString() << 1 << 0;
        QTest::newRow("sudo lecture then prompt")
            << BecomeMethod::Sudo
            << QByteArray("\nWe trust you have received the usual lecture.\n\n    #1) Respect.\n") +
                   sudo
            << O::Prompt << QString() << 1 << 0;
        QTest::newRow("sudo wrong password")
            << BecomeMethod::Sudo << sudo + "\nSorry, try again.\n" + sudo << O::AskedAgain
            << QString() << 2 << 0;
        QTest::newRow("sudo not in sudoers after the password")
            << BecomeMethod::Sudo
            << sudo + "hdbecome is not in the sudoers file.  This incident will be reported.\n"
            << O::Refused
            << QStringLiteral("hdbecome is not in the sudoers file.  This incident will be "
                              "reported.")
            << 1 << 0;
        QTest::newRow("sudo not allowed as that user")
            << BecomeMethod::Sudo
            << QByteArray("Sorry, user a is not allowed to execute '/usr/bin/python3' as b.\n")
            << O::Refused
            << QStringLiteral("Sorry, user a is not allowed to execute '/usr/bin/python3' as b.")
            << 0 << 0;
        QTest::newRow("sudo ignores su markers")
            << BecomeMethod::Sudo
            << QByteArray("\nHOSTDECK-SU-PROMPT:Password:\nHOSTDECK-SU-FAILED 1 x\n") << O::NeedMore
            << QString() << 0 << 0;
        QTest::newRow("sudo prompt after 100 KB of noise without a line end")
            << BecomeMethod::Sudo << QByteArray(100 * 1024, 'n') + sudo << O::Prompt << QString()
            << 1 << 0;
        QTest::newRow("su prompt")
            << BecomeMethod::Su << QByteArray("\nHOSTDECK-SU-PROMPT:Password:\n") << O::Prompt
            << QStringLiteral("Password:") << 1 << 0;
        QTest::newRow("su rc noise, translated prompt")
            << BecomeMethod::Su
            << QByteArray("rc noise on stderr\n\nHOSTDECK-SU-PROMPT:Passwort: \n") << O::Prompt
            << QStringLiteral("Passwort:") << 1 << 0;
        QTest::newRow("su wrong password")
            << BecomeMethod::Su
            << QByteArray("\nHOSTDECK-SU-PROMPT:Password:\n\nHOSTDECK-SU-FAILED 1 su: "
                          "Authentication failure\n")
            << O::Failed << QStringLiteral("su: Authentication failure") << 1 << 1;
        QTest::newRow("su asks twice")
            << BecomeMethod::Su
            << QByteArray("\nHOSTDECK-SU-PROMPT:Password:\n\nHOSTDECK-SU-PROMPT:New password:\n")
            << O::AskedAgain << QStringLiteral("New password:") << 2 << 0;
        QTest::newRow("su fails before any prompt, CRLF")
            << BecomeMethod::Su
            << QByteArray("\r\nHOSTDECK-SU-FAILED 127 su: No such file or directory\r\n")
            << O::Failed << QStringLiteral("su: No such file or directory") << 0 << 127;
        QTest::newRow("su failure without words")
            << BecomeMethod::Su << QByteArray("HOSTDECK-SU-FAILED 129\n") << O::Failed << QString()
            << 0 << 129;
        QTest::newRow("su ignores sudo's marker and words")
            << BecomeMethod::Su << sudo + "x is not in the sudoers file.\n"
            << O::NeedMore << QString() << 0 << 0;
        QTest::newRow("su marker not at a line start")
            << BecomeMethod::Su << QByteArray("noise HOSTDECK-SU-PROMPT:Password:\n") << O::NeedMore
            << QString() << 0 << 0;
    }

    void watches()
    {
        QFETCH(BecomeMethod, method);
        QFETCH(QByteArray, stderrBytes);
        QFETCH(BecomeWatch::Outcome, outcome);
        QFETCH(QString, text);
        QFETCH(int, prompts);
        QFETCH(int, exitCode);
        // Whole, then split at every position, then one byte at a time: the same decision.
        QList<QList<QByteArray>> feeds{{stderrBytes}};
        const qsizetype step = stderrBytes.size() > 2000 ? 997 : 1;
        for (qsizetype cut = 1; cut < stderrBytes.size(); cut += step)
            feeds.append({stderrBytes.left(cut), stderrBytes.mid(cut)});
        if (stderrBytes.size() < 2000) {
            QList<QByteArray> bytes;
            for (char c : stderrBytes)
                bytes.append(QByteArray(1, c));
            feeds.append(bytes);
        }
        for (const QList<QByteArray>& chunks : std::as_const(feeds)) {
            const Seen seen = feedAll(method, chunks);
            const QByteArray where = "in " + QByteArray::number(chunks.size()) + " chunks, first " +
                                     QByteArray::number(chunks.first().size()) + " bytes";
            QVERIFY2(seen.last == outcome, where.constData());
            QVERIFY2(seen.text == text, qPrintable(seen.text + u' ' + QString::fromLatin1(where)));
            QVERIFY2(seen.prompts == prompts, where.constData());
            QVERIFY2(seen.exitCode == exitCode, where.constData());
            // A prompt is answered at most once, and never when the same bytes already decide.
            QVERIFY2(seen.promptSteps <= 1, where.constData());
        }
    }

    void suCommandLine_data()
    {
        QTest::addColumn<QStringList>("interpreter");
        QTest::addColumn<QString>("user");
        QTest::newRow("python3, root") << QStringList{QStringLiteral("python3")} << QString();
        QTest::newRow("env python3, a user")
            << QStringList{QStringLiteral("/usr/bin/env"), QStringLiteral("python3")}
            << QStringLiteral("hdsu");
        QTest::newRow("quotes and spaces in the path")
            << QStringList{QStringLiteral("/opt/it's here/py'thon")} << QStringLiteral("a.b");
    }

    void suCommandLine()
    {
        QFETCH(QStringList, interpreter);
        QFETCH(QString, user);
        Bootstrap::Options options;
        options.interpreter = interpreter;
        options.become = true;
        options.becomeMethod = BecomeMethod::Su;
        options.becomeUser = user;
        QCOMPARE(Bootstrap::problem(options), QString());
        const Command command = Bootstrap::command(options);
        const QStringList argv = QStringList{command.program} + command.arguments;
        // INTERPRETER -E -S -c STAGE su USER -c 'exec INTERPRETER -E -S -c LOADER'
        const qsizetype n = interpreter.size();
        QCOMPARE(argv.mid(0, n), interpreter);
        QCOMPARE(argv.mid(n, 3),
                 (QStringList{QStringLiteral("-E"), QStringLiteral("-S"), QStringLiteral("-c")}));
        QVERIFY(argv.at(n + 3).contains(QStringLiteral("openpty")));
        QCOMPARE(argv.mid(n + 4, 3),
                 (QStringList{QStringLiteral("su"), user.isEmpty() ? QStringLiteral("root") : user,
                              QStringLiteral("-c")}));
        QCOMPARE(argv.size(), n + 8);
        const QString inner = argv.at(n + 7);
        QVERIFY(inner.startsWith(QStringLiteral("exec ")));
        // What the user's shell makes of it: the same words a real /bin/sh reads back.
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"),
                 {QStringLiteral("-c"),
                  QStringLiteral("printf '%s\\0' ") + inner.mid(QStringLiteral("exec ").size())});
        QVERIFY(sh.waitForFinished(10000));
        QCOMPARE(sh.exitCode(), 0);
        QList<QByteArray> words = sh.readAllStandardOutput().split('\0');
        QCOMPARE(words.takeLast(), QByteArray());
        QStringList read;
        for (const QByteArray& word : words)
            read << QString::fromUtf8(word);
        QCOMPARE(read.mid(0, n), interpreter);
        QCOMPARE(read.size(), n + 4);
        const QString loader = read.last();
        QVERIFY(loader.startsWith(QStringLiteral("import sys,posix as os\nfor i in 0,1,2:")));
        QVERIFY(loader.contains(QString::fromLatin1(Bootstrap::loaderMarker())));
        // Nothing secret can be in it, and it stays small.
        QVERIFY2(Bootstrap::bytesBeforeHandshake(options) < 8192,
                 qPrintable(QString::number(Bootstrap::bytesBeforeHandshake(options))));
    }

    void becomeUsersSuCannotTake_data()
    {
        QTest::addColumn<BecomeMethod>("method");
        QTest::addColumn<QString>("user");
        QTest::addColumn<bool>("refused");
        QTest::newRow("su plain") << BecomeMethod::Su << QStringLiteral("deploy") << false;
        QTest::newRow("su root (empty)") << BecomeMethod::Su << QString() << false;
        QTest::newRow("su option-like") << BecomeMethod::Su << QStringLiteral("-c") << true;
        QTest::newRow("su with a space") << BecomeMethod::Su << QStringLiteral("a b") << true;
        QTest::newRow("su with a newline") << BecomeMethod::Su << QStringLiteral("a\nb") << true;
        QTest::newRow("sudo option-like (an argument of -u)")
            << BecomeMethod::Sudo << QStringLiteral("-c") << false;
    }

    void becomeUsersSuCannotTake()
    {
        QFETCH(BecomeMethod, method);
        QFETCH(QString, user);
        QFETCH(bool, refused);
        Bootstrap::Options options;
        options.become = true;
        options.becomeMethod = method;
        options.becomeUser = user;
        const QString problem = Bootstrap::problem(options);
        QCOMPARE(!problem.isEmpty(), refused);
        if (refused)
            QVERIFY2(problem.contains(user), qPrintable(problem));
    }
};

QTEST_GUILESS_MAIN(TestBecomeWatch)
#include "tst_becomewatch.moc"
