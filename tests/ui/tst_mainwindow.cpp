#include "engine/history/RunHistory.h"
#include "tests/support/TestEnv.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/history/HistoryModel.h"
#include "ui/history/HistoryView.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/prompts/Prompts.h"
#include "ui/results/ResultDetailView.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunView.h"
#include "ui/tools/ParameterEditor.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"

#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTreeView>
#include <QtTest>

#include <ctime>

using namespace hostdeck;
using namespace hostdeck::ui;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void runsExecOnLocalhost();
    void cancelsMidRun();
    void reportsCorruptHistory();
    void stallWhile200HostsStream();

private:
    MainWindowOptions options(const QString& name) const
    {
        MainWindowOptions o;
        o.localInterpreter = {test::python()};
        o.userToolDirs = {test::testToolsDir()};
        o.historyPath = m_dir.filePath(name + QStringLiteral("/history.sqlite"));
        o.settingsPath = m_dir.filePath(name + QStringLiteral("/settings.ini"));
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
    void saveScreenshot(QWidget* widget, const QString& name) const;

    QTemporaryDir m_dir;
};

void TestMainWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Nothing of the user's: settings, data and keyring files stay in the temp dir.
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
}

void TestMainWindow::saveScreenshot(QWidget* widget, const QString& name) const
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

void TestMainWindow::runsExecOnLocalhost()
{
    const MainWindowOptions o = options(QStringLiteral("e2e"));
    const MainWindowOptions windowOptions = o;
    AppServices services(windowOptions);
    MainWindow window(services, windowOptions);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);

    // Pick the tool the way a user does: search, then Enter jumps to the first method.
    QTest::keyClicks(window.palette()->searchField(), QStringLiteral("Exec.run"));
    QTest::keyClick(window.palette()->searchField(), Qt::Key_Return);
    QCOMPARE(window.form()->method().fullName(), QStringLiteral("Exec.run"));
    QVERIFY(!window.form()->editor(QStringLiteral("argv"))->toolTip().isEmpty());

    // Run without argv: refused before anything starts.
    window.targetsField()->setText(QStringLiteral("localhost"));
    QCOMPARE(window.targetsCount()->text(), QStringLiteral("1 host(s)"));
    QVERIFY(!window.run());
    QVERIFY(window.formError()->text().contains(QStringLiteral("argv is required")));

    setText(window, QStringLiteral("argv"),
            QStringLiteral("sh\n-c\necho hello-hostdeck; echo oops >&2"));
    QSignalSpy finished(&window, &MainWindow::runFinished);
    // Run with Ctrl+Return from the form, as a user does (shortcuts need the active window).
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QWidget* argv = window.form()->editor(QStringLiteral("argv"))->inputWidget();
    argv->setFocus();
    QTest::keyClick(argv, Qt::Key_Return, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);

    RunView* view = window.currentRunView();
    QVERIFY(view);
    QCOMPARE(view->model()->rowCount(), 1);
    const RunResultsModel::Row& row = view->model()->row(0);
    QCOMPARE(row.result.host, QStringLiteral("localhost"));
    QVERIFY2(row.result.ok, qPrintable(row.result.error.message));
    QCOMPARE(view->model()->index(0, RunResultsModel::StatusColumn).data().toString(),
             QStringLiteral("changed"));
    QVERIFY(view->model()
                ->index(0, RunResultsModel::SummaryColumn)
                .data()
                .toString()
                .contains(QStringLiteral("hello-hostdeck")));
    QVERIFY(window.countsLabel()->text().contains(QStringLiteral("changed 1")));

    // The detail pane shows the selected host: value tree, output (stdout + stderr), JSON.
    QCOMPARE(view->detail()->currentHost(), QStringLiteral("localhost"));
    QVERIFY(view->detail()->header()->text().contains(QStringLiteral("localhost")));
    QVERIFY(view->detail()->outputView()->toPlainText().contains(QStringLiteral("hello-hostdeck")));
    QVERIFY(view->detail()->outputView()->toPlainText().contains(QStringLiteral("oops")));
    QVERIFY(view->detail()->valueTree()->model()->rowCount(
                view->detail()->valueTree()->model()->index(0, 0)) > 0);

    // The history has the run and its result, on disk.
    QTRY_COMPARE(window.historyView()->model()->rowCount(), 1);
    const qint64 historyId = window.lastHistoryId();
    QVERIFY(historyId > 0);
    {
        auto history = engine::RunHistory::open(o.historyPath);
        QVERIFY(history.ok());
        const auto run = (*history)->run(historyId);
        QVERIFY(run.ok());
        QCOMPARE(run->toolMethod(), QStringLiteral("Exec.run"));
        QCOMPARE(run->hosts, QStringList{QStringLiteral("localhost")});
        QVERIFY(run->finished);
        QCOMPARE(run->summary.value(QStringLiteral("ok")).toInt(), 1);
        const auto results = (*history)->results(historyId);
        QCOMPARE(results->size(), 1);
        QVERIFY(results->first()
                    .value(QStringLiteral("value"))
                    .toObject()
                    .value(QStringLiteral("stdout"))
                    .toString()
                    .contains(QStringLiteral("hello-hostdeck")));
    }

    // Export through the file-dialog seam: the JSON is the CLI's shape.
    const QString exported = m_dir.filePath(QStringLiteral("export.json"));
    window.prompts()->setNextFileName(exported);
    QTest::mouseClick(view->findChild<QToolButton*>(QStringLiteral("exportButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(QFile::exists(exported));
    QFile file(exported);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject doc = QJsonDocument::fromJson(file.readAll()).object();
    const QJsonObject runInfo = doc.value(QStringLiteral("run")).toObject();
    QCOMPARE(runInfo.value(QStringLiteral("tool")).toString(), QStringLiteral("Exec"));
    QCOMPARE(runInfo.value(QStringLiteral("mode")).toString(), QStringLiteral("run"));
    QVERIFY(!runInfo.value(QStringLiteral("started")).toString().isEmpty());
    const QJsonArray json = doc.value(QStringLiteral("results")).toArray();
    QCOMPARE(json.size(), 1);
    QCOMPARE(json.first().toObject(), row.result.toJson());

    // Reopen from history: a new tab with the stored result.
    const int tabs = window.runTabs()->count();
    window.historyView()->table()->selectRow(0);
    QTest::mouseClick(window.historyView()->findChild<QPushButton*>(QStringLiteral("historyOpen")),
                      Qt::LeftButton);
    QCOMPARE(window.runTabs()->count(), tabs + 1);
    QCOMPARE(window.currentRunView()->model()->row(0).result.toJson(), row.result.toJson());

    // The README screenshots come from tst_mainwindow_tools (a run on several hosts).

    // Issue 19 item 4: the history shows the mode and the arguments, and can be searched.
    HistoryView* history = window.historyView();
    QCOMPARE(history->model()->index(0, HistoryModel::CheckColumn).data().toString(),
             QStringLiteral("run"));
    QVERIFY(history->model()
                ->index(0, HistoryModel::ArgsColumn)
                .data()
                .toString()
                .contains(QStringLiteral("hello-hostdeck")));
    // The Tool column shows the whole tool name.
    QVERIFY(history->table()->columnWidth(HistoryModel::ToolColumn) >
            history->table()->fontMetrics().horizontalAdvance(QStringLiteral("Exec.run")));
    history->searchField()->setText(QStringLiteral("no-such-run"));
    QCOMPARE(history->shownCount(), 0);
    QVERIFY(!history->rerunButton()->isEnabled());
    history->searchField()->setText(QStringLiteral("hello-hostdeck"));
    QCOMPARE(history->shownCount(), 1);
    history->table()->selectRow(0);

    // Re-run from history works whatever the palette's search hides, and asks first because
    // Exec.run changes hosts; No runs nothing.
    window.palette()->searchField()->setText(QStringLiteral("Facts"));
    window.prompts()->setNextConfirm(false);
    QTest::mouseClick(history->findChild<QPushButton*>(QStringLiteral("historyRerun")),
                      Qt::LeftButton);
    QTRY_VERIFY(window.prompts()->asked().size() > 0);
    const QString question = window.prompts()->asked().constLast();
    QVERIFY2(question.startsWith(QStringLiteral("confirm: ")), qPrintable(question));
    QVERIFY2(question.contains(QStringLiteral("hello-hostdeck")), qPrintable(question));
    QVERIFY2(question.contains(QStringLiteral("localhost")), qPrintable(question));
    QTest::qWait(300);
    QCOMPARE(finished.size(), 1);
    QVERIFY(!window.isRunning());

    // Re-run from history: same method, same args, a second history entry.
    window.prompts()->setNextConfirm(true);
    QTest::mouseClick(history->findChild<QPushButton*>(QStringLiteral("historyRerun")),
                      Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
    QVERIFY(!window.prompts()->asked().constLast().contains(QStringLiteral("not among")));
    QTRY_COMPARE(window.historyView()->model()->rowCount(), 2);
    {
        // The re-run is the same call on the same targets, and it really ran again.
        auto stored = engine::RunHistory::open(o.historyPath);
        QVERIFY(stored.ok());
        const auto runs = (*stored)->runs();
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), 2);
        const engine::HistoryRun& rerun = runs->first(); // newest first
        const engine::HistoryRun& original = runs->last();
        QVERIFY(rerun.id != original.id);
        QCOMPARE(rerun.toolMethod(), QStringLiteral("Exec.run"));
        QCOMPARE(rerun.args, original.args);
        QCOMPARE(rerun.args.value(QStringLiteral("argv")).toArray(),
                 (QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"),
                             QStringLiteral("echo hello-hostdeck; echo oops >&2")}));
        QCOMPARE(rerun.check, original.check);
        QCOMPARE(rerun.pattern, original.pattern);
        QCOMPARE(rerun.hosts, QStringList{QStringLiteral("localhost")});
        QTRY_VERIFY((*stored)->run(rerun.id)->finished);
        const auto results = (*stored)->results(rerun.id);
        QVERIFY(results.ok());
        QCOMPARE(results->size(), 1);
        QVERIFY(results->first()
                    .value(QStringLiteral("value"))
                    .toObject()
                    .value(QStringLiteral("stdout"))
                    .toString()
                    .contains(QStringLiteral("hello-hostdeck")));
    }
    window.close();
    QVERIFY(QFile::exists(o.settingsPath));
}

void TestMainWindow::cancelsMidRun()
{
    const MainWindowOptions windowOptions = options(QStringLiteral("cancel"));
    AppServices services(windowOptions);
    MainWindow window(services, windowOptions);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
    QVERIFY(window.palette()->select(QStringLiteral("Probe"), QStringLiteral("wait_cancel")));
    const QString marker = m_dir.filePath(QStringLiteral("cancel-marker"));
    setText(window, QStringLiteral("marker"), marker);
    window.targetsField()->setText(QStringLiteral("localhost"));
    QSignalSpy finished(&window, &MainWindow::runFinished);
    QVERIFY(window.run());
    QVERIFY(window.isRunning());
    QVERIFY(window.cancelAction()->isEnabled());
    QTest::qWait(500); // let the call reach the agent
    QCOMPARE(finished.size(), 0);
    window.cancelAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    RunView* view = window.currentRunView();
    QCOMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->model()->index(0, RunResultsModel::StatusColumn).data().toString(),
             QStringLiteral("cancelled"));
    QVERIFY(!window.isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(marker), 5000); // the agent saw the cancel
}

void TestMainWindow::reportsCorruptHistory()
{
    MainWindowOptions o = options(QStringLiteral("corrupt"));
    QDir().mkpath(QFileInfo(o.historyPath).absolutePath());
    QFile file(o.historyPath);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray("definitely not sqlite\n").repeated(100));
    file.close();
    const MainWindowOptions windowOptions = o;
    AppServices services(windowOptions);
    MainWindow window(services, windowOptions);
    QVERIFY(!window.prompts()->asked().isEmpty());
    QVERIFY(window.prompts()->asked().constLast().contains(QStringLiteral("corrupt")));
    QVERIFY(window.historyView()
                ->findChild<QLabel*>(QStringLiteral("historyStatus"))
                ->text()
                .contains(QStringLiteral("unavailable")));
    QFile again(o.historyPath);
    QVERIFY(again.open(QIODevice::ReadOnly));
    QVERIFY(again.readAll().startsWith("definitely not sqlite")); // reported, not replaced
}

void TestMainWindow::stallWhile200HostsStream()
{
    const int hosts = qEnvironmentVariableIntValue("HOSTDECK_STALL_HOSTS") > 0
                          ? qEnvironmentVariableIntValue("HOSTDECK_STALL_HOSTS")
                          : 200;
    const QString inventory = m_dir.filePath(QStringLiteral("fleet.yml"));
    QFile file(inventory);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QByteArray yaml = "all:\n  children:\n    fleet:\n      hosts:\n";
    for (int i = 1; i <= hosts; ++i)
        yaml += QStringLiteral("        h%1:\n          ansible_connection: local\n          "
                               "ansible_python_interpreter: %2\n")
                    .arg(i, 3, 10, QLatin1Char('0'))
                    .arg(test::python())
                    .toUtf8();
    file.write(yaml);
    file.close();

    MainWindowOptions o = options(QStringLiteral("stall"));
    o.inventoryPath = inventory;
    const MainWindowOptions windowOptions = o;
    AppServices services(windowOptions);
    MainWindow window(services, windowOptions);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
    QVERIFY(window.palette()->select(QStringLiteral("Exec"), QStringLiteral("run")));
    setText(window, QStringLiteral("argv"), QStringLiteral("echo\nstreamed"));
    window.targetsField()->setText(QStringLiteral("fleet"));
    QCOMPARE(window.targetsCount()->text(), QStringLiteral("%1 host(s)").arg(hosts));

    // A 2 ms timer on the GUI thread: the longest gap between its ticks is the longest stall.
    // Also the GUI thread's own CPU time across that gap: a gap with little CPU means the thread
    // was waiting to be scheduled (the machine was busy), a gap full of CPU means it was working.
    auto threadCpuMs = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
    };
    QElapsedTimer clock;
    qint64 last = 0;
    qint64 longest = 0;
    qint64 lastCpu = threadCpuMs();
    qint64 longestCpu = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(2);
    connect(&probe, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        const qint64 cpu = threadCpuMs();
        if (now - last > longest) {
            longest = now - last;
            longestCpu = cpu - lastCpu;
        }
        last = now;
        lastCpu = cpu;
    });
    QSignalSpy finished(&window, &MainWindow::runFinished);
    clock.start();
    probe.start();
    QVERIFY(window.run());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 150000);
    probe.stop();
    const qint64 total = clock.elapsed();
    RunView* view = window.currentRunView();
    QCOMPARE(view->model()->rowCount(), hosts);
    int ok = 0;
    QStringList errors;
    for (int r = 0; r < hosts; ++r) {
        const engine::HostResult& result = view->model()->row(r).result;
        ok += result.ok ? 1 : 0;
        if (!result.ok)
            errors << result.host + QStringLiteral(": ") + result.error.message;
    }
    if (!errors.isEmpty())
        qWarning("failed hosts: %s", qPrintable(errors.join(QStringLiteral("; "))));
    qInfo("stall: %d local hosts, run %lld ms, longest GUI event-loop stall %lld ms (GUI thread "
          "busy %lld ms of it), %d ok",
          hosts, total, longest, longestCpu, ok);
    QCOMPARE(ok, hosts);
    // The GUI thread itself must never work for long at a stretch; waiting for a CPU on a loaded
    // 2-core machine (200 local python3 starting) is reported, not failed.
    QVERIFY2(longestCpu < 250,
             qPrintable(QStringLiteral("GUI thread busy %1 ms in one stretch").arg(longestCpu)));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
