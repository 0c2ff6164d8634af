// Issue 19 (the desktop app for daily use), through the real widgets: unsaved work on quit (1),
// group membership (2), ssh_config import (3), host-key review (7), help (9), template editor
// (10).
#include "tests/support/TestEnv.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/help/HelpBrowser.h"
#include "ui/help/HelpCenter.h"
#include "ui/inventory/GroupEditorDialog.h"
#include "ui/inventory/HostEditorDialog.h"
#include "ui/inventory/ImportReportDialog.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/inventory/InventoryModel.h"
#include "ui/prompts/HostKeyDialog.h"
#include "ui/prompts/Prompts.h"
#include "ui/template/TemplateDeployPane.h"
#include "ui/template/TemplateDocument.h"
#include "ui/template/TemplateEditor.h"
#include "ui/template/TemplateEditorWindow.h"
#include "ui/template/TemplatePreview.h"
#include "ui/tools/ParameterEditor.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"

#include "engine/inventory/InventoryFile.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <QtTest>

using namespace hostdeck;
using namespace hostdeck::ui;

class TestDailyUseInventory : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void quitAsksAboutUnsavedWork();       // item 1
    void groupMembershipIsEditable();      // item 2
    void sshConfigImportKeepsHostStar();   // item 3
    void hostKeyReviewGroupsAndNames();    // item 7
    void helpIsReachable();                // item 9
    void templateEditorPreviewAndDeploy(); // item 10

private:
    MainWindowOptions options(const QString& name) const
    {
        MainWindowOptions o;
        o.localInterpreter = {test::python()};
        o.userToolDirs = {test::testToolsDir()};
        o.historyPath = m_dir.filePath(name + QStringLiteral("/history.sqlite"));
        o.settingsPath = m_dir.filePath(name + QStringLiteral("/settings.ini"));
        o.inventoryPath = writeInventory(name);
        o.interactivePrompts = false;
        return o;
    }
    QString writeInventory(const QString& name) const;
    static QModelIndex find(InventoryDock* dock, const QString& text,
                            const QModelIndex& under = {});
    static void select(InventoryDock* dock, const QList<QModelIndex>& rows);

    QTemporaryDir m_dir;
};

void TestDailyUseInventory::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
}

QString TestDailyUseInventory::writeInventory(const QString& name) const
{
    QDir().mkpath(m_dir.filePath(name));
    const QString path = m_dir.filePath(name + QStringLiteral("/fleet.yml"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write("all:\n  vars:\n    hostdeck_transport: local\n  hosts:\n    loose:\n"
               "  children:\n    web:\n      vars:\n        ansible_user: deploy\n"
               "      hosts:\n        web1:\n        web2:\n"
               "    db:\n      hosts:\n        db1:\n");
    return path;
}

QModelIndex TestDailyUseInventory::find(InventoryDock* dock, const QString& text,
                                        const QModelIndex& under)
{
    QAbstractItemModel* model = dock->view()->model();
    dock->view()->expandAll();
    const QModelIndexList found = model->match(model->index(0, 0, under), Qt::DisplayRole, text, 1,
                                               Qt::MatchExactly | Qt::MatchRecursive);
    return found.isEmpty() ? QModelIndex() : found.first();
}

void TestDailyUseInventory::select(InventoryDock* dock, const QList<QModelIndex>& rows)
{
    QItemSelectionModel* selection = dock->view()->selectionModel();
    selection->clearSelection();
    for (const QModelIndex& row : rows)
        selection->select(row, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    if (!rows.isEmpty())
        selection->setCurrentIndex(rows.first(), QItemSelectionModel::NoUpdate);
}

void TestDailyUseInventory::quitAsksAboutUnsavedWork()
{
    const MainWindowOptions o = options(QStringLiteral("quit"));
    AppServices services(o);
    MainWindow window(services, o);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    InventoryDock* dock = window.inventoryDock();
    QVERIFY(!dock->isModified());

    // An edit: the title says so, and closing asks.
    QVERIFY(
        dock->moveHosts({{QStringLiteral("loose"), QString()}}, QStringLiteral("db"), true).ok());
    QVERIFY(dock->isModified());
    QVERIFY(window.isWindowModified());
    window.prompts()->setNextUnsaved(Prompts::Unsaved::Cancel);
    window.close();
    QTRY_VERIFY(window.prompts()->asked().size() == 1);
    QVERIFY2(window.prompts()->asked().constLast().startsWith(QStringLiteral("unsaved: ")),
             qPrintable(window.prompts()->asked().constLast()));
    QTest::qWait(100);
    QVERIFY(window.isVisible()); // Cancel keeps the window and the edit
    QVERIFY(dock->isModified());

    // Save: the file on disk has the new membership, then the window closes.
    window.prompts()->setNextUnsaved(Prompts::Unsaved::Save);
    window.close();
    QTRY_VERIFY(!window.isVisible());
    QFile saved(o.inventoryPath);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    const QByteArray yaml = saved.readAll();
    QVERIFY2(yaml.contains("loose"), yaml.constData());
    auto reread = engine::InventoryFile::load(o.inventoryPath);
    QVERIFY(reread.ok());
    QVERIFY(reread->hostsOf(QStringLiteral("db")).contains(QStringLiteral("loose")));

    // The template editor's unsaved text is asked about too, after the inventory.
    MainWindow second(services, o);
    second.show();
    QVERIFY(QTest::qWaitForWindowExposed(&second));
    second.openTemplateEditor();
    QVERIFY(second.templateEditor());
    QTRY_VERIFY(second.templateEditor()->isVisible());
    QTest::keyClicks(second.templateEditor()->editor(), QStringLiteral("x = ${y}"));
    QVERIFY(second.templateEditor()->document()->isModified());
    second.prompts()->setNextUnsaved(Prompts::Unsaved::Cancel);
    second.close();
    QTRY_VERIFY(!second.prompts()->asked().isEmpty());
    QTest::qWait(100);
    QVERIFY(second.isVisible());
    QVERIFY(second.templateEditor()->isVisible());
    // Closing the editor window on its own asks as well.
    const int before = second.prompts()->asked().size();
    second.prompts()->setNextUnsaved(Prompts::Unsaved::Cancel);
    second.templateEditor()->close();
    QTRY_VERIFY(second.prompts()->asked().size() > before);
    QTest::qWait(100);
    QVERIFY(second.templateEditor()->isVisible());
    second.prompts()->setNextUnsaved(Prompts::Unsaved::Discard);
    second.close();
    QTRY_VERIFY(!second.isVisible());
}

void TestDailyUseInventory::groupMembershipIsEditable()
{
    const MainWindowOptions o = options(QStringLiteral("groups"));
    AppServices services(o);
    MainWindow window(services, o);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    InventoryDock* dock = window.inventoryDock();

    // "Move to group" from the context menu: web1 leaves web for db.
    const QModelIndex webGroup = find(dock, QStringLiteral("web"));
    QVERIFY(webGroup.isValid());
    select(dock, {find(dock, QStringLiteral("web1"), webGroup)});
    QCOMPARE(dock->selectedHosts(), QStringList{QStringLiteral("web1")});
    QAction* moveToDb = nullptr;
    for (QAction* action : dock->moveMenu()->actions()) {
        if (action->text().remove(QLatin1Char('&')) == QStringLiteral("db"))
            moveToDb = action;
    }
    QVERIFY(moveToDb);
    moveToDb->trigger();
    QVERIFY(dock->inventory().hostsOf(QStringLiteral("db")).contains(QStringLiteral("web1")));
    QVERIFY(!dock->inventory().hostsOf(QStringLiteral("web")).contains(QStringLiteral("web1")));
    QVERIFY(dock->isModified());

    // Dropping a host row onto a group copies it there (Ctrl) — through the model's drop.
    const QModelIndex web2 = find(dock, QStringLiteral("web2"));
    QAbstractItemModel* model = dock->view()->model();
    QMimeData* mime = model->mimeData({web2});
    QVERIFY(mime);
    QSignalSpy dropped(dock->model(), &InventoryModel::hostsDropped);
    const QModelIndex dbGroup = find(dock, QStringLiteral("db"));
    QVERIFY(dbGroup.isValid());
    QVERIFY(model->canDropMimeData(mime, Qt::CopyAction, -1, -1, dbGroup));
    QVERIFY(model->dropMimeData(mime, Qt::CopyAction, -1, -1, dbGroup)); // onto the group row
    QCOMPARE(dropped.size(), 1);
    QCOMPARE(dropped.first().at(1).toString(), QStringLiteral("db"));
    delete mime;
    QTRY_VERIFY2(
        dock->inventory().hostsOf(QStringLiteral("db")).contains(QStringLiteral("web2")),
        qPrintable(window.prompts()->asked().join(QLatin1Char('\n')) +
                   dock->inventory().hostsOf(QStringLiteral("db")).join(QLatin1Char(','))));
    QVERIFY(dock->inventory().hostsOf(QStringLiteral("web")).contains(QStringLiteral("web2")));

    // Edit on a multi-selection edits all of them, with the groups editable.
    select(dock, {find(dock, QStringLiteral("loose")), find(dock, QStringLiteral("db1"))});
    dock->editSelection();
    QTRY_VERIFY(dock->openHostEditor());
    HostEditorDialog* editor = dock->openHostEditor();
    QVERIFY(editor->isBulk());
    QVERIFY(editor->groupList()->isEnabled());
    for (int i = 0; i < editor->groupList()->count(); ++i) {
        QListWidgetItem* item = editor->groupList()->item(i);
        if (item->text() == QStringLiteral("web"))
            item->setCheckState(Qt::Checked);
    }
    QTest::keyClicks(editor->field(QStringLiteral("ansible_python_interpreter")),
                     QStringLiteral("/x/py"));
    editor->accept();
    for (const QString& host : {QStringLiteral("loose"), QStringLiteral("db1")}) {
        QVERIFY2(dock->inventory().hostsOf(QStringLiteral("web")).contains(host), qPrintable(host));
        QCOMPARE(dock->inventory()
                     .host(host)
                     ->vars()
                     .value(QStringLiteral("ansible_python_interpreter"))
                     .toString(),
                 QStringLiteral("/x/py"));
    }
    QVERIFY(dock->inventory().hostsOf(QStringLiteral("db")).contains(QStringLiteral("db1")));

    // Add host with a group selected: the new host goes into that group, and the user field
    // says what it inherits from it (not "your login name").
    select(dock, {find(dock, QStringLiteral("web"))});
    QCOMPARE(dock->currentGroup(), QStringLiteral("web"));
    dock->addHost();
    QTRY_VERIFY(dock->openHostEditor());
    editor = dock->openHostEditor();
    QVERIFY(editor->checkedGroups().contains(QStringLiteral("web")));
    QVERIFY2(editor->field(QStringLiteral("ansible_user"))
                 ->placeholderText()
                 .contains(QStringLiteral("deploy")),
             qPrintable(editor->field(QStringLiteral("ansible_user"))->placeholderText()));
    editor->reject();

    // The group editor has secrets as well as variables.
    GroupEditorDialog groupEditor(QStringLiteral("web"), {}, {QStringLiteral("web2")}, {});
    QVERIFY(groupEditor.secretField(engine::CredentialKind::SshPassword));
    QCOMPARE(groupEditor.secretField(engine::CredentialKind::SshPassword)->echoMode(),
             QLineEdit::Password);
    dock->guardUnsaved([](bool) {});
    window.prompts()->setNextUnsaved(Prompts::Unsaved::Discard);
}

void TestDailyUseInventory::sshConfigImportKeepsHostStar()
{
    const MainWindowOptions o = options(QStringLiteral("import"));
    AppServices services(o);
    MainWindow window(services, o);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QString config = m_dir.filePath(QStringLiteral("import/ssh_config"));
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("Host alpha\n  HostName 10.0.0.5\n  Port 2222\n"
               "Host beta\n  HostName beta.example\n  User override\n"
               "Host *\n  User admin\n  IdentityFile ~/.ssh/fleet_ed25519\n"
               "  UserKnownHostsFile ~/.ssh/fleet_known_hosts\n  ForwardAgent yes\n");
    file.close();
    InventoryDock* dock = window.inventoryDock();
    dock->importFile(engine::ImportFormat::SshConfig, config);
    QTRY_VERIFY(dock->lastImportReport());
    ImportReportDialog* report = dock->lastImportReport();

    // Each imported host connects as `ssh alpha` would: Host * applies where the host is silent.
    const QVariantMap alpha = dock->inventory().mergedVars(QStringLiteral("alpha"));
    QCOMPARE(alpha.value(QStringLiteral("ansible_host")).toString(), QStringLiteral("10.0.0.5"));
    QCOMPARE(alpha.value(QStringLiteral("ansible_port")).toInt(), 2222);
    QCOMPARE(alpha.value(QStringLiteral("ansible_user")).toString(), QStringLiteral("admin"));
    QVERIFY(alpha.value(QStringLiteral("ansible_ssh_private_key_file"))
                .toString()
                .endsWith(QStringLiteral("fleet_ed25519")));
    const QVariantMap beta = dock->inventory().mergedVars(QStringLiteral("beta"));
    QCOMPARE(beta.value(QStringLiteral("ansible_user")).toString(), QStringLiteral("override"));
    // The hosts already there keep their own settings.
    QVERIFY(dock->inventory()
                .mergedVars(QStringLiteral("db1"))
                .value(QStringLiteral("ansible_user"))
                .toString()
                .isEmpty());

    // What was not imported is listed with what to do about it.
    const QString text = report->reportText();
    QVERIFY2(text.contains(QStringLiteral("alpha")), qPrintable(text));
    QString issues;
    for (int r = 0; r < report->issuesTable()->rowCount(); ++r) {
        for (int c = 0; c < report->issuesTable()->columnCount(); ++c) {
            if (auto* item = report->issuesTable()->item(r, c))
                issues += item->text() + QLatin1Char('\n');
        }
    }
    QVERIFY2(issues.contains(QStringLiteral("'*'")), qPrintable(issues));
    QVERIFY(report->issuesTable()->rowCount() >= 1);
    QVERIFY(report->issuesTable()->columnCount() >= 2);
    bool advised = false;
    for (int r = 0; r < report->issuesTable()->rowCount(); ++r) {
        for (int c = 1; c < report->issuesTable()->columnCount(); ++c) {
            if (auto* item = report->issuesTable()->item(r, c))
                advised = advised || item->text().size() > 20;
        }
    }
    QVERIFY2(advised, qPrintable(text));
    report->close();
    window.prompts()->setNextUnsaved(Prompts::Unsaved::Discard);
}

void TestDailyUseInventory::hostKeyReviewGroupsAndNames()
{
    HostKeyDialog dialog;
    dialog.show();
    QList<std::pair<QString, engine::HostKeyDecision>> answers;
    auto ask = [&](const QString& target, const QString& address, const QString& fingerprint) {
        engine::HostKeyQuestion q;
        q.host = address;
        q.port = 22;
        q.keyType = QStringLiteral("ED25519");
        q.fingerprint = fingerprint;
        q.target = target;
        dialog.addQuestion(q, [&answers, target](engine::HostKeyDecision d) {
            answers.append({target, d});
        });
    };
    // Arrives unsorted; two hosts share a cloned image's key.
    ask(QStringLiteral("web-zulu-long-inventory-name.example.internal"), QStringLiteral("10.1.0.9"),
        QStringLiteral("SHA256:AAA"));
    ask(QStringLiteral("db1"), QStringLiteral("10.1.0.3"), QStringLiteral("SHA256:BBB"));
    ask(QStringLiteral("web-alpha"), QStringLiteral("10.1.0.2"), QStringLiteral("SHA256:AAA"));
    QTreeWidget* tree = dialog.tree();
    QCOMPARE(tree->topLevelItemCount(), 2);
    QTreeWidgetItem* shared = nullptr;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->childCount() == 2)
            shared = tree->topLevelItem(i);
    }
    QVERIFY(shared);
    QVERIFY(shared->text(2).contains(QStringLiteral("SHA256:AAA")));
    // Inventory names, sorted, with the address beside them; the name is shown whole.
    QCOMPARE(shared->child(0)->text(0), QStringLiteral("web-alpha"));
    QCOMPARE(shared->child(0)->text(1), QStringLiteral("10.1.0.2:22"));
    QCOMPARE(shared->child(1)->text(0),
             QStringLiteral("web-zulu-long-inventory-name.example.internal"));
    const QRect shown = tree->visualItemRect(shared->child(1));
    QVERIFY(tree->columnWidth(0) >=
            tree->fontMetrics().horizontalAdvance(shared->child(1)->text(0)));
    QVERIFY(shown.isValid());

    // Checking the key checks both of its hosts; Accept once answers exactly those.
    shared->setCheckState(0, Qt::Checked);
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("acceptOnceButton")),
                      Qt::LeftButton);
    QCOMPARE(answers.size(), 2);
    for (const auto& [host, decision] : answers) {
        QVERIFY(host.startsWith(QStringLiteral("web-")));
        QVERIFY(decision == engine::HostKeyDecision::AcceptOnce);
    }
    QCOMPARE(dialog.pendingCount(), 1);
    // Closing rejects what is left.
    dialog.reject();
    QCOMPARE(answers.size(), 3);
    QCOMPARE(answers.last().first, QStringLiteral("db1"));
    QVERIFY(answers.last().second == engine::HostKeyDecision::Reject);
}

void TestDailyUseInventory::helpIsReachable()
{
    const MainWindowOptions o = options(QStringLiteral("help"));
    AppServices services(o);
    MainWindow window(services, o);
    window.show();
    window.activateWindow(); // no window manager under xvfb: ask for the focus
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);

    // A Help menu with About and an F1 entry.
    QMenu* help = nullptr;
    for (QAction* action : window.menuBar()->actions()) {
        if (action->text().remove(QLatin1Char('&')) == QStringLiteral("Help"))
            help = action->menu();
    }
    QVERIFY(help);
    bool about = false;
    bool f1 = false;
    for (QAction* action : help->actions()) {
        about = about || action->text().contains(QStringLiteral("About"));
        f1 = f1 || action->shortcut() == QKeySequence(Qt::Key_F1);
    }
    QVERIFY(about);
    QVERIFY(f1);

    // F1 on a form field opens the tool's parameters at that method.
    QVERIFY(window.palette()->select(QStringLiteral("Exec"), QStringLiteral("run")));
    QWidget* argv = window.form()->editor(QStringLiteral("argv"))->inputWidget();
    argv->setFocus();
    QTRY_VERIFY(argv->hasFocus());
    QTest::keyClick(argv, Qt::Key_F1);
    QTRY_VERIFY(window.helpCenter()->browser() && window.helpCenter()->browser()->isVisible());
    const QString shown = window.helpCenter()->browser()->textView()->toPlainText();
    QVERIFY2(shown.contains(QStringLiteral("argv")), qPrintable(shown.left(300)));

    // The template syntax is documented in the app.
    window.helpCenter()->showTopic(QStringLiteral("templates"));
    const QString templates = window.helpCenter()->browser()->textView()->toPlainText();
    QVERIFY(templates.contains(QStringLiteral("${")));
    QVERIFY(templates.size() > 500);
    window.helpCenter()->showAbout();
    QTRY_VERIFY(window.helpCenter()->aboutDialog() &&
                window.helpCenter()->aboutDialog()->isVisible());
    window.helpCenter()->aboutDialog()->close();

    // Form fields carry the parameter docs of the tool description.
    QLabel* argvHelp = window.form()->helpLabel(QStringLiteral("argv"));
    QVERIFY(argvHelp);
    QVERIFY(!argvHelp->text().isEmpty());

    // A target pattern that matches nothing is said under the field, not only in a tooltip.
    window.targetsField()->setText(QStringLiteral("nosuchgroup"));
    QTRY_VERIFY(window.targetsWarning()->isVisible());
    QVERIFY2(window.targetsWarning()->text().contains(QStringLiteral("nosuchgroup")),
             qPrintable(window.targetsWarning()->text()));
    window.targetsField()->setText(QStringLiteral("web"));
    QTRY_VERIFY(!window.targetsWarning()->isVisible());
    window.helpCenter()->browser()->close();
}

void TestDailyUseInventory::templateEditorPreviewAndDeploy()
{
    const MainWindowOptions o = options(QStringLiteral("template"));
    AppServices services(o);
    MainWindow window(services, o);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.openTemplateEditor();
    TemplateEditorWindow* editor = window.templateEditor();
    QVERIFY(editor);
    QTRY_VERIFY(editor->isVisible());

    // The preview host is chosen beside the preview, which says which host it shows.
    QComboBox* hostBox = editor->previewHostBox();
    QVERIFY(hostBox);
    const int web2 = hostBox->findData(QStringLiteral("web2"));
    QVERIFY(web2 >= 0);
    hostBox->setCurrentIndex(web2);
    QTRY_VERIFY2(editor->previewCaption()->text().contains(QStringLiteral("web2")),
                 qPrintable(editor->previewCaption()->text()));
    QVERIFY(editor->preview()->isAncestorOf(hostBox) ||
            hostBox->parentWidget()->isAncestorOf(editor->preview()) ||
            editor->previewCaption()->parentWidget() == hostBox->parentWidget());

    // The host checklist: all, or a group at a time, and tall enough for the fleet.
    TemplateDeployPane* deploy = editor->deployPane();
    QVERIFY(deploy->hostList()->minimumHeight() >= 10 * deploy->hostList()->fontMetrics().height());
    QTest::mouseClick(deploy->findChild<QToolButton*>(QStringLiteral("checkAllHosts")),
                      Qt::LeftButton);
    QStringList checked = deploy->checkedHosts();
    for (const QString& host : {QStringLiteral("web1"), QStringLiteral("web2"),
                                QStringLiteral("db1"), QStringLiteral("loose")})
        QVERIFY2(checked.contains(host), qPrintable(checked.join(QLatin1Char(','))));
    deploy->checkAll(false, true);
    QVERIFY(deploy->checkedHosts().isEmpty());
    QVERIFY(deploy->byGroupButton()->isEnabled());
    QAction* webGroup = nullptr;
    for (QAction* action : deploy->byGroupButton()->menu()->actions()) {
        if (action->text().remove(QLatin1Char('&')).startsWith(QStringLiteral("web")))
            webGroup = action;
    }
    QVERIFY(webGroup);
    webGroup->trigger();
    checked = deploy->checkedHosts();
    checked.sort();
    QCOMPARE(checked, (QStringList{QStringLiteral("web1"), QStringLiteral("web2")}));

    // Destination, mode and owner are saved with the template and come back on open.
    engine::TemplateDeploySpec spec;
    spec.dest = QStringLiteral("/etc/app/app.conf");
    spec.mode = QStringLiteral("0640");
    spec.owner = QStringLiteral("app");
    QTest::keyClicks(deploy->findChild<QLineEdit*>(QStringLiteral("destEdit")), spec.dest);
    QTest::keyClicks(deploy->findChild<QLineEdit*>(QStringLiteral("modeEdit")), spec.mode);
    QTest::keyClicks(deploy->findChild<QLineEdit*>(QStringLiteral("ownerEdit")), spec.owner);
    editor->editor()->setPlainText(QStringLiteral("name = ${inventory_hostname}\n"));
    const QString path = m_dir.filePath(QStringLiteral("template/app.conf.tmpl"));
    QVERIFY(editor->document()->writeTo(path).ok());
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QVERIFY(saved.readAll().contains("/etc/app/app.conf"));
    deploy->setSpec({});
    QCOMPARE(deploy->spec().dest, QString());
    QVERIFY(editor->document()->load(path).ok());
    QCOMPARE(deploy->spec().dest, spec.dest);
    QCOMPARE(deploy->spec().mode, spec.mode);
    QCOMPARE(deploy->spec().owner, spec.owner);
    QCOMPARE(editor->editor()->toPlainText(), QStringLiteral("name = ${inventory_hostname}\n"));
    window.prompts()->setNextUnsaved(Prompts::Unsaved::Discard);
    window.prompts()->setNextUnsaved(Prompts::Unsaved::Discard);
}

QTEST_MAIN(TestDailyUseInventory)
#include "tst_dailyuse_inventory.moc"
