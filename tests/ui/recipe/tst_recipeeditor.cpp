// The recipe editor driven through its real widgets (offscreen): steps added, edited, moved,
// duplicated and removed in the list and the generated tool form, with the YAML view following;
// YAML typed in the view rebuilding the steps; load and check errors shown at their line and
// step; a templated argument leaving the form read-only; Check and Run on this machine through
// the run service with result rows; save and reopen through the prompts seam.
#include "engine/inventory/Inventory.h"
#include "engine/recipe/RecipeLoader.h"
#include "engine/runner/EngineClient.h"
#include "tests/support/TestEnv.h"
#include "ui/recipe/RecipeEditorWindow.h"
#include "ui/recipe/RecipeFile.h"
#include "ui/recipe/RecipeStepsPane.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunView.h"
#include "ui/template/ScriptedTemplatePrompts.h"
#include "ui/template/TemplateEditor.h"
#include "ui/tools/ParameterEditor.h"
#include "ui/tools/ParameterForm.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextCursor>

using namespace hostdeck;
using namespace hostdeck::ui;
using namespace Qt::StringLiterals;

class TstRecipeEditor : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::unique_ptr<engine::EngineClient> m_engine;
    ScriptedTemplatePrompts m_prompts;

    std::unique_ptr<RecipeEditorWindow> makeWindow()
    {
        RecipeEditorContext context;
        context.engine = m_engine.get();
        context.prompts = &m_prompts;
        auto window = std::make_unique<RecipeEditorWindow>(context);
        window->show();
        if (!window->hasCatalog()) {
            QSignalSpy ready(window.get(), &RecipeEditorWindow::toolsReady);
            if (!ready.wait(60000))
                qWarning("the tools were not described");
        }
        return window;
    }

    /// The steps as the real loader reads the YAML view: "Tool.method" each.
    static QStringList yamlCalls(RecipeEditorWindow& window)
    {
        const engine::Result<engine::Recipe> recipe = engine::RecipeLoader::parse(
            window.yamlEditor()->toPlainText().toUtf8(), QDir::current().filePath(u"x.yml"_s));
        if (!recipe)
            return {u"error: "_s + recipe.error().message};
        QStringList calls;
        for (const engine::RecipeStep& step : recipe->steps)
            calls << step.tool + u'.' + step.method +
                         (step.name.isEmpty() ? QString() : u' ' + step.name);
        return calls;
    }

    /// Replaces the YAML view's text as typed (one edit of the widget's document), then lets the
    /// editor read it after the typing pause.
    static void typeYaml(RecipeEditorWindow& window, const QString& text)
    {
        QPlainTextEdit* edit = window.yamlEditor();
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Delete);
        edit->insertPlainText(text);
        QSignalSpy synced(&window, &RecipeEditorWindow::synced);
        QVERIFY(synced.wait(5000));
    }

    static void addStep(RecipeEditorWindow& window, const QString& call)
    {
        RecipeStepsPane* pane = window.stepsPane();
        const int index = pane->methodBox()->findText(call);
        QVERIFY2(index >= 0, qPrintable(call));
        pane->methodBox()->setCurrentIndex(index);
        QTest::mouseClick(pane->findChild<QPushButton*>(u"recipeAddStep"_s), Qt::LeftButton);
    }

    static void typeParam(RecipeEditorWindow& window, const QString& name, const QString& text)
    {
        ParameterEditor* editor = window.stepsPane()->form()->editor(name);
        QVERIFY2(editor, qPrintable(name));
        QWidget* input = editor->inputWidget();
        input->setFocus();
        QTest::keyClicks(input, text);
    }

    static void click(RecipeEditorWindow& window, const char* name)
    {
        auto* button = window.findChild<QPushButton*>(QString::fromLatin1(name));
        QVERIFY2(button && button->isEnabled(), name);
        QTest::mouseClick(button, Qt::LeftButton);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_tmp.isValid());
        engine::EngineConfig config;
        config.userToolDirs = {m_tmp.filePath(u"no-user-tools"_s)};
        m_engine = std::make_unique<engine::EngineClient>(config);
    }

    void cleanupTestCase() { m_engine.reset(); }

    void stepsEditedInTheListAndFormRewriteTheYaml()
    {
        auto window = makeWindow();
        QVERIFY(window->hasCatalog());
        RecipeStepsPane* pane = window->stepsPane();
        addStep(*window, u"FileSystem.write"_s);
        QCOMPARE(pane->list()->count(), 1);
        QCOMPARE(yamlCalls(*window), QStringList{u"FileSystem.write"_s});
        // Its required parameters are missing: the check says so at the step's line.
        QVERIFY2(window->problem().contains(u"path"_s), qPrintable(window->problem()));
        QVERIFY(window->problemLine() > 0);

        typeParam(*window, u"path"_s, m_tmp.filePath(u"a.txt"_s));
        typeParam(*window, u"content"_s, u"yes"_s); // a YAML boolean as text stays text
        QVERIFY2(window->problem().isEmpty(), qPrintable(window->problem()));
        const engine::Result<engine::Recipe> written = engine::RecipeLoader::parse(
            window->yamlEditor()->toPlainText().toUtf8(), m_tmp.filePath(u"w.yml"_s));
        QVERIFY(written);
        QCOMPARE(written->steps.first().args.value(u"content"_s).toString(), u"yes"_s);
        QCOMPARE(written->steps.first().args.value(u"path"_s).toString(),
                 m_tmp.filePath(u"a.txt"_s));

        addStep(*window, u"Exec.run"_s); // after the current (first) step
        QCOMPARE(pane->currentRow(), 1);
        pane->nameEdit()->setFocus();
        QTest::keyClicks(pane->nameEdit(), u"say"_s);
        QTest::keyClicks(pane->whenEdit(), u"steps.w.changed"_s);
        QCOMPARE(yamlCalls(*window), (QStringList{u"FileSystem.write"_s, u"Exec.run say"_s}));
        QVERIFY(window->yamlEditor()->toPlainText().contains(u"when: steps.w.changed"_s));

        click(*window, "recipeStepUp");
        QCOMPARE(yamlCalls(*window), (QStringList{u"Exec.run say"_s, u"FileSystem.write"_s}));
        QCOMPARE(pane->currentRow(), 0);
        click(*window, "recipeDuplicateStep");
        QCOMPARE(yamlCalls(*window),
                 (QStringList{u"Exec.run say"_s, u"Exec.run say"_s, u"FileSystem.write"_s}));
        click(*window, "recipeStepDown");
        QCOMPARE(yamlCalls(*window),
                 (QStringList{u"Exec.run say"_s, u"FileSystem.write"_s, u"Exec.run say"_s}));
        QCOMPARE(pane->currentRow(), 2);
        click(*window, "recipeRemoveStep");
        QCOMPARE(yamlCalls(*window), (QStringList{u"Exec.run say"_s, u"FileSystem.write"_s}));
        // Undo in the YAML view brings the removed step back, and the list follows.
        window->yamlEditor()->setFocus();
        QTest::keySequence(window->yamlEditor(), QKeySequence::Undo);
        QSignalSpy synced(window.get(), &RecipeEditorWindow::synced);
        QVERIFY(synced.wait(5000));
        QCOMPARE(pane->list()->count(), 3);
    }

    void yamlTypedInTheViewRebuildsTheSteps()
    {
        auto window = makeWindow();
        typeYaml(*window, u"name: typed\n"
                          "steps:\n"
                          "  - name: first\n"
                          "    Exec.run: {argv: [uname, -s]}\n"
                          "    register: kernel\n"
                          "  - FileSystem.mkdir: {path: /tmp/x, mode: '0755'}\n"_s);
        RecipeStepsPane* pane = window->stepsPane();
        QCOMPARE(pane->list()->count(), 2);
        QCOMPARE(pane->list()->item(0)->text(), u"first — Exec.run"_s);
        QVERIFY(window->problem().isEmpty());
        pane->setCurrentRow(1);
        QVERIFY(pane->isFormEditable());
        auto* mode = qobject_cast<QLineEdit*>(pane->form()->editor(u"mode"_s)->inputWidget());
        QVERIFY(mode);
        QCOMPARE(mode->text(), u"0755"_s);
        pane->setCurrentRow(0);
        QCOMPARE(pane->registerEdit()->text(), u"kernel"_s);

        // Typing one word in the view: the step's name follows after the pause.
        QTextCursor cursor = window->yamlEditor()->document()->find(u"first"_s);
        QVERIFY(!cursor.isNull());
        window->yamlEditor()->setTextCursor(cursor);
        window->yamlEditor()->setFocus();
        QTest::keyClicks(window->yamlEditor(), u"uname"_s);
        QSignalSpy synced(window.get(), &RecipeEditorWindow::synced);
        QVERIFY(synced.wait(5000));
        QCOMPARE(pane->list()->item(0)->text(), u"uname — Exec.run"_s);
        QCOMPARE(pane->nameEdit()->text(), u"uname"_s);

        // A templated number cannot be shown by the form: it stays read-only and says why.
        typeYaml(*window, u"steps:\n"
                          "  - Exec.run: {argv: [sleep, '0'], timeout: '${limit}'}\n"_s);
        pane->setCurrentRow(0);
        QVERIFY(!pane->isFormEditable());
        QVERIFY(pane->formNote()->isVisibleTo(window.get()));
        QVERIFY(pane->formNote()->text().contains(u"timeout"_s));
    }

    void errorsAreShownAtTheirLineAndStep()
    {
        auto window = makeWindow();
        typeYaml(*window, u"steps:\n"
                          "  - Exec.run: {argv: [/bin/true]}\n"
                          "  - name: bad\n"
                          "    Exec.run: {argv: [/bin/true]}\n"
                          "    retrys: 3\n"_s);
        QCOMPARE(window->problemLine(), 5);
        QCOMPARE(window->yamlEditor()->errorLine(), 5);
        QVERIFY2(window->problem().contains(u"unknown key 'retrys'"_s),
                 qPrintable(window->problem()));
        QVERIFY(window->problemLabel()->isVisibleTo(window.get()));
        QVERIFY2(window->problemLabel()->text().startsWith(u"Line 5"_s),
                 qPrintable(window->problemLabel()->text()));

        // A parameter the tool does not have: the check names the step, at its line.
        typeYaml(*window, u"steps:\n"
                          "  - Exec.run: {argv: [/bin/true]}\n"
                          "  - name: second\n"
                          "    FileSystem.write: {path: /tmp/x, contents: oops}\n"_s);
        QCOMPARE(window->problemLine(), 3);
        QVERIFY2(window->problem().contains(u"contents"_s), qPrintable(window->problem()));
        QVERIFY2(window->problemLabel()->text().contains(u"step 2"_s),
                 qPrintable(window->problemLabel()->text()));
        QCOMPARE(window->stepsPane()->list()->item(1)->data(Qt::UserRole).toBool(), true);
        QCOMPARE(window->stepsPane()->list()->item(0)->data(Qt::UserRole).toBool(), false);
        // Run refuses a recipe with a problem.
        window->targetsEdit()->setText(u"localhost"_s);
        click(*window, "recipeCheck");
        QVERIFY(!window->currentRun());

        // Fixed: the error is gone from the view, the label and the list.
        typeYaml(*window, u"steps:\n  - Exec.run: {argv: [/bin/true]}\n"_s);
        QCOMPARE(window->problemLine(), 0);
        QCOMPARE(window->yamlEditor()->errorLine(), 0);
        QVERIFY(!window->problemLabel()->isVisibleTo(window.get()));
    }

    void checkAndRunOnThisMachine()
    {
        auto window = makeWindow();
        const QString target = m_tmp.filePath(u"motd"_s);
        typeYaml(*window,
                 u"name: motd\n"
                 "hosts: localhost\n"
                 "steps:\n"
                 "  - name: write\n"
                 "    FileSystem.write: {path: '%1', content: \"hello from a recipe\\n\"}\n"
                 "    register: w\n"
                 "  - name: note\n"
                 "    Exec.run: {argv: [echo, changed]}\n"
                 "    when: steps.w.changed\n"_s.arg(target));
        QVERIFY2(window->problem().isEmpty(), qPrintable(window->problem()));
        QCOMPARE(window->targetsEdit()->text(), u"localhost"_s); // from the recipe's hosts

        const auto runAndWait = [&](const char* button) {
            QSignalSpy finished(window.get(), &RecipeEditorWindow::runFinished);
            click(*window, button);
            QVERIFY(window->isRunning());
            QVERIFY(finished.wait(120000));
        };
        RunResultsModel* rows = window->runView()->model();

        runAndWait("recipeCheck");
        QCOMPARE(rows->rowCount(), 1);
        QCOMPARE(rows->row(0).result.host, u"localhost"_s);
        QVERIFY(rows->row(0).result.changed); // would change
        QVERIFY(rows->row(0).result.check);
        QVERIFY(!QFile::exists(target));

        m_prompts.deployAnswers = {false}; // declined: nothing runs
        click(*window, "recipeRun");
        QVERIFY(!window->isRunning());
        QVERIFY(m_prompts.asked.last().startsWith(u"deploy:"_s));

        m_prompts.deployAnswers = {true};
        runAndWait("recipeRun");
        QCOMPARE(rows->rowCount(), 1);
        const engine::HostResult first = rows->row(0).result;
        QVERIFY2(first.ok, qPrintable(first.error.message));
        QVERIFY(first.changed);
        QCOMPARE(first.steps.size(), 2);
        QFile file(target);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("hello from a recipe\n"));

        m_prompts.deployAnswers = {true};
        runAndWait("recipeRun");
        QVERIFY(rows->row(0).result.ok);
        QVERIFY(!rows->row(0).result.changed);
        QCOMPARE(rows->row(0).result.steps.last().status, engine::HostStatus::Skipped);
    }

    void cancelStopsARun()
    {
        auto window = makeWindow();
        typeYaml(*window, u"hosts: localhost\n"
                          "steps:\n"
                          "  - name: long\n"
                          "    Exec.run: {argv: [sleep, '30']}\n"
                          "  - name: never\n"
                          "    Exec.run: {argv: [/bin/true]}\n"_s);
        QVERIFY2(window->problem().isEmpty(), qPrintable(window->problem()));
        QSignalSpy finished(window.get(), &RecipeEditorWindow::runFinished);
        m_prompts.deployAnswers = {true};
        click(*window, "recipeRun");
        QVERIFY(window->isRunning());
        auto* cancel = window->findChild<QPushButton*>(u"recipeCancel"_s);
        QVERIFY(cancel->isEnabled());
        // Cancel once the long step is running on the host.
        QTRY_VERIFY_WITH_TIMEOUT(window->runView()->model()->rowCount() == 1 &&
                                     window->runView()->model()->row(0).phase ==
                                         engine::HostPhase::Running,
                                 30000);
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(finished.wait(20000));
        QVERIFY(clock.elapsed() < 20000);
        const auto summary = finished.first().first().value<engine::RunSummary>();
        QCOMPARE(summary.cancelled, 1);
        QCOMPARE(window->runView()->model()->row(0).result.status, engine::HostStatus::Cancelled);
        QVERIFY(!window->isRunning());
        QVERIFY(!cancel->isEnabled());
    }

    void saveAndReopen()
    {
        auto window = makeWindow();
        addStep(*window, u"Exec.run"_s);
        typeParam(*window, u"argv"_s, u"uptime"_s);
        QVERIFY(window->file()->isModified());
        const QString path = m_tmp.filePath(u"saved.yml"_s);
        m_prompts.fileAnswers = {path};
        window->file()->save();
        QVERIFY(!window->file()->isModified());
        QCOMPARE(window->file()->path(), path);
        const engine::Result<engine::Recipe> loaded = engine::RecipeLoader::load(path);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
        QCOMPARE(loaded->steps.size(), 1);
        QCOMPARE(loaded->steps.first().args.value(u"argv"_s).toArray().first().toString(),
                 u"uptime"_s);

        auto again = makeWindow();
        QVERIFY(again->openFile(path));
        QCOMPARE(again->stepsPane()->list()->count(), 1);
        QCOMPARE(again->yamlEditor()->toPlainText(), window->yamlEditor()->toPlainText());
        QVERIFY(!again->file()->isModified());
    }
};

QTEST_MAIN(TstRecipeEditor)
#include "tst_recipeeditor.moc"
