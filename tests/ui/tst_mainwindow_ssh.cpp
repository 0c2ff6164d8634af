// End to end over real sshd hosts: inventory dock -> palette -> form -> run -> results, detail
// pane, history; host-key decisions through the prompts seam (one at a time and the review
// table for many); cancel mid-run over SSH.
#include "engine/history/RunHistory.h"
#include "tests/support/SshdFixture.h"
#include "tests/support/TestEnv.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/history/HistoryModel.h"
#include "ui/history/HistoryView.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/prompts/HostKeyDialog.h"
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
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeView>
#include <QTreeWidget>
#include <QtTest>

#include <ctime>

using namespace hostdeck;
using namespace hostdeck::ui;

class TestMainWindowSsh : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void runsOverSshWithHostKeyDecisions();
    void reviewsManyUnknownKeysInOneTable();
    void cancelsMidRunOverSsh();
    void stallWhile200SshHostsStream();

private:
    MainWindowOptions options(const QString& name, bool interactive = false) const
    {
        MainWindowOptions o;
        o.localInterpreter = {test::python()};
        o.userToolDirs = {test::testToolsDir()};
        o.historyPath = m_dir.filePath(name + QStringLiteral("/history.sqlite"));
        o.settingsPath = m_dir.filePath(name + QStringLiteral("/settings.ini"));
        o.inventoryPath = m_inventory;
        o.interactivePrompts = interactive;
        return o;
    }
    QStringList knownHostsLines() const
    {
        QFile file(m_knownHosts);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }
    /// Whether known_hosts has the server's key, hashed names included (as ssh-keygen -F finds).
    bool knownHostsHasPort(int server) const
    {
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"),
                     {QStringLiteral("-F"),
                      QStringLiteral("[127.0.0.1]:%1").arg(m_sshd.port(server)),
                      QStringLiteral("-f"), m_knownHosts});
        return keygen.waitForFinished(10000) && keygen.exitCode() == 0 &&
               !keygen.readAllStandardOutput().trimmed().isEmpty();
    }
    static void selectHosts(MainWindow& window, const QStringList& hosts);
    static void startWindow(MainWindow& window);
    static bool runAndWait(MainWindow& window, int timeoutMs = 60000);

    test::SshdFixture m_sshd;
    QList<int> m_servers;
    QTemporaryDir m_dir;
    QString m_inventory;
    QString m_knownHosts;
};

void TestMainWindowSsh::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Nothing of the user's: known_hosts, settings and data live in the temp dir; no agent.
    qputenv("HOME", m_dir.filePath(QStringLiteral("home")).toUtf8());
    QDir().mkpath(m_dir.filePath(QStringLiteral("home/.ssh")));
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    qunsetenv("SSH_AUTH_SOCK");
    m_knownHosts = m_dir.filePath(QStringLiteral("home/.ssh/known_hosts"));

    const QString error = m_sshd.setUp();
    if (!error.isEmpty())
        QSKIP(qPrintable(error));
    for (int i = 0; i < 3; ++i) {
        const int server = m_sshd.startServer();
        QVERIFY2(server >= 0, qPrintable(m_sshd.lastError()));
        m_servers << server;
    }
    QStringList yaml{QStringLiteral("all:"),
                     QStringLiteral("  vars:"),
                     QStringLiteral("    hostdeck_inventory_id: ssh-e2e"),
                     QStringLiteral("  children:"),
                     QStringLiteral("    web:"),
                     QStringLiteral("      vars:"),
                     QStringLiteral("        ansible_user: ") + m_sshd.user(),
                     QStringLiteral("        ansible_ssh_private_key_file: ") + m_sshd.clientKey(),
                     QStringLiteral("        ansible_python_interpreter: /usr/bin/python3"),
                     QStringLiteral("      hosts:")};
    for (int i = 0; i < 3; ++i)
        yaml << QStringLiteral("        web%1:").arg(i + 1)
             << QStringLiteral("          ansible_host: 127.0.0.1")
             << QStringLiteral("          ansible_port: %1").arg(m_sshd.port(m_servers.at(i)));
    m_inventory = m_sshd.writeFile(QStringLiteral("inventory.yml"), yaml);
}

void TestMainWindowSsh::cleanupTestCase()
{
    m_sshd.stopAll();
}

void TestMainWindowSsh::selectHosts(MainWindow& window, const QStringList& hosts)
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
    QTRY_COMPARE(window.targetsCount()->text(), QStringLiteral("%1 host(s)").arg(hosts.size()));
}

void TestMainWindowSsh::startWindow(MainWindow& window)
{
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
}

bool TestMainWindowSsh::runAndWait(MainWindow& window, int timeoutMs)
{
    QSignalSpy finished(&window, &MainWindow::runFinished);
    if (!window.run())
        return false;
    return finished.wait(timeoutMs) || finished.size() == 1;
}

void TestMainWindowSsh::runsOverSshWithHostKeyDecisions()
{
    QFile::remove(m_knownHosts);
    const MainWindowOptions o = options(QStringLiteral("decisions"));
    const MainWindowOptions windowOptions = o;
    AppServices services(windowOptions);
    MainWindow window(services, windowOptions);
    startWindow(window);

    // Select web1 in the dock, pick Exec.run from the palette, fill the form; the key is unknown
    // (strict policy): the seam answers "accept once".
    selectHosts(window, {QStringLiteral("web1")});
    QTest::keyClicks(window.palette()->searchField(), QStringLiteral("Exec.run"));
    QTest::keyClick(window.palette()->searchField(), Qt::Key_Return);
    QCOMPARE(window.form()->method().fullName(), QStringLiteral("Exec.run"));
    auto* argv =
        qobject_cast<QPlainTextEdit*>(window.form()->editor(QStringLiteral("argv"))->inputWidget());
    QVERIFY(argv);
    argv->setPlainText(QStringLiteral("sh\n-c\necho over-ssh as $(id -un); echo warn >&2"));
    window.prompts()->setNextHostKeyAnswer(engine::HostKeyDecision::AcceptOnce);
    QVERIFY(runAndWait(window));
    RunView* view = window.currentRunView();
    QCOMPARE(view->model()->rowCount(), 1);
    const engine::HostResult first = view->model()->row(0).result;
    QCOMPARE(first.host, QStringLiteral("web1"));
    QVERIFY2(first.ok, qPrintable(first.error.message));
    QVERIFY(view->model()
                ->index(0, RunResultsModel::SummaryColumn)
                .data()
                .toString()
                .contains(QStringLiteral("over-ssh as ") + m_sshd.user()));
    QCOMPARE(view->detail()->currentHost(), QStringLiteral("web1"));
    QVERIFY(view->detail()->outputView()->toPlainText().contains(QStringLiteral("over-ssh")));
    QVERIFY(view->detail()->outputView()->toPlainText().contains(QStringLiteral("warn")));
    const QString asked = window.prompts()->asked().join(QLatin1Char('\n'));
    QVERIFY2(
        asked.contains(QStringLiteral("hostkey: 127.0.0.1:%1").arg(m_sshd.port(m_servers.at(0)))),
        qPrintable(asked));
    QVERIFY(asked.contains(m_sshd.hostKeyFingerprint(m_servers.at(0))));
    QVERIFY(!knownHostsHasPort(m_servers.at(0))); // accept once: nothing saved

    // The history entry, on disk.
    QTRY_COMPARE(window.historyView()->model()->rowCount(), 1);
    {
        auto history = engine::RunHistory::open(o.historyPath);
        QVERIFY(history.ok());
        const auto run = (*history)->run(window.lastHistoryId());
        QVERIFY(run.ok());
        QCOMPARE(run->toolMethod(), QStringLiteral("Exec.run"));
        QCOMPARE(run->hosts, QStringList{QStringLiteral("web1")});
        QCOMPARE(run->inventory, m_inventory);
        QCOMPARE((*history)->results(run->id)->size(), 1);
    }

    // Reject: the host is reported, nothing is saved.
    selectHosts(window, {QStringLiteral("web2")});
    window.prompts()->setNextHostKeyAnswer(engine::HostKeyDecision::Reject);
    QVERIFY(runAndWait(window));
    view = window.currentRunView();
    QVERIFY(!view->model()->row(0).result.ok);
    QCOMPARE(view->model()->index(0, RunResultsModel::StatusColumn).data().toString(),
             QStringLiteral("unreachable"));
    QVERIFY(!knownHostsHasPort(m_servers.at(1)));

    // Accept and save: exactly that host's line lands in known_hosts.
    window.prompts()->setNextHostKeyAnswer(engine::HostKeyDecision::AcceptAndSave);
    QVERIFY(runAndWait(window));
    view = window.currentRunView();
    QVERIFY2(view->model()->row(0).result.ok,
             qPrintable(view->model()->row(0).result.error.message));
    QVERIFY(knownHostsHasPort(m_servers.at(1)));
    QVERIFY(!knownHostsHasPort(m_servers.at(0)));
    QCOMPARE(knownHostsLines().size(), 1);
}

void TestMainWindowSsh::reviewsManyUnknownKeysInOneTable()
{
    // web2 is known from the previous test (or gets known here); web1 and web3 are not.
    QFile::remove(m_knownHosts);
    {
        QFile file(m_knownHosts);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write((m_sshd.knownHostsLine(m_servers.at(1)) + QLatin1Char('\n')).toUtf8());
    }
    // Interactive: no queued answer, so the real review dialog opens (window-modal, no nested
    // loop).
    const MainWindowOptions windowOptions = options(QStringLiteral("review"), true);
    AppServices services(windowOptions);
    MainWindow window(services, windowOptions);
    startWindow(window);
    selectHosts(window, {QStringLiteral("web1"), QStringLiteral("web2"), QStringLiteral("web3")});
    QVERIFY(window.palette()->select(QStringLiteral("Facts"), QStringLiteral("hostname")));
    QSignalSpy finished(&window, &MainWindow::runFinished);
    QVERIFY(window.run());

    HostKeyDialog* dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((dialog = window.findChild<HostKeyDialog*>()) != nullptr, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->pendingCount(), 2, 30000);
    // One key row per fingerprint (each server has its own key), its host under it by name.
    QTreeWidget* tree = dialog->tree();
    QVERIFY(tree);
    QCOMPARE(tree->topLevelItemCount(), 2);
    QStringList shown;
    QStringList hosts;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* key = tree->topLevelItem(i);
        QCOMPARE(key->childCount(), 1);
        for (int column = 0; column < tree->columnCount(); ++column)
            shown << key->text(column) << key->child(0)->text(column);
        hosts << key->child(0)->text(0);
    }
    hosts.sort();
    QCOMPARE(hosts, (QStringList{QStringLiteral("web1"), QStringLiteral("web3")}));
    const QString text = shown.join(QLatin1Char(' '));
    for (int i : {0, 2})
        QVERIFY2(text.contains(m_sshd.hostKeyFingerprint(m_servers.at(i))), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("ed25519"), Qt::CaseInsensitive));
    QCOMPARE(finished.size(), 0); // the run waits for the decision, the UI does not

    // Check web3 and accept it once; then accept and save the rest (nothing checked: every row).
    QVERIFY(
        dialog->setChecked(QStringLiteral("127.0.0.1:%1").arg(m_sshd.port(m_servers.at(2))), true));
    dialog->decide(engine::HostKeyDecision::AcceptOnce);
    QCOMPARE(dialog->pendingCount(), 1);
    QCOMPARE(tree->topLevelItemCount(), 1);
    dialog->decide(engine::HostKeyDecision::AcceptAndSave);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    RunView* view = window.currentRunView();
    QCOMPARE(view->model()->rowCount(), 3);
    for (int row = 0; row < 3; ++row)
        QVERIFY2(view->model()->row(row).result.ok,
                 qPrintable(view->model()->row(row).result.error.message));
    QVERIFY(knownHostsHasPort(m_servers.at(0)));
    QVERIFY(knownHostsHasPort(m_servers.at(1)));
    QVERIFY(!knownHostsHasPort(m_servers.at(2))); // accepted once only
    QCOMPARE(knownHostsLines().size(), 2);
}

void TestMainWindowSsh::cancelsMidRunOverSsh()
{
    // Every key known; strict policy, no prompt.
    {
        QFile file(m_knownHosts);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int server : m_servers)
            file.write((m_sshd.knownHostsLine(server) + QLatin1Char('\n')).toUtf8());
    }
    const MainWindowOptions windowOptions = options(QStringLiteral("cancel"));
    AppServices services(windowOptions);
    MainWindow window(services, windowOptions);
    startWindow(window);
    selectHosts(window, {QStringLiteral("web1"), QStringLiteral("web2"), QStringLiteral("web3")});
    QVERIFY(window.palette()->select(QStringLiteral("Exec"), QStringLiteral("run")));
    auto* argv =
        qobject_cast<QPlainTextEdit*>(window.form()->editor(QStringLiteral("argv"))->inputWidget());
    argv->setPlainText(QStringLiteral("sleep\n60"));
    QSignalSpy finished(&window, &MainWindow::runFinished);
    QVERIFY(window.run());
    // Let the hosts connect and start `sleep` (~0.3 s each on loopback); a cancel that comes
    // earlier on a loaded machine still has to end every host as cancelled.
    QTest::qWait(1500);
    QElapsedTimer clock;
    clock.start();
    window.cancelRun();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
    const qint64 cancelMs = clock.elapsed();
    qInfo("cancel over SSH: all 3 hosts finished %lld ms after Cancel", cancelMs);
    QVERIFY(cancelMs < 10000);
    RunView* view = window.currentRunView();
    QCOMPARE(view->model()->rowCount(), 3);
    for (int row = 0; row < 3; ++row)
        QCOMPARE(view->model()->index(row, RunResultsModel::StatusColumn).data().toString(),
                 QStringLiteral("cancelled"));
    QVERIFY(window.countsLabel()->text().contains(QStringLiteral("cancelled 3")));
}

void TestMainWindowSsh::stallWhile200SshHostsStream()
{
    // 200 inventory hosts over SSH on 2 cores: 20 sshd, each host its own connection (10 per
    // server); HOSTDECK_SSH_STALL_HOSTS=0 skips it.
    const QByteArray wanted = qgetenv("HOSTDECK_SSH_STALL_HOSTS");
    const int hosts = wanted.isEmpty() ? 200 : wanted.toInt();
    if (hosts <= 0)
        QSKIP("HOSTDECK_SSH_STALL_HOSTS=0");
    const int servers = std::min(20, hosts);
    test::SshdOptions fleet;
    fleet.extraConfig = {QStringLiteral("MaxStartups 200"), QStringLiteral("MaxSessions 20")};
    QList<int> started;
    QStringList known;
    for (int i = 0; i < servers; ++i) {
        const int server = m_sshd.startServer(fleet);
        QVERIFY2(server >= 0, qPrintable(m_sshd.lastError()));
        started << server;
        known << m_sshd.knownHostsLine(server);
    }
    {
        QFile file(m_knownHosts);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write((known.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
    }
    QStringList yaml{QStringLiteral("all:"),
                     QStringLiteral("  children:"),
                     QStringLiteral("    fleet:"),
                     QStringLiteral("      vars:"),
                     QStringLiteral("        ansible_user: ") + m_sshd.user(),
                     QStringLiteral("        ansible_ssh_private_key_file: ") + m_sshd.clientKey(),
                     QStringLiteral("        ansible_python_interpreter: /usr/bin/python3"),
                     QStringLiteral("      hosts:")};
    for (int i = 0; i < hosts; ++i)
        yaml << QStringLiteral("        s%1:").arg(i + 1, 3, 10, QLatin1Char('0'))
             << QStringLiteral("          ansible_host: 127.0.0.1")
             << QStringLiteral("          ansible_port: %1")
                    .arg(m_sshd.port(started.at(i % servers)));
    MainWindowOptions o = options(QStringLiteral("stall"));
    o.inventoryPath = m_sshd.writeFile(QStringLiteral("fleet.yml"), yaml);
    const MainWindowOptions windowOptions = o;
    AppServices services(windowOptions);
    MainWindow window(services, windowOptions);
    startWindow(window);
    QVERIFY(window.palette()->select(QStringLiteral("Exec"), QStringLiteral("run")));
    qobject_cast<QPlainTextEdit*>(window.form()->editor(QStringLiteral("argv"))->inputWidget())
        ->setPlainText(QStringLiteral("echo\nstreamed"));
    window.targetsField()->setText(QStringLiteral("fleet"));
    QCOMPARE(window.targetsCount()->text(), QStringLiteral("%1 host(s)").arg(hosts));

    // Longest gap between ticks of a 2 ms GUI timer, and the GUI thread's CPU time in that gap.
    const auto threadCpuMs = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
    };
    QElapsedTimer clock;
    qint64 last = 0, longest = 0, lastCpu = threadCpuMs(), longestCpu = 0;
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
    RunView* view = window.currentRunView();
    QCOMPARE(view->model()->rowCount(), hosts);
    int ok = 0;
    QStringList errors;
    for (int r = 0; r < hosts; ++r) {
        const engine::HostResult& result = view->model()->row(r).result;
        ok += result.ok ? 1 : 0;
        if (!result.ok && errors.size() < 5)
            errors << result.host + QStringLiteral(": ") + result.error.message;
    }
    qInfo("stall over SSH: %d hosts on %d sshd, run %lld ms, longest GUI event-loop stall %lld ms "
          "(GUI thread busy %lld ms of it), %d ok",
          hosts, servers, clock.elapsed(), longest, longestCpu, ok);
    QVERIFY2(ok == hosts, qPrintable(errors.join(QStringLiteral("; "))));
    QVERIFY2(longestCpu < 250,
             qPrintable(QStringLiteral("GUI thread busy %1 ms in one stretch").arg(longestCpu)));
    for (int server : started)
        m_sshd.killServer(server);
}

QTEST_MAIN(TestMainWindowSsh)
#include "tst_mainwindow_ssh.moc"
