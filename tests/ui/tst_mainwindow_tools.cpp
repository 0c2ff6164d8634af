// The main window's second half: template editor opened from it (sharing engine and history),
// keyboard access, light/dark palettes, icons, and the README screenshots of a multi-host run.
#include "engine/history/RunHistory.h"
#include "tests/support/TestEnv.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/history/HistoryModel.h"
#include "ui/history/HistoryView.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/results/ResultText.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunView.h"
#include "ui/template/ScriptedTemplatePrompts.h"
#include "ui/template/TemplateDeployPane.h"
#include "ui/template/TemplateEditor.h"
#include "ui/template/TemplateEditorWindow.h"
#include "ui/template/TemplatePreview.h"
#include "ui/template/TemplateVariablesPane.h"
#include "ui/tools/ParameterEditor.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
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

namespace {

/// WCAG contrast ratio of two colours (1..21); 3 is the floor for readable coloured text.
double contrast(const QColor& a, const QColor& b)
{
    const auto luminance = [](const QColor& c) {
        const auto channel = [](double v) {
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) +
               0.0722 * channel(c.blueF());
    };
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    return p;
}

} // namespace

class TestMainWindowTools : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void templateEditorSharesEngineAndHistory();
    void multiHostRunAndScreenshots();
    void keyboardReachesMainActions();
    void statusColoursFollowThePalette();
    void iconsAreBuiltIn();

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
    void saveScreenshot(QWidget* widget, const QString& name) const;
    static void selectHosts(MainWindow& window, const QStringList& hosts);

    QTemporaryDir m_dir;
    QString m_inventory;
};

void TestMainWindowTools::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    // Three "hosts" that run their agent as a local process: real agents, no sshd needed.
    m_inventory = m_dir.filePath(QStringLiteral("inventory.yml"));
    QFile file(m_inventory);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QByteArray yaml =
        "all:\n  vars:\n    hostdeck_transport: local\n    hostdeck_inventory_id: tools-test\n"
        "  children:\n    app:\n      vars:\n        role: frontend\n      hosts:\n";
    for (int i = 1; i <= 3; ++i)
        yaml += QStringLiteral("        app%1:\n          greeting: hello from app%1\n")
                    .arg(i)
                    .toUtf8();
    yaml += "    db:\n      hosts:\n        db1:\n          greeting: hello from db1\n";
    file.write(yaml);
}

void TestMainWindowTools::saveScreenshot(QWidget* widget, const QString& name) const
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

void TestMainWindowTools::selectHosts(MainWindow& window, const QStringList& hosts)
{
    QTreeView* tree = window.inventoryDock()->view();
    tree->expandAll();
    tree->selectionModel()->clearSelection();
    QAbstractItemModel* model = tree->model();
    for (const QString& host : hosts) {
        const QModelIndexList found = model->match(model->index(0, 0), Qt::DisplayRole, host, 1,
                                                   Qt::MatchExactly | Qt::MatchRecursive);
        QVERIFY2(!found.isEmpty(), qPrintable(host));
        tree->selectionModel()->select(found.first(),
                                       QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
}

void TestMainWindowTools::templateEditorSharesEngineAndHistory()
{
    MainWindowOptions o = options(QStringLiteral("template"));
    auto prompts = std::make_shared<ScriptedTemplatePrompts>();
    o.templatePrompts = prompts;
    const MainWindowOptions windowOptions = o;
    AppServices services(windowOptions);
    MainWindow window(services, windowOptions);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);

    // Ctrl+T opens the editor, with the main window's inventory.
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier);
    TemplateEditorWindow* editor = window.templateEditor();
    QVERIFY(editor);
    QTRY_VERIFY(editor->isVisible());
    QVERIFY(editor->isWindow());
    QVERIFY(editor->variablesPane()->hostBox()->findText(QStringLiteral("app2")) >= 0);

    // Preview with a host's inventory variables, rendered by the shared engine.
    QSignalSpy previews(editor, &TemplateEditorWindow::previewUpdated);
    editor->variablesPane()->setCurrentHost(QStringLiteral("app2"));
    editor->editor()->setPlainText(QStringLiteral(
        "## written by Hostdeck\n# ${inventory_hostname}\ngreeting = ${greeting}\nrole = ${role}\n"
        "% for port in (8080, 8081):\nlisten = 0.0.0.0:${port}\n% endfor\n"));
    editor->renderNow();
    QTRY_VERIFY_WITH_TIMEOUT(
        editor->preview()->text().contains(QStringLiteral("greeting = hello from app2")), 60000);
    QVERIFY(editor->preview()->text().contains(QStringLiteral("role = frontend")));

    // Diff, then deploy to app1 (a local agent): the file lands, and both runs are in the history.
    const QString dest = m_dir.filePath(QStringLiteral("deployed/app.conf"));
    QDir().mkpath(QFileInfo(dest).path());
    TemplateDeployPane* pane = editor->deployPane();
    pane->setChecked(QString(), false);
    pane->setChecked(QStringLiteral("app1"), true);
    pane->setSpec(TemplateDeploySpec{dest, QStringLiteral("0640"), QString(), QString(), false});
    QSignalSpy rollouts(editor, &TemplateEditorWindow::rolloutFinished);
    pane->diffButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(rollouts.size(), 1, 60000);
    QVERIFY(!QFile::exists(dest));
    prompts->deployAnswers = {true};
    pane->deployButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(rollouts.size(), 2, 60000);
    QFile deployed(dest);
    QVERIFY(deployed.open(QIODevice::ReadOnly));
    QCOMPARE(deployed.readAll(),
             QByteArray("# app1\ngreeting = hello from app1\nrole = frontend\nlisten = "
                        "0.0.0.0:8080\nlisten = 0.0.0.0:8081\n"));
    QCOMPARE(int(deployed.permissions() & (QFile::ReadUser | QFile::WriteUser | QFile::ExeUser |
                                           QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                           QFile::ReadOther | QFile::WriteOther | QFile::ExeOther)),
             int(QFile::ReadUser | QFile::WriteUser | QFile::ReadGroup)); // mode 0640

    QTRY_COMPARE(window.historyView()->model()->rowCount(), 2);
    auto history = engine::RunHistory::open(o.historyPath);
    QVERIFY(history.ok());
    const auto runs = (*history)->runs();
    QVERIFY(runs.ok());
    QCOMPARE(runs->size(), 2);
    const engine::HistoryRun& deploy = runs->first(); // newest first
    QCOMPARE(deploy.toolMethod(), QStringLiteral("Template.deploy"));
    QVERIFY(!deploy.check);
    QVERIFY(runs->last().check); // the diff
    QCOMPARE(deploy.hosts, QStringList{QStringLiteral("app1")});
    QCOMPARE(deploy.inventory, m_inventory);
    QCOMPARE(deploy.args.value(QStringLiteral("dest")).toString(), dest);
    QVERIFY(deploy.finished);
    QCOMPARE(deploy.summary.value(QStringLiteral("changed")).toInt(), 1);
    const auto results = (*history)->results(deploy.id);
    QVERIFY(results.ok());
    QCOMPARE(results->size(), 1);
    QCOMPARE(results->first().value(QStringLiteral("host")).toString(), QStringLiteral("app1"));
    QVERIFY(results->first().value(QStringLiteral("ok")).toBool());

    editor->resize(1200, 760);
    editor->variablesPane()->setCurrentHost(QStringLiteral("app2"));
    editor->renderNow();
    QTRY_VERIFY_WITH_TIMEOUT(editor->preview()->text().contains(QStringLiteral("app2")), 60000);
    saveScreenshot(editor, QStringLiteral("template-editor.png"));
    editor->editor()->document()->setModified(false);
    editor->close();
}

void TestMainWindowTools::multiHostRunAndScreenshots()
{
    const MainWindowOptions windowOptions = options(QStringLiteral("multi"));
    AppServices services(windowOptions);
    MainWindow window(services, windowOptions);
    const MainWindowOptions& o = windowOptions;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);

    // A small run first, so the history lists more than one entry.
    QSignalSpy finished(&window, &MainWindow::runFinished);
    window.targetsField()->setText(QStringLiteral("db"));
    QVERIFY(window.palette()->select(QStringLiteral("Facts"), QStringLiteral("hostname")));
    QVERIFY(window.run());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);

    // Select hosts in the inventory dock: the selection becomes the targets.
    selectHosts(window, {QStringLiteral("app1"), QStringLiteral("app2"), QStringLiteral("app3"),
                         QStringLiteral("db1")});
    QTRY_COMPARE(window.targetsCount()->text(), QStringLiteral("4 host(s)"));
    QVERIFY(window.palette()->select(QStringLiteral("Exec"), QStringLiteral("run")));
    auto* argv =
        qobject_cast<QPlainTextEdit*>(window.form()->editor(QStringLiteral("argv"))->inputWidget());
    QVERIFY(argv);
    argv->setPlainText(QStringLiteral("sh\n-c\necho \"uptime check on $(hostname)\"; uname -sr"));
    QVERIFY(window.run());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 60000);
    RunView* view = window.currentRunView();
    QCOMPARE(view->model()->rowCount(), 4);
    for (int row = 0; row < 4; ++row)
        QVERIFY2(view->model()->row(row).result.ok,
                 qPrintable(view->model()->row(row).result.error.message));
    QVERIFY(window.countsLabel()->text().contains(QStringLiteral("ok 4")));
    QTRY_COMPARE(window.historyView()->model()->rowCount(), 2);
    if (auto* center = window.findChild<QSplitter*>(QStringLiteral("centerSplitter")))
        center->setSizes({230, 470});
    view->table()->selectRow(1);
    saveScreenshot(&window, QStringLiteral("main-window.png"));
    saveScreenshot(view, QStringLiteral("results.png"));
    // Two more runs (one a dry run) so the history picture has several kinds of entries.
    window.targetsField()->setText(QStringLiteral("all"));
    QVERIFY(window.palette()->select(QStringLiteral("Facts"), QStringLiteral("kernel")));
    QVERIFY(window.run());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 60000);
    window.targetsField()->setText(QStringLiteral("app"));
    QVERIFY(window.palette()->select(QStringLiteral("Exec"), QStringLiteral("run")));
    argv =
        qobject_cast<QPlainTextEdit*>(window.form()->editor(QStringLiteral("argv"))->inputWidget());
    // The dry run names a command with a visible effect: it must report what it would do on
    // every app host and do nothing.
    const QString marker = m_dir.filePath(QStringLiteral("check-mode-ran"));
    argv->setPlainText(QStringLiteral("touch\n") + marker);
    QVERIFY(window.run(true));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 4, 60000);
    QTRY_COMPARE(window.historyView()->model()->rowCount(), 4);
    QVERIFY2(!QFile::exists(marker), "check mode ran the command");
    view = window.currentRunView();
    QCOMPARE(view->model()->rowCount(), 3);
    for (int row = 0; row < 3; ++row) {
        const engine::HostResult& r = view->model()->row(row).result;
        QVERIFY2(r.ok && r.changed, qPrintable(r.host + QLatin1Char(' ') + r.error.message));
        QVERIFY(r.host.startsWith(QStringLiteral("app")));
        QCOMPARE(r.value.toObject().value(QStringLiteral("check")).toBool(), true);
        QVERIFY(r.value.toObject().value(QStringLiteral("rc")).isNull()); // nothing ran
    }
    {
        auto history = engine::RunHistory::open(o.historyPath);
        QVERIFY(history.ok());
        const auto runs = (*history)->runs();
        QVERIFY(runs.ok());
        QVERIFY(runs->first().check);
        QVERIFY(!runs->at(1).check);
    }
    if (auto* dock = window.findChild<QDockWidget*>(QStringLiteral("historyDock")))
        window.resizeDocks({dock}, {260}, Qt::Vertical);
    QTRY_VERIFY(window.historyView()->height() >= 200);
    saveScreenshot(window.historyView(), QStringLiteral("history.png"));
}

void TestMainWindowTools::keyboardReachesMainActions()
{
    const MainWindowOptions windowOptions = options(QStringLiteral("keys"));
    AppServices services(windowOptions);
    MainWindow window(services, windowOptions);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);

    // Every main action has a shortcut.
    for (QAction* action : {window.runAction(), window.checkAction(), window.cancelAction(),
                            window.templateEditorAction()})
        QVERIFY2(!action->shortcut().isEmpty(), qPrintable(action->text()));

    // Ctrl+K: tool search; type, Enter picks the first match.
    QTest::keyClick(&window, Qt::Key_K, Qt::ControlModifier);
    QTRY_VERIFY(window.palette()->searchField()->hasFocus());
    QTest::keyClicks(window.palette()->searchField(), QStringLiteral("Probe.wait_cancel"));
    QTest::keyClick(window.palette()->searchField(), Qt::Key_Return);
    QCOMPARE(window.form()->method().fullName(), QStringLiteral("Probe.wait_cancel"));
    // Tab leaves the search for the tool list (tab order follows the layout).
    QTest::keyClick(window.palette()->searchField(), Qt::Key_Tab);
    QVERIFY(!window.palette()->searchField()->hasFocus());

    // Ctrl+L: targets.
    QTest::keyClick(&window, Qt::Key_L, Qt::ControlModifier);
    QTRY_VERIFY(window.targetsField()->hasFocus());
    window.targetsField()->setText(QStringLiteral("localhost"));
    auto* marker =
        qobject_cast<QLineEdit*>(window.form()->editor(QStringLiteral("marker"))->inputWidget());
    QVERIFY(marker);
    marker->setText(m_dir.filePath(QStringLiteral("keys-marker")));

    // Ctrl+Return runs, Ctrl+. cancels.
    QSignalSpy started(&window, &MainWindow::runStarted);
    QSignalSpy finished(&window, &MainWindow::runFinished);
    QTest::keyClick(window.targetsField(), Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(started.size(), 1);
    QVERIFY(window.cancelAction()->isEnabled());
    QTest::keyClick(&window, Qt::Key_Period, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    QCOMPARE(
        window.currentRunView()->model()->index(0, RunResultsModel::StatusColumn).data().toString(),
        QStringLiteral("cancelled"));

    // Ctrl+T: the template editor.
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier);
    QVERIFY(window.templateEditor());
    QTRY_VERIFY(window.templateEditor()->isVisible());
    window.templateEditor()->close();
}

void TestMainWindowTools::statusColoursFollowThePalette()
{
    const QPalette light = QApplication::palette();
    const MainWindowOptions windowOptions = options(QStringLiteral("palette"));
    AppServices services(windowOptions);
    MainWindow window(services, windowOptions);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* view = new RunView(window.runTabs());
    window.runTabs()->addTab(view, QStringLiteral("colours"));
    QList<engine::HostResult> results;
    const QStringList names{QStringLiteral("ok"), QStringLiteral("changed"),
                            QStringLiteral("failed"), QStringLiteral("gone")};
    for (int i = 0; i < 4; ++i) {
        engine::HostResult r;
        r.host = names.at(i);
        r.ok = i < 2;
        r.changed = i == 1;
        r.error.kind = i == 3 ? engine::ErrorKind::Connect : engine::ErrorKind::Remote;
        r.error.message = QStringLiteral("boom");
        results << r;
    }
    view->model()->addResults(results);

    const auto checkReadable = [&](const QString& which) {
        const QColor base = view->table()->palette().color(QPalette::Base);
        for (int row = 0; row < 4; ++row) {
            const QVariant fg =
                view->model()->index(row, RunResultsModel::StatusColumn).data(Qt::ForegroundRole);
            const QColor text =
                fg.isValid() ? fg.value<QColor>() : view->table()->palette().color(QPalette::Text);
            QVERIFY2(contrast(text, base) >= 3.0,
                     qPrintable(QStringLiteral("%1 palette, row %2: %3 on %4 (%5:1)")
                                    .arg(which, names.at(row), text.name(), base.name())
                                    .arg(contrast(text, base), 0, 'f', 2)));
        }
        QVERIFY(window.run() == false); // no method yet: the error label shows
        const QColor error = window.formError()->palette().color(QPalette::WindowText);
        QVERIFY2(contrast(error, window.QWidget::palette().color(QPalette::Window)) >= 3.0,
                 qPrintable(which + error.name()));
    };
    checkReadable(QStringLiteral("light"));
    QApplication::setPalette(darkPalette());
    QTRY_VERIFY(view->model()->isDarkPalette());
    checkReadable(QStringLiteral("dark"));
    QApplication::setPalette(light);
    QTRY_VERIFY(!view->model()->isDarkPalette());
    checkReadable(QStringLiteral("light again"));
}

void TestMainWindowTools::iconsAreBuiltIn()
{
    for (const char* name : {"hostdeck", "template-editor", "host-key"}) {
        const QIcon icon(QStringLiteral(":/hostdeck/icons/%1.svg").arg(QLatin1String(name)));
        QVERIFY2(!icon.pixmap(32, 32).isNull(), name);
    }
}

QTEST_MAIN(TestMainWindowTools)
#include "tst_mainwindow_tools.moc"
