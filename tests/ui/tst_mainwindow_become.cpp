// The GUI path of su over a real sshd and a real su: an inventory host whose group says
// ansible_become_method: su (and sets an environment), selected in the dock, Exec.run from the
// palette; the become password is asked through the prompts seam (named as su's, for the user
// su becomes); a wrong password is reported as an unreachable host with kind become.
#include "tests/support/SshdFixture.h"
#include "tests/support/TestEnv.h"
#include "tests/support/TestUser.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/prompts/Prompts.h"
#include "ui/results/ResultDetailView.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunView.h"
#include "ui/tools/ParameterEditor.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

using namespace hostdeck;
using namespace hostdeck::ui;

class TestMainWindowBecome : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void suFromTheMainWindow();
    void wrongSuPasswordFromTheMainWindow();

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
    /// Selects `host` in the dock, picks Exec.run and types `script` as `sh -c` argv.
    static void prepareRun(MainWindow& window, const QString& host, const QString& script);
    static bool runAndWait(MainWindow& window, int timeoutMs = 60000);

    test::SshdFixture m_sshd;
    test::TestUser m_target{QStringLiteral("hdsugui")};
    int m_server = -1;
    QTemporaryDir m_dir;
    QString m_inventory;
};

void TestMainWindowBecome::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Nothing of the user's: known_hosts, settings and data live in the temp dir; no agent.
    qputenv("HOME", m_dir.filePath(QStringLiteral("home")).toUtf8());
    QDir().mkpath(m_dir.filePath(QStringLiteral("home/.ssh")));
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    qunsetenv("SSH_AUTH_SOCK");
    const QString error = m_sshd.setUp();
    if (!error.isEmpty())
        QFAIL(qPrintable(error));
    QCOMPARE(m_target.create(), QString());
    m_server = m_sshd.startServer();
    QVERIFY2(m_server >= 0, qPrintable(m_sshd.lastError()));
    QFile knownHosts(m_dir.filePath(QStringLiteral("home/.ssh/known_hosts")));
    QVERIFY(knownHosts.open(QIODevice::WriteOnly));
    knownHosts.write(m_sshd.knownHostsLine(m_server).toUtf8() + '\n');
    knownHosts.close();
    m_inventory = m_sshd.writeFile(
        QStringLiteral("inventory.yml"),
        {QStringLiteral("all:"), QStringLiteral("  vars:"),
         QStringLiteral("    hostdeck_inventory_id: become-gui"), QStringLiteral("  children:"),
         QStringLiteral("    admins:"), QStringLiteral("      vars:"),
         QStringLiteral("        ansible_user: ") + m_sshd.user(),
         QStringLiteral("        ansible_ssh_private_key_file: ") + m_sshd.clientKey(),
         QStringLiteral("        ansible_python_interpreter: /usr/bin/python3"),
         QStringLiteral("        ansible_become: true"),
         QStringLiteral("        ansible_become_method: su"),
         QStringLiteral("        ansible_become_user: ") + m_target.name(),
         QStringLiteral("        environment: {HD_GUI: from the inventory}"),
         QStringLiteral("      hosts:"), QStringLiteral("        suweb:"),
         QStringLiteral("          ansible_host: 127.0.0.1"),
         QStringLiteral("          ansible_port: %1").arg(m_sshd.port(m_server))});
}

void TestMainWindowBecome::cleanupTestCase()
{
    m_sshd.stopAll();
    QTRY_VERIFY_WITH_TIMEOUT(m_target.processes().isEmpty(), 10000);
    QCOMPARE(m_target.remove(), QString());
}

void TestMainWindowBecome::prepareRun(MainWindow& window, const QString& host,
                                      const QString& script)
{
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
    QTreeView* tree = window.inventoryDock()->view();
    tree->expandAll();
    QAbstractItemModel* model = tree->model();
    const QModelIndexList found = model->match(model->index(0, 0), Qt::DisplayRole, host, 1,
                                               Qt::MatchExactly | Qt::MatchRecursive);
    QVERIFY2(!found.isEmpty(), qPrintable(host));
    tree->selectionModel()->select(found.first(),
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QTRY_COMPARE(window.targetsCount()->text(), QStringLiteral("1 host(s)"));
    QVERIFY(window.palette()->select(QStringLiteral("Exec"), QStringLiteral("run")));
    auto* argv =
        qobject_cast<QPlainTextEdit*>(window.form()->editor(QStringLiteral("argv"))->inputWidget());
    QVERIFY(argv);
    argv->setPlainText(QStringLiteral("sh\n-c\n") + script);
}

bool TestMainWindowBecome::runAndWait(MainWindow& window, int timeoutMs)
{
    QSignalSpy finished(&window, &MainWindow::runFinished);
    if (!window.run())
        return false;
    return finished.wait(timeoutMs) || finished.size() == 1;
}

void TestMainWindowBecome::suFromTheMainWindow()
{
    const MainWindowOptions o = options(QStringLiteral("su"));
    AppServices services(o);
    MainWindow window(services, o);
    prepareRun(window, QStringLiteral("suweb"), QStringLiteral("id -un; echo $HD_GUI"));
    window.prompts()->setNextSecret(m_target.password());
    QVERIFY(runAndWait(window));
    RunView* view = window.currentRunView();
    QCOMPARE(view->model()->rowCount(), 1);
    const engine::HostResult result = view->model()->row(0).result;
    QVERIFY2(result.ok, qPrintable(result.error.message));
    QCOMPARE(result.value.toObject().value(QStringLiteral("stdout")).toString(),
             m_target.name() + QStringLiteral("\nfrom the inventory\n"));
    QTRY_VERIFY(view->detail()->outputView()->toPlainText().contains(m_target.name()));
    // The prompt asked for the password of the user su becomes, on that host.
    const QString asked = window.prompts()->asked().join(QLatin1Char('\n'));
    QVERIFY2(asked.contains(QStringLiteral("secret: sudo-password for hdsugui@127.0.0.1 (suweb)")),
             qPrintable(asked));
    QVERIFY(!asked.contains(QString::fromLatin1(m_target.password())));
}

void TestMainWindowBecome::wrongSuPasswordFromTheMainWindow()
{
    const MainWindowOptions o = options(QStringLiteral("wrong"));
    AppServices services(o);
    MainWindow window(services, o);
    prepareRun(window, QStringLiteral("suweb"), QStringLiteral("id -un"));
    window.prompts()->setNextSecret("not-the-password");
    QVERIFY(runAndWait(window));
    RunView* view = window.currentRunView();
    const engine::HostResult result = view->model()->row(0).result;
    QVERIFY(!result.ok);
    QCOMPARE(result.error.kind, engine::ErrorKind::Become);
    QVERIFY2(result.error.message.contains(QStringLiteral("Authentication failure")),
             qPrintable(result.error.message));
    QCOMPARE(view->model()->index(0, RunResultsModel::StatusColumn).data().toString(),
             QStringLiteral("unreachable"));
}

QTEST_MAIN(TestMainWindowBecome)
#include "tst_mainwindow_become.moc"
