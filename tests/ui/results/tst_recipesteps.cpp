// The steps of a recipe run under each host, through the real widgets: a recipe run on this
// machine from the recipe editor (a step that prints, one that writes a file, one skipped by its
// condition, one that fails with ignore_errors); selecting the host shows its steps with name,
// status, changed and duration, and selecting a step shows its output, diff or error.
#include "tests/support/TestEnv.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/recipe/RecipeEditorWindow.h"
#include "ui/recipe/RecipeHooks.h"
#include "ui/results/ResultDetailView.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunView.h"
#include "ui/results/StepResultsModel.h"
#include "ui/results/StepsPane.h"
#include "ui/template/ScriptedTemplatePrompts.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace hostdeck;
using namespace hostdeck::ui;

class TestRecipeSteps : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static void clickRow(QTableView* table, int row)
    {
        const QRect rect = table->visualRect(table->model()->index(row, 0));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, rect.center());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    }

    void hostRowShowsItsSteps()
    {
        const QString note = m_dir.filePath(QStringLiteral("note.txt"));
        const QString missing = m_dir.filePath(QStringLiteral("never-there.txt"));
        const QString marker = QStringLiteral("steps-%1").arg(QCoreApplication::applicationPid());
        const QString recipePath = m_dir.filePath(QStringLiteral("steps.yml"));
        {
            QFile file(recipePath);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(
                QStringLiteral("name: steps\n"
                               "steps:\n"
                               "  - name: greet\n"
                               "    Exec.run: {argv: [sh, -c, 'echo %1']}\n"
                               "  - name: note\n"
                               "    FileSystem.write: {path: '%2', content: \"line %1\\n\"}\n"
                               "  - name: never\n"
                               "    Facts.hostname: {}\n"
                               "    when: 1 == 2\n"
                               "  - name: broken\n"
                               "    FileSystem.read_text: {path: '%3'}\n"
                               "    ignore_errors: true\n")
                    .arg(marker, note, missing)
                    .toUtf8());
        }
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
        prompts.deployAnswers = {true};
        hooks->setPrompts(&prompts);
        RecipeEditorWindow* editor = hooks->openEditor();
        QVERIFY(editor->openFile(recipePath));
        QTRY_VERIFY_WITH_TIMEOUT(editor->hasCatalog(), 30000);
        QVERIFY2(editor->problem().isEmpty(), qPrintable(editor->problem()));
        editor->targetsEdit()->setText(QStringLiteral("localhost"));
        QSignalSpy ran(editor, &RecipeEditorWindow::runFinished);
        editor->startRun(false);
        QVERIFY(ran.wait(60000));
        QVERIFY(QFile::exists(note));

        RunView* view = editor->runView();
        QCOMPARE(view->model()->rowCount(), 1);
        const engine::HostResult host = view->model()->row(0).result;
        QCOMPARE(host.steps.size(), 4);

        // Select the host row: the detail pane opens on its steps.
        clickRow(view->table(), 0);
        ResultDetailView* detail = view->detail();
        StepsPane* steps = detail->stepsPane();
        QCOMPARE(detail->tabs()->currentWidget(), steps);
        QVERIFY(detail->tabs()->isTabEnabled(detail->tabs()->indexOf(steps)));
        StepResultsModel* model = steps->model();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model->rowCount(), 4);
        const auto cell = [model](int row, int column) {
            return model->index(row, column).data().toString();
        };
        QStringList names;
        for (int row = 0; row < 4; ++row)
            names << cell(row, StepResultsModel::StepColumn);
        QCOMPARE(names, (QStringList{QStringLiteral("greet"), QStringLiteral("note"),
                                     QStringLiteral("never"), QStringLiteral("broken")}));
        QCOMPARE(cell(1, StepResultsModel::ChangedColumn), QStringLiteral("yes"));
        QCOMPARE(cell(2, StepResultsModel::ChangedColumn), QStringLiteral("no"));
        QVERIFY2(cell(2, StepResultsModel::StatusColumn).contains(QStringLiteral("skipped")),
                 qPrintable(cell(2, StepResultsModel::StatusColumn)));
        QVERIFY2(cell(3, StepResultsModel::StatusColumn).contains(QStringLiteral("failed")) &&
                     cell(3, StepResultsModel::StatusColumn).contains(QStringLiteral("ignored")),
                 qPrintable(cell(3, StepResultsModel::StatusColumn)));
        for (int row = 0; row < 4; ++row)
            QVERIFY(!cell(row, StepResultsModel::DurationColumn).isEmpty());

        // Each step's own output, diff and error when it is selected.
        QVERIFY(steps->stepDetail()->toPlainText().isEmpty());
        clickRow(steps->table(), 0);
        QVERIFY2(steps->stepDetail()->toPlainText().contains(marker + QLatin1Char('\n')),
                 qPrintable(steps->stepDetail()->toPlainText()));
        clickRow(steps->table(), 1);
        QVERIFY2(steps->stepDetail()->toPlainText().contains(QStringLiteral("+line ") + marker),
                 qPrintable(steps->stepDetail()->toPlainText()));
        QVERIFY(!steps->stepDetail()->toPlainText().contains(QStringLiteral("--- error ---")));
        clickRow(steps->table(), 3);
        const QString error = steps->stepDetail()->toPlainText();
        QVERIFY2(error.contains(QStringLiteral("--- error ---")) &&
                     error.contains(QStringLiteral("never-there.txt")),
                 qPrintable(error));
        QVERIFY(!error.contains(marker));
        editor->close();
    }
};

QTEST_MAIN(TestRecipeSteps)
#include "tst_recipesteps.moc"
