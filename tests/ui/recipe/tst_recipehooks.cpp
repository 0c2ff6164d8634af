// The recipe editor in the main window: a call run from the main window's form is recorded in
// the history, "Save as recipe" on its history row writes it as a recipe that opens in the
// editor with the same call, and the editor checks it on this machine through the run service;
// several runs selected in the history are saved as one recipe, oldest first.
#include "engine/recipe/RecipeLoader.h"
#include "tests/support/TestEnv.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/history/HistoryModel.h"
#include "ui/history/HistoryView.h"
#include "ui/recipe/RecipeEditorWindow.h"
#include "ui/recipe/RecipeHooks.h"
#include "ui/recipe/RecipeStepsPane.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunView.h"
#include "ui/template/ScriptedTemplatePrompts.h"
#include "ui/tools/ParameterEditor.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"

#include <QAction>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace hostdeck;
using namespace hostdeck::ui;

class TestRecipeHooks : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static void setText(MainWindow& window, const QString& param, const QString& text)
    {
        QWidget* input = window.form()->editor(param)->inputWidget();
        if (auto* plain = qobject_cast<QPlainTextEdit*>(input))
            plain->setPlainText(text);
        else
            static_cast<QLineEdit*>(input)->setText(text);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    }

    void historyRunSavedAsRecipeOpensInTheEditor()
    {
        MainWindowOptions options;
        options.localInterpreter = {test::python()};
        options.userToolDirs = {m_dir.filePath(QStringLiteral("no-tools"))};
        options.historyPath = m_dir.filePath(QStringLiteral("history.sqlite"));
        options.settingsPath = m_dir.filePath(QStringLiteral("settings.ini"));
        options.interactivePrompts = false;
        AppServices services(options);
        MainWindow window(services, options);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
        RecipeHooks* hooks = RecipeHooks::of(&window);
        QVERIFY(hooks);
        ScriptedTemplatePrompts prompts;
        hooks->setPrompts(&prompts);
        QCOMPARE(hooks->editorAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));

        // A call from the main window, as a user makes it.
        const QString target = m_dir.filePath(QStringLiteral("note.txt"));
        QTest::keyClicks(window.palette()->searchField(), QStringLiteral("FileSystem.write"));
        QTest::keyClick(window.palette()->searchField(), Qt::Key_Return);
        QCOMPARE(window.form()->method().fullName(), QStringLiteral("FileSystem.write"));
        setText(window, QStringLiteral("path"), target);
        setText(window, QStringLiteral("content"), QStringLiteral("on: yes\n"));
        window.targetsField()->setText(QStringLiteral("localhost"));
        QSignalSpy finished(&window, &MainWindow::runFinished);
        QVERIFY(window.run());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY(QFile::exists(target));
        QTRY_VERIFY_WITH_TIMEOUT(window.historyView()->model()->rowCount() >= 1, 10000);
        window.historyView()->table()->selectRow(0);
        QCOMPARE(window.historyView()->currentRun().toolMethod(),
                 QStringLiteral("FileSystem.write"));
        QVERIFY(window.historyView()->table()->actions().contains(hooks->saveAsRecipeAction()));

        // Save as recipe: the file, then the editor on it with the same call.
        const QString path = m_dir.filePath(QStringLiteral("note.yml"));
        prompts.fileAnswers = {path};
        hooks->saveAsRecipeAction()->trigger();
        const engine::Result<engine::Recipe> saved = engine::RecipeLoader::load(path);
        QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().message));
        QCOMPARE(saved->steps.size(), 1);
        QCOMPARE(saved->steps.first().args.value(QStringLiteral("content")).toString(),
                 QStringLiteral("on: yes\n"));
        QCOMPARE(saved->steps.first().args.value(QStringLiteral("path")).toString(), target);
        RecipeEditorWindow* editor = hooks->editor();
        QVERIFY(editor);
        QVERIFY(editor->isVisible());
        QCOMPARE(editor->stepsPane()->list()->count(), 1);
        QCOMPARE(editor->stepsPane()->list()->item(0)->text(), QStringLiteral("FileSystem.write"));
        QTRY_VERIFY_WITH_TIMEOUT(editor->hasCatalog(), 30000);
        QVERIFY2(editor->problem().isEmpty(), qPrintable(editor->problem()));
        QCOMPARE(editor->targetsEdit()->text(), QStringLiteral("localhost"));

        // Check it on this machine: the file is already as the call left it.
        QSignalSpy ran(editor, &RecipeEditorWindow::runFinished);
        QTest::mouseClick(editor->findChild<QPushButton*>(QStringLiteral("recipeCheck")),
                          Qt::LeftButton);
        QVERIFY(ran.wait(60000));
        QCOMPARE(editor->runView()->model()->rowCount(), 1);
        const engine::HostResult record = editor->runView()->model()->row(0).result;
        QVERIFY2(record.ok, qPrintable(record.error.message));
        QVERIFY(!record.changed);
        // The editor's check is recorded in the same history, as a recipe.
        QTRY_VERIFY_WITH_TIMEOUT(window.historyView()->model()->rowCount() >= 2, 10000);
        editor->close();
    }

    void severalHistoryRunsSavedAsOneRecipeOldestFirst()
    {
        MainWindowOptions options;
        options.localInterpreter = {test::python()};
        options.userToolDirs = {m_dir.filePath(QStringLiteral("no-tools"))};
        options.historyPath = m_dir.filePath(QStringLiteral("several.sqlite"));
        options.settingsPath = m_dir.filePath(QStringLiteral("several.ini"));
        options.interactivePrompts = false;
        AppServices services(options);
        MainWindow window(services, options);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
        RecipeHooks* hooks = RecipeHooks::of(&window);
        QVERIFY(hooks);
        ScriptedTemplatePrompts prompts;
        hooks->setPrompts(&prompts);

        // Three calls from the form, each recorded in the history.
        const QString a = m_dir.filePath(QStringLiteral("several-a.txt"));
        const QString b = m_dir.filePath(QStringLiteral("several-b.txt"));
        const QList<QPair<QString, QString>> calls{{a, QStringLiteral("first\n")},
                                                   {b, QStringLiteral("second\n")},
                                                   {a, QStringLiteral("third\n")}};
        QTest::keyClicks(window.palette()->searchField(), QStringLiteral("FileSystem.write"));
        QTest::keyClick(window.palette()->searchField(), Qt::Key_Return);
        window.targetsField()->setText(QStringLiteral("localhost"));
        QSignalSpy finished(&window, &MainWindow::runFinished);
        int done = 0;
        for (const auto& [path, content] : calls) {
            setText(window, QStringLiteral("path"), path);
            setText(window, QStringLiteral("content"), content);
            QVERIFY(window.run());
            ++done;
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), done, 30000);
        }
        HistoryView* history = window.historyView();
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 3, 10000);

        // Newest first in the table: click the newest run, Ctrl+click the oldest one.
        QTableView* table = history->table();
        const auto click = [table](int row, Qt::KeyboardModifiers modifiers) {
            const QRect rect = table->visualRect(table->model()->index(row, 0));
            QTest::mouseClick(table->viewport(), Qt::LeftButton, modifiers, rect.center());
        };
        click(0, Qt::NoModifier);
        click(2, Qt::ControlModifier);
        QCOMPARE(history->selectedRuns().size(), 2);

        const QString path = m_dir.filePath(QStringLiteral("several.yml"));
        prompts.fileAnswers = {path};
        hooks->saveAsRecipeAction()->trigger();
        const engine::Result<engine::Recipe> saved = engine::RecipeLoader::load(path);
        QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().message));
        // The oldest call first, the unselected middle one left out.
        QCOMPARE(saved->steps.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const auto& [file, content] = calls.at(i * 2);
            QCOMPARE(saved->steps.at(i).tool + QLatin1Char('.') + saved->steps.at(i).method,
                     QStringLiteral("FileSystem.write"));
            QCOMPARE(saved->steps.at(i).args.value(QStringLiteral("path")).toString(), file);
            QCOMPARE(saved->steps.at(i).args.value(QStringLiteral("content")).toString(), content);
        }
        RecipeEditorWindow* editor = hooks->editor();
        QVERIFY(editor);
        QCOMPARE(editor->stepsPane()->list()->count(), 2);
        QCOMPARE(editor->targetsEdit()->text(), QStringLiteral("localhost"));
        editor->close();
    }
};

QTEST_MAIN(TestRecipeHooks)
#include "tst_recipehooks.moc"
