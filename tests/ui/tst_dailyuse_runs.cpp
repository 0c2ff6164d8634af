// Issue 19 (the desktop app for daily use), through the real widgets, on a fleet of hosts that run
// their agents as local processes: results (5), keyboard flow (6), test connection (8), the run
// timeline and the fleet overview (Qt Charts).
#include "tests/support/TestEnv.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/inventory/HostEditorDialog.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/overview/FleetFactsModel.h"
#include "ui/overview/FleetOverview.h"
#include "ui/prompts/Prompts.h"
#include "ui/results/GroupedResultsModel.h"
#include "ui/results/ResultDetailView.h"
#include "ui/results/ResultsFilterModel.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunTabs.h"
#include "ui/results/RunTimeline.h"
#include "ui/results/RunView.h"
#include "ui/tools/ParameterEditor.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"

#include <QAction>
#include <QApplication>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPieSeries>
#include <QPieSlice>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

using namespace hostdeck;
using namespace hostdeck::ui;

class TestDailyUseRuns : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void resultsGroupFilterExportAndTabs(); // item 5 + the run timeline
    void keyboardRunsTheToolShown();        // item 6
    void testConnectionStaysOutOfTheWay();  // item 8
    void fleetOverviewChartsSelectHosts();  // the fleet overview

private:
    MainWindowOptions options(const QString& name) const
    {
        MainWindowOptions o;
        o.localInterpreter = {test::python()};
        o.userToolDirs = {test::testToolsDir()};
        o.historyPath = m_dir.filePath(name + QStringLiteral("/history.sqlite"));
        o.settingsPath = m_dir.filePath(name + QStringLiteral("/settings.ini"));
        o.inventoryPath = m_inventory;
        o.interactivePrompts = false;
        return o;
    }
    static void setText(MainWindow& window, const QString& param, const QString& text)
    {
        QWidget* input = window.form()->editor(param)->inputWidget();
        if (auto* plain = qobject_cast<QPlainTextEdit*>(input))
            plain->setPlainText(text);
        else
            static_cast<QLineEdit*>(input)->setText(text);
    }
    static QString text(MainWindow& window, const QString& param)
    {
        QWidget* input = window.form()->editor(param)->inputWidget();
        if (auto* plain = qobject_cast<QPlainTextEdit*>(input))
            return plain->toPlainText();
        return static_cast<QLineEdit*>(input)->text();
    }
    void saveScreenshot(QWidget* widget, const QString& name) const;

    QTemporaryDir m_dir;
    QString m_inventory;
};

void TestDailyUseRuns::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    // Four hosts with a working agent (local processes) and one whose python does not exist.
    m_inventory = m_dir.filePath(QStringLiteral("fleet.yml"));
    QFile file(m_inventory);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QByteArray yaml = "all:\n  vars:\n    hostdeck_transport: local\n"
                      "  children:\n    app:\n      hosts:\n";
    for (int i = 1; i <= 4; ++i)
        yaml += QStringLiteral("        app%1:\n").arg(i).toUtf8();
    yaml += "    bad:\n      hosts:\n        broken:\n"
            "          ansible_python_interpreter: /nonexistent/python3\n";
    file.write(yaml);
}

void TestDailyUseRuns::saveScreenshot(QWidget* widget, const QString& name) const
{
    const QPixmap pixmap = widget->grab();
    QVERIFY(!pixmap.isNull());
    const QString dir = test::binaryDir() + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    QVERIFY(pixmap.save(dir + QLatin1Char('/') + name));
    if (qEnvironmentVariable("HOSTDECK_UPDATE_SCREENSHOTS") == QStringLiteral("1")) {
        const QString readme = test::sourceDir() + QStringLiteral("/resources/screenshots");
        QDir().mkpath(readme);
        QVERIFY(pixmap.save(readme + QLatin1Char('/') + name));
    }
}

void TestDailyUseRuns::resultsGroupFilterExportAndTabs()
{
    const MainWindowOptions o = options(QStringLiteral("results"));
    AppServices services(o);
    MainWindow window(services, o);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);

    // Five hosts print the same thing (one cannot start its agent).
    QSignalSpy finished(&window, &MainWindow::runFinished);
    window.targetsField()->setText(QStringLiteral("all"));
    QCOMPARE(window.targetsCount()->text(), QStringLiteral("5 host(s)"));
    QVERIFY(window.palette()->select(QStringLiteral("Exec"), QStringLiteral("run")));
    setText(window, QStringLiteral("argv"), QStringLiteral("sh\n-c\nsleep 0.2; echo same-output"));
    QVERIFY(window.run());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    RunView* view = window.currentRunView();
    QCOMPARE(view->model()->rowCount(), 5);

    // Grouped: the four identical outputs are one group whatever their durations.
    view->groupBox()->setChecked(true);
    QCOMPARE(view->grouped()->rowCount(), 2);
    bool four = false;
    for (int r = 0; r < view->grouped()->rowCount(); ++r) {
        for (int c = 0; c < view->grouped()->columnCount(); ++c)
            four = four || view->grouped()->index(r, c).data().toString() == QStringLiteral("4");
    }
    QVERIFY(four);
    // The Failed filter applies to the grouped view and to the export.
    view->filterBox()->setCurrentIndex(
        view->filterBox()->findData(int(ResultsFilterModel::Mode::Failed)) >= 0
            ? view->filterBox()->findData(int(ResultsFilterModel::Mode::Failed))
            : 1);
    QCOMPARE(view->filter()->mode(), ResultsFilterModel::Mode::Failed);
    QCOMPARE(view->grouped()->rowCount(), 1);
    QCOMPARE(view->shownResults().size(), 1);
    QCOMPARE(view->shownResults().first().host, QStringLiteral("broken"));
    const QString exported = m_dir.filePath(QStringLiteral("failed.json"));
    window.prompts()->setNextFileName(exported);
    emit view->exportRequested();
    QTRY_VERIFY(QFile::exists(exported));
    QFile file(exported);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject doc = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(doc.value(QStringLiteral("results")).toArray().size(), 1);
    const QJsonObject run = doc.value(QStringLiteral("run")).toObject();
    QCOMPARE(run.value(QStringLiteral("tool")).toString(), QStringLiteral("Exec"));
    QCOMPARE(run.value(QStringLiteral("method")).toString(), QStringLiteral("run"));
    QCOMPARE(run.value(QStringLiteral("mode")).toString(), QStringLiteral("run"));
    QCOMPARE(run.value(QStringLiteral("targets")).toArray().size(), 5);
    QVERIFY(run.value(QStringLiteral("args")).toObject().contains(QStringLiteral("argv")));
    QVERIFY(!run.value(QStringLiteral("started")).toString().isEmpty());
    view->filterBox()->setCurrentIndex(0);
    view->groupBox()->setChecked(false);

    // The detail pane opens with room for more than a few rows.
    view->table()->selectRow(0);
    QTRY_VERIFY(view->detail()->isVisible());
    QVERIFY2(view->detail()->height() >= 6 * view->fontMetrics().height(),
             qPrintable(QString::number(view->detail()->height())));

    // The timeline: one bar per host, the broken one among them; a click opens its result.
    view->viewTabs()->setCurrentIndex(1);
    RunTimeline* timeline = view->timeline();
    QTRY_VERIFY(timeline->isVisible());
    for (const QString& host :
         {QStringLiteral("app1"), QStringLiteral("app4"), QStringLiteral("broken")})
        QVERIFY2(!timeline->barRect(host).isEmpty(), qPrintable(host));
    QVERIFY(timeline->barRect(QStringLiteral("app1")).top() !=
            timeline->barRect(QStringLiteral("app2")).top());
    // The picture: the timeline gets most of the height (the results' splitter, as a user drags
    // it).
    if (auto* center = window.findChild<QSplitter*>(QStringLiteral("centerSplitter")))
        center->setSizes({150, 650});
    const int height = view->splitter()->height();
    view->splitter()->setSizes({height - height / 4, height / 4});
    QTRY_VERIFY(timeline->barRect(QStringLiteral("broken")).bottom() < timeline->height());
    saveScreenshot(view, QStringLiteral("timeline.png"));
    QSignalSpy clicked(timeline, &RunTimeline::hostClicked);
    QTest::mouseClick(timeline, Qt::LeftButton, {},
                      timeline->barRect(QStringLiteral("app3")).center());
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked.first().first().toString(), QStringLiteral("app3"));
    QTRY_COMPARE(view->detail()->currentHost(), QStringLiteral("app3"));
    view->viewTabs()->setCurrentIndex(0);

    // A human summary for an edit (FileSystem.line_in_file), not its JSON.
    const QString edited = m_dir.filePath(QStringLiteral("edited.conf"));
    window.targetsField()->setText(QStringLiteral("app1"));
    QVERIFY(window.palette()->select(QStringLiteral("FileSystem"), QStringLiteral("line_in_file")));
    setText(window, QStringLiteral("path"), edited);
    setText(window, QStringLiteral("line"), QStringLiteral("key = value"));
    if (ParameterEditor* create = window.form()->editor(QStringLiteral("create"))) {
        if (auto* box = qobject_cast<QCheckBox*>(create->inputWidget()))
            box->setChecked(true);
        else if (auto* combo = qobject_cast<QComboBox*>(create->inputWidget()))
            combo->setCurrentIndex(combo->findText(QStringLiteral("true")));
    }
    QVERIFY2(window.run(), qPrintable(window.formError()->text()));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 60000);
    view = window.currentRunView();
    QVERIFY2(view->model()->row(0).result.ok,
             qPrintable(view->model()->row(0).result.error.message));
    const QString summary =
        view->model()->index(0, RunResultsModel::SummaryColumn).data().toString();
    QVERIFY2(summary.startsWith(edited), qPrintable(summary));
    QVERIFY2(!summary.contains(QLatin1Char('{')), qPrintable(summary));

    // Tabs stay bounded: the oldest unpinned finished tab goes, a pinned one stays.
    RunTabs* tabs = window.resultTabs();
    tabs->setMaxUnpinned(3);
    tabs->setPinned(0, true);
    RunView* pinned = tabs->view(0);
    for (int i = 0; i < 6; ++i)
        tabs->addRun(QStringLiteral("extra %1").arg(i), i % 2 == 1);
    QVERIFY2(tabs->count() <= 4, qPrintable(QString::number(tabs->count())));
    QCOMPARE(tabs->view(0), pinned);
    QVERIFY(tabs->isPinned(0));
    QVERIFY(tabs->tabText(tabs->count() - 1).contains(QStringLiteral("extra 5")));
    QVERIFY(tabs->tabText(tabs->count() - 1).contains(QStringLiteral("check")));
}

void TestDailyUseRuns::keyboardRunsTheToolShown()
{
    const MainWindowOptions o = options(QStringLiteral("keys"));
    AppServices services(o);
    MainWindow window(services, o);
    window.show();
    window.activateWindow(); // no window manager under xvfb: ask for the focus
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
    window.targetsField()->setText(QStringLiteral("app1"));

    // No shortcut belongs to two actions (Ctrl+T was both the template editor and Test).
    QHash<QString, QString> owners;
    for (QAction* action : window.findChildren<QAction*>()) {
        for (const QKeySequence& key : action->shortcuts()) {
            const QString k = key.toString();
            if (k.isEmpty() || action->text().isEmpty())
                continue;
            QVERIFY2(!owners.contains(k) || owners.value(k) == action->text(),
                     qPrintable(k + QStringLiteral(": ") + owners.value(k) +
                                QStringLiteral(" and ") + action->text()));
            owners.insert(k, action->text());
        }
    }
    QVERIFY(owners.contains(QStringLiteral("Ctrl+T")));

    // Values survive switching tools and back.
    QVERIFY(window.palette()->select(QStringLiteral("Exec"), QStringLiteral("run")));
    setText(window, QStringLiteral("argv"), QStringLiteral("echo\nkept"));
    QVERIFY(window.palette()->select(QStringLiteral("Facts"), QStringLiteral("hostname")));
    QVERIFY(window.palette()->select(QStringLiteral("Exec"), QStringLiteral("run")));
    QCOMPARE(text(window, QStringLiteral("argv")), QStringLiteral("echo\nkept"));

    // Tab from the targets reaches the form's first field.
    // (Fields added to the shown form become visible when the event loop runs.)
    QTRY_VERIFY(window.form()->editor(QStringLiteral("argv"))->inputWidget()->isVisible());
    window.targetsField()->setFocus();
    QTRY_VERIFY(window.targetsField()->hasFocus());
    QTest::keyClick(window.targetsField(), Qt::Key_Tab);
    QTRY_VERIFY2(window.form()->editor(QStringLiteral("argv"))->inputWidget()->hasFocus(),
                 qPrintable(QApplication::focusWidget()
                                ? QApplication::focusWidget()->objectName() + QLatin1Char(' ') +
                                      QString::fromLatin1(
                                          QApplication::focusWidget()->metaObject()->className())
                                : QStringLiteral("none")));

    // Ctrl+K, Down onto a tool's group header: no tool is active, and Ctrl+Return runs nothing.
    QSignalSpy started(&window, &MainWindow::runStarted);
    QTest::keyClick(&window, Qt::Key_K, Qt::ControlModifier);
    QTRY_VERIFY(window.palette()->searchField()->hasFocus());
    QTreeView* list = window.palette()->view();
    list->setFocus();
    list->setCurrentIndex(list->model()->index(0, 0)); // a group header (a tool)
    QVERIFY(list->model()->hasChildren(list->currentIndex()));
    QTRY_VERIFY(!window.form()->hasMethod());
    QVERIFY(!window.runAction()->isEnabled());
    QTest::keyClick(list, Qt::Key_Return, Qt::ControlModifier);
    QTest::qWait(200);
    QCOMPARE(started.size(), 0);
    // Down onto a method: that method is the one shown and run.
    list->expand(list->currentIndex());
    QTest::keyClick(list, Qt::Key_Down);
    QTRY_VERIFY(window.form()->hasMethod());
    const QModelIndex current = list->currentIndex();
    QVERIFY(current.parent().isValid());
    QVERIFY2(window.form()->method().fullName().endsWith(current.data().toString()),
             qPrintable(window.form()->method().fullName() + QStringLiteral(" vs ") +
                        current.data().toString()));
}

void TestDailyUseRuns::testConnectionStaysOutOfTheWay()
{
    const MainWindowOptions o = options(QStringLiteral("test"));
    AppServices services(o);
    MainWindow window(services, o);
    window.show();
    window.activateWindow(); // no window manager under xvfb: ask for the focus
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
    QVERIFY(window.palette()->select(QStringLiteral("Exec"), QStringLiteral("run")));
    setText(window, QStringLiteral("argv"), QStringLiteral("true"));

    InventoryDock* dock = window.inventoryDock();
    dock->selectHosts({QStringLiteral("app2")});
    QAction* test = dock->findChild<QAction*>(QStringLiteral("testConnectionAction"));
    QVERIFY(test);
    QSignalSpy finished(&window, &MainWindow::runFinished);
    test->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    // The selected tool and its values stay; no message box was asked for.
    QCOMPARE(window.form()->method().fullName(), QStringLiteral("Exec.run"));
    QCOMPARE(text(window, QStringLiteral("argv")), QStringLiteral("true"));
    for (const QString& asked : window.prompts()->asked())
        QVERIFY2(!asked.startsWith(QStringLiteral("message: ")), qPrintable(asked));
    // The outcome is where the user looks: the host's row and a results tab.
    const QModelIndexList row = dock->view()->model()->match(
        dock->view()->model()->index(0, 0), Qt::DisplayRole, QStringLiteral("app2"), 1,
        Qt::MatchExactly | Qt::MatchRecursive);
    QVERIFY(!row.isEmpty());
    QVERIFY(window.currentRunView());
    QCOMPARE(window.currentRunView()->model()->rowCount(), 1);
    QVERIFY(window.currentRunView()->model()->row(0).result.ok);

    // A broken host says why, also without a modal box.
    dock->selectHosts({QStringLiteral("broken")});
    test->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 60000);
    QVERIFY(!window.currentRunView()->model()->row(0).result.ok);
    for (const QString& asked : window.prompts()->asked())
        QVERIFY2(!asked.startsWith(QStringLiteral("message: ")), qPrintable(asked));
    QCOMPARE(window.form()->method().fullName(), QStringLiteral("Exec.run"));

    // From the host editor: the answer appears in the editor itself, for the host as edited.
    dock->selectHosts({QStringLiteral("app3")});
    dock->editSelection();
    QTRY_VERIFY(dock->openHostEditor());
    HostEditorDialog* editor = dock->openHostEditor();
    QTRY_VERIFY(editor->isVisible());
    QTest::mouseClick(editor->findChild<QPushButton*>(QStringLiteral("testConnectionButton")),
                      Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 60000);
    QTRY_VERIFY2(editor->testResult()->text().startsWith(QStringLiteral("Connected to app3")),
                 qPrintable(editor->testResult()->text()));
    QTest::keyClicks(editor->field(QStringLiteral("ansible_python_interpreter")),
                     QStringLiteral("/nonexistent/python3"));
    QTest::mouseClick(editor->findChild<QPushButton*>(QStringLiteral("testConnectionButton")),
                      Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 4, 60000);
    QTRY_VERIFY2(editor->testResult()->text().startsWith(QStringLiteral("Cannot reach app3")),
                 qPrintable(editor->testResult()->text()));
    for (const QString& asked : window.prompts()->asked())
        QVERIFY2(!asked.startsWith(QStringLiteral("message: ")), qPrintable(asked));
    QCOMPARE(window.form()->method().fullName(), QStringLiteral("Exec.run"));
    editor->reject();
}

void TestDailyUseRuns::fleetOverviewChartsSelectHosts()
{
    const MainWindowOptions o = options(QStringLiteral("overview"));
    AppServices services(o);
    MainWindow window(services, o);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
    window.targetsField()->setText(QStringLiteral("all"));
    window.fleetOverviewAction()->trigger();
    FleetOverview* overview = window.fleetOverview();
    QVERIFY(overview);
    overview->resize(1100, 760);
    QSignalSpy gathered(overview, &FleetOverview::gathered);
    QTRY_VERIFY_WITH_TIMEOUT(gathered.size() >= 1, 60000);

    // One row per host; the working hosts have real facts, the broken one says why.
    FleetFactsModel* model = overview->model();
    QCOMPARE(model->rowCount(), 5);
    int ok = 0;
    for (const FleetFactsModel::Facts& facts : model->facts()) {
        if (facts.host == QStringLiteral("broken")) {
            QVERIFY(!facts.ok);
            QVERIFY(!facts.problem.isEmpty());
            continue;
        }
        QVERIFY2(facts.ok, qPrintable(facts.host + QStringLiteral(": ") + facts.problem));
        QVERIFY(!facts.kernel.isEmpty());
        QVERIFY(facts.cpus > 0);
        QVERIFY(facts.memory > 0);
        QVERIFY(!facts.python.isEmpty());
        ++ok;
    }
    QCOMPARE(ok, 4);
    // The broken host's long reason does not push the other columns out of sight.
    QVERIFY(overview->table()->columnWidth(FleetFactsModel::OsColumn) <
            overview->table()->viewport()->width() / 2);
    // Sortable: by memory, then by host name descending.
    QVERIFY(overview->table()->isSortingEnabled());
    overview->table()->sortByColumn(FleetFactsModel::HostColumn, Qt::DescendingOrder);
    QCOMPARE(overview->table()->model()->index(0, FleetFactsModel::HostColumn).data().toString(),
             QStringLiteral("broken"));
    overview->table()->sortByColumn(FleetFactsModel::HostColumn, Qt::AscendingOrder);
    QCOMPARE(overview->table()->model()->index(0, FleetFactsModel::HostColumn).data().toString(),
             QStringLiteral("app1"));

    // The kernel chart: the four working hosts share one slice, the broken one has its own.
    QPieSeries* kernels = overview->series(FleetFactsModel::KernelColumn);
    QVERIFY(kernels);
    QCOMPARE(kernels->count(), 2);
    const QMap<QString, QStringList> spread = model->distribution(FleetFactsModel::KernelColumn);
    QString kernel;
    for (auto it = spread.cbegin(); it != spread.cend(); ++it) {
        if (it.value().size() == 4)
            kernel = it.key();
    }
    QVERIFY(!kernel.isEmpty());
    QVERIFY(QTest::qWaitForWindowExposed(overview));
    QTRY_VERIFY(overview->chartView(FleetFactsModel::KernelColumn)->isVisible());
    QTRY_VERIFY(!overview->sliceCenter(FleetFactsModel::KernelColumn, kernel).isNull());
    saveScreenshot(overview, QStringLiteral("fleet-overview.png"));

    // A click on that slice makes its hosts the targets.
    QSignalSpy chosen(overview, &FleetOverview::hostsChosen);
    QChartView* chart = overview->chartView(FleetFactsModel::KernelColumn);
    const QPoint at = overview->sliceCenter(FleetFactsModel::KernelColumn, kernel);
    QVERIFY(!at.isNull());
    QTest::mouseClick(chart->viewport(), Qt::LeftButton, {}, at);
    QTRY_COMPARE(chosen.size(), 1);
    QCOMPARE(chosen.first().at(1).toString(), kernel); // says what the slice stands for
    QStringList hosts = chosen.first().first().toStringList();
    hosts.sort();
    QCOMPARE(hosts, (QStringList{QStringLiteral("app1"), QStringLiteral("app2"),
                                 QStringLiteral("app3"), QStringLiteral("app4")}));
    QCOMPARE(window.targetsCount()->text(), QStringLiteral("4 host(s)"));
    QStringList selected = window.inventoryDock()->selectedHosts();
    selected.sort();
    QCOMPARE(selected, hosts);
    overview->close();
}

QTEST_MAIN(TestDailyUseRuns)
#include "tst_dailyuse_runs.moc"
