// "Re-run failed" from the history, through the real widgets: a tool call and a recipe run on two
// local inventory hosts, one of which cannot start its python3 yet, fail on that host only; once
// its interpreter exists, the history's "Re-run failed" runs each of them again on that host
// alone (the call in the main window, the recipe in the recipe editor), and the new history
// entries name only it. A run without failed hosts leaves the button disabled.
#include "engine/history/RunHistory.h"
#include "tests/support/TestEnv.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/history/HistoryModel.h"
#include "ui/history/HistoryView.h"
#include "ui/recipe/RecipeEditorWindow.h"
#include "ui/recipe/RecipeHooks.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunView.h"
#include "ui/template/ScriptedTemplatePrompts.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace hostdeck;
using namespace hostdeck::ui;

class TestRerunFailed : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static QStringList hostsOf(const RunView* view)
    {
        QStringList hosts;
        for (int i = 0; i < view->model()->rowCount(); ++i)
            hosts << view->model()->row(i).result.host;
        return hosts;
    }
    static qint64 historyIdWhere(HistoryView* history, bool recipe, int nth = 0)
    {
        for (int row = 0; row < history->model()->rowCount(); ++row) {
            const engine::HistoryRun run = history->model()->run(row);
            const bool isRecipe =
                run.plan.value(QStringLiteral("kind")).toString() == QLatin1String("recipe");
            if (isRecipe == recipe && nth-- == 0)
                return run.id;
        }
        return 0;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    }

    void failedHostsRunAgainFromTheHistory()
    {
        // Two local hosts; "late" starts a python3 that does not exist yet.
        QString python = test::python();
        if (!QFileInfo(python).isAbsolute())
            python = QStandardPaths::findExecutable(python);
        QVERIFY(!python.isEmpty());
        const QString latePython = m_dir.filePath(QStringLiteral("late/python3"));
        const QString inventory = m_dir.filePath(QStringLiteral("inventory.yml"));
        {
            QFile file(inventory);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(
                QStringLiteral("all:\n  hosts:\n    early:\n      ansible_connection: local\n"
                               "    late:\n      ansible_connection: local\n"
                               "      ansible_python_interpreter: %1\n")
                    .arg(latePython)
                    .toUtf8());
        }
        const QString recipePath = m_dir.filePath(QStringLiteral("facts.yml"));
        {
            QFile file(recipePath);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("name: facts\nsteps:\n  - name: who\n    Facts.hostname: {}\n");
        }
        MainWindowOptions options;
        options.localInterpreter = {python};
        options.userToolDirs = {m_dir.filePath(QStringLiteral("no-tools"))};
        options.historyPath = m_dir.filePath(QStringLiteral("history.sqlite"));
        options.settingsPath = m_dir.filePath(QStringLiteral("settings.ini"));
        options.inventoryPath = inventory;
        options.interactivePrompts = false;
        AppServices services(options);
        MainWindow window(services, options);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
        RecipeHooks* hooks = RecipeHooks::of(&window);
        QVERIFY(hooks);
        ScriptedTemplatePrompts prompts;
        hooks->setPrompts(&prompts);
        HistoryView* history = window.historyView();

        // A call on both hosts: "late" cannot start.
        QTest::keyClicks(window.palette()->searchField(), QStringLiteral("Facts.hostname"));
        QTest::keyClick(window.palette()->searchField(), Qt::Key_Return);
        QCOMPARE(window.form()->method().fullName(), QStringLiteral("Facts.hostname"));
        window.targetsField()->setText(QStringLiteral("early:late"));
        QSignalSpy finished(&window, &MainWindow::runFinished);
        QVERIFY(window.run());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        RunView* first = window.currentRunView();
        QCOMPARE(hostsOf(first).size(), 2);
        QVERIFY(first->model()->row(first->model()->rowOf(QStringLiteral("early"))).result.ok);
        QVERIFY(!first->model()->row(first->model()->rowOf(QStringLiteral("late"))).result.ok);

        // The same as a recipe, checked from the recipe editor.
        RecipeEditorWindow* editor = hooks->openEditor();
        QVERIFY(editor->openFile(recipePath));
        QTRY_VERIFY_WITH_TIMEOUT(editor->hasCatalog(), 30000);
        editor->targetsEdit()->setText(QStringLiteral("early:late"));
        QSignalSpy recipeFinished(editor, &RecipeEditorWindow::runFinished);
        editor->startRun(true);
        QVERIFY(recipeFinished.wait(60000));
        QCOMPARE(hostsOf(editor->runView()).size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(history->model()->rowCount() == 2 &&
                                     history->model()->run(0).finished &&
                                     history->model()->run(1).finished,
                                 10000);

        // Both runs offer "Re-run failed" on "late" only.
        const qint64 callId = historyIdWhere(history, false);
        const qint64 recipeId = historyIdWhere(history, true);
        QVERIFY(callId > 0 && recipeId > 0);
        for (qint64 id : {callId, recipeId}) {
            QVERIFY(history->selectRun(id));
            QVERIFY2(history->rerunFailedButton()->isEnabled(),
                     qPrintable(history->rerunFailedButton()->toolTip()));
            QCOMPARE(history->failedHostsOfCurrent(), QStringList{QStringLiteral("late")});
        }

        // Its python3 appears: the call runs again on "late" alone, and succeeds.
        QVERIFY(QDir().mkpath(QFileInfo(latePython).path()));
        QVERIFY(QFile::link(python, latePython));
        QVERIFY(history->selectRun(callId));
        QTest::mouseClick(history->rerunFailedButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
        RunView* again = window.currentRunView();
        QVERIFY(again != first);
        QCOMPARE(hostsOf(again), QStringList{QStringLiteral("late")});
        const engine::HostResult late = again->model()->row(0).result;
        QVERIFY2(late.ok, qPrintable(late.error.message));

        // The recipe runs again in the editor on "late" alone (a check, as it was).
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 3, 10000);
        QVERIFY(history->selectRun(recipeId));
        QVERIFY(history->rerunFailedButton()->isEnabled());
        QTest::mouseClick(history->rerunFailedButton(), Qt::LeftButton);
        QVERIFY(recipeFinished.wait(60000));
        QCOMPARE(hostsOf(editor->runView()), QStringList{QStringLiteral("late")});
        const engine::HostResult recipeLate = editor->runView()->model()->row(0).result;
        QVERIFY2(recipeLate.ok, qPrintable(recipeLate.error.message));
        QCOMPARE(recipeLate.steps.size(), 1);

        // The history records both re-runs on "late" only; they have no failed host left.
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 4, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(history->model()->run(0).finished, 10000);
        for (int nth = 0; nth < 2; ++nth) {
            const qint64 callAgain = historyIdWhere(history, false, 0);
            const qint64 recipeAgain = historyIdWhere(history, true, 0);
            const qint64 id = nth == 0 ? callAgain : recipeAgain;
            QVERIFY(id != callId && id != recipeId);
            QVERIFY(history->selectRun(id));
            QCOMPARE(history->currentRun().hosts, QStringList{QStringLiteral("late")});
            QVERIFY(!history->rerunFailedButton()->isEnabled());
            QVERIFY(history->failedHostsOfCurrent().isEmpty());
        }
        editor->close();
    }
};

QTEST_MAIN(TestRerunFailed)
#include "tst_rerunfailed.moc"
