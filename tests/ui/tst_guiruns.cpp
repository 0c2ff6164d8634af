// The desktop app on the run service, against real parts: a real sshd host whose sudo password is
// in a real keychain (gnome-keyring, KeyringFixture) and whose interpreter is the command
// `/usr/bin/env python3`. It becomes root from a palette run and from a template deploy, and the
// CLI does the same with the same inventory; a host the pool closed for idleness shows as idle,
// not unreachable, and the next run reconnects; a template deploy to 20 hosts with forks 5 never
// has more than 5 hosts in flight.
#include "engine/inventory/CredentialStore.h"
#include "engine/runner/EngineClient.h"
#include "tests/support/KeyringFixture.h"
#include "tests/support/SshdFixture.h"
#include "tests/support/TestEnv.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/inventory/InventoryModel.h"
#include "ui/prompts/Prompts.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunView.h"
#include "ui/template/ScriptedTemplatePrompts.h"
#include "ui/template/TemplateDeployPane.h"
#include "ui/template/TemplateDocument.h"
#include "ui/template/TemplateEditor.h"
#include "ui/template/TemplateEditorWindow.h"
#include "ui/template/TemplateOutcomeModel.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace hostdeck;
using namespace hostdeck::ui;
using namespace std::chrono_literals;

class TestGuiRuns : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void paletteRunBecomesRootWithKeychainPassword();
    void templateDeployBecomesRoot();
    void cliBecomesRootWithTheSameInventory();
    void idleHostIsIdleNotUnreachable();
    void deployToTwentyHostsHonoursForks();

private:
    MainWindowOptions options(const QString& name) const;
    bool runAndWait(MainWindow& window, const QString& targets, const QString& tool,
                    const QString& method, const QJsonObject& args);
    static QString stdoutOf(const engine::HostResult& record)
    {
        return record.value.toObject().value(QStringLiteral("stdout")).toString();
    }

    test::SshdFixture m_sshd;
    QTemporaryDir m_dir;
    QString m_inventory;
    QString m_rootDir; ///< only root may write here
    const QString m_dropIn = QStringLiteral("/etc/sudoers.d/hostdeck-test-gui-%1").arg(::getpid());
    ScriptedTemplatePrompts m_templatePrompts;
};

MainWindowOptions TestGuiRuns::options(const QString& name) const
{
    MainWindowOptions o;
    o.localInterpreter = {test::python()};
    o.historyPath = m_dir.filePath(name + QStringLiteral("/history.sqlite"));
    o.settingsPath = m_dir.filePath(name + QStringLiteral("/settings.ini"));
    o.inventoryPath = m_inventory;
    o.interactivePrompts = false;
    return o;
}

void TestGuiRuns::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP("needs root: sshd fixture users, sudoers and a root-only folder");
    const QString error = m_sshd.setUp();
    if (!error.isEmpty())
        QFAIL(qPrintable(error));
    const int server = m_sshd.startServer();
    QVERIFY2(server >= 0, qPrintable(m_sshd.lastError()));
    // known_hosts where the app looks by default: the keyring fixture's HOME.
    const QString knownHosts = QDir::homePath() + QStringLiteral("/.ssh/known_hosts");
    QDir().mkpath(QFileInfo(knownHosts).absolutePath());
    {
        QFile file(knownHosts);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(m_sshd.knownHostsLine(server).toUtf8() + '\n');
    }
    // sudo asks for the password (no NOPASSWD, no cached timestamp).
    {
        QFile sudoers(m_dropIn);
        QVERIFY(sudoers.open(QIODevice::WriteOnly));
        sudoers.write(
            QStringLiteral("Defaults:%1 timestamp_timeout=0, !lecture\n%1 ALL=(ALL) ALL\n")
                .arg(m_sshd.user())
                .toUtf8());
    }
    QFile::setPermissions(m_dropIn, QFile::ReadOwner | QFile::ReadGroup);
    m_rootDir = m_dir.filePath(QStringLiteral("root-only"));
    QVERIFY(QDir().mkpath(m_rootDir));
    QVERIFY(::chmod(QFile::encodeName(m_rootDir).constData(), 0700) == 0);
    // The temp dir itself must be traversable for the login user's agent.
    QVERIFY(::chmod(QFile::encodeName(m_dir.path()).constData(), 0755) == 0);

    QByteArray yaml = "all:\n  vars:\n    hostdeck_inventory_id: gui-runs-test\n  children:\n"
                      "    web:\n      hosts:\n        web1:\n          ansible_host: 127.0.0.1\n"
                      "          ansible_port: " +
                      QByteArray::number(m_sshd.port(server)) +
                      "\n          ansible_user: " + m_sshd.user().toUtf8() +
                      "\n          ansible_ssh_private_key_file: " + m_sshd.clientKey().toUtf8() +
                      "\n          ansible_python_interpreter: /usr/bin/env python3\n"
                      "      vars:\n        ansible_become: true\n"
                      "    fleet:\n      vars:\n        ansible_connection: local\n"
                      "        ansible_python_interpreter: '/usr/bin/env python3'\n"
                      "      hosts:\n";
    for (int i = 1; i <= 20; ++i)
        yaml += QStringLiteral("        f%1:\n").arg(i, 2, 10, QLatin1Char('0')).toUtf8();
    m_inventory = m_dir.filePath(QStringLiteral("fleet.yml"));
    QFile inventory(m_inventory);
    QVERIFY(inventory.open(QIODevice::WriteOnly));
    inventory.write(yaml);
    inventory.close();

    // The sudo password lives on the `web` group in the keychain, nowhere else.
    engine::CredentialStore store;
    bool stored = false;
    store.store(QStringLiteral("gui-runs-test"), QStringLiteral("web"),
                engine::CredentialKind::SudoPassword, engine::SecretBuffer(m_sshd.password()), this,
                [&stored](engine::Status status) {
                    QVERIFY2(status.ok(),
                             qPrintable(status.ok() ? QString() : status.error().message));
                    stored = true;
                });
    QTRY_VERIFY_WITH_TIMEOUT(stored, 20000);
}

void TestGuiRuns::cleanupTestCase()
{
    QFile::remove(m_dropIn);
    m_sshd.stopAll();
}

bool TestGuiRuns::runAndWait(MainWindow& window, const QString& targets, const QString& tool,
                             const QString& method, const QJsonObject& args)
{
    window.targetsField()->setText(targets);
    if (!window.palette()->select(tool, method))
        return false;
    window.form()->setArgs(args);
    QSignalSpy finished(&window, &MainWindow::runFinished);
    if (!window.run())
        return false;
    return finished.wait(60000) || finished.size() == 1;
}

void TestGuiRuns::paletteRunBecomesRootWithKeychainPassword()
{
    const MainWindowOptions o = options(QStringLiteral("palette"));
    AppServices services(o);
    MainWindow window(services, o);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
    QVERIFY(runAndWait(
        window, QStringLiteral("web1"), QStringLiteral("Exec"), QStringLiteral("run"),
        {{QStringLiteral("argv"), QJsonArray{QStringLiteral("id"), QStringLiteral("-u")}}}));
    const RunResultsModel* model = window.currentRunView()->model();
    QCOMPARE(model->rowCount(), 1);
    const engine::HostResult record = model->row(0).result;
    QVERIFY2(record.ok, qPrintable(record.error.message));
    QCOMPARE(stdoutOf(record), QStringLiteral("0\n"));
    // Nobody was asked: the password came from the keychain.
    QVERIFY2(services.prompts()->asked().filter(QStringLiteral("secret:")).isEmpty(),
             qPrintable(services.prompts()->asked().join(u'\n')));
    QCOMPARE(window.inventoryDock()->model()->hostState(QStringLiteral("web1")),
             HostState::Connected);
}

void TestGuiRuns::templateDeployBecomesRoot()
{
    MainWindowOptions o = options(QStringLiteral("template"));
    o.templatePrompts = std::shared_ptr<TemplatePrompts>(&m_templatePrompts, [](auto*) {});
    AppServices services(o);
    MainWindow window(services, o);
    window.openTemplateEditor();
    TemplateEditorWindow* editor = window.templateEditor();
    editor->setDebounceInterval(0);
    editor->editor()->setPlainText(QStringLiteral("owner = root\nhost = ${inventory_hostname}\n"));
    TemplateDeployPane* pane = editor->deployPane();
    pane->setChecked(QString(), false);
    pane->setChecked(QStringLiteral("web1"), true);
    const QString dest = m_rootDir + QStringLiteral("/app.conf");
    pane->setSpec(TemplateDeploySpec{dest, QStringLiteral("0640"), QString(), QString(), false});
    QSignalSpy finished(editor, &TemplateEditorWindow::rolloutFinished);
    m_templatePrompts.deployAnswers = {true};
    pane->deployButton()->click();
    QVERIFY(finished.wait(60000));
    const TemplateOutcome* outcome = pane->model()->outcome(0);
    QVERIFY2(outcome->state == TemplateOutcome::State::Created, qPrintable(outcome->message));
    QFile written(dest);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), QByteArray("owner = root\nhost = web1\n"));
    struct stat info
    {
    };
    QVERIFY(::stat(QFile::encodeName(dest).constData(), &info) == 0);
    QCOMPARE(int(info.st_uid), 0); // written by the agent that became root
    QCOMPARE(int(info.st_mode & 0777), 0640);
    editor->editor()->document()->setModified(false);
    editor->close();
}

void TestGuiRuns::cliBecomesRootWithTheSameInventory()
{
    QProcess cli;
    cli.start(test::builtProgram(QStringLiteral("app/hostdeck-cli")),
              {QStringLiteral("call"), QStringLiteral("-i"), m_inventory, QStringLiteral("-l"),
               QStringLiteral("web1"), QStringLiteral("--json"), QStringLiteral("Exec.run"),
               QStringLiteral("--arg"), QStringLiteral(R"(argv=["id","-u"])")});
    QVERIFY(cli.waitForFinished(60000));
    const QByteArray err = cli.readAllStandardError();
    QCOMPARE(cli.exitCode(), 0);
    const QList<QByteArray> lines = cli.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QJsonObject record = QJsonDocument::fromJson(lines.first()).object();
    QCOMPARE(record.value(QStringLiteral("status")).toString(),
             QStringLiteral("changed")); // Exec.run
    QCOMPARE(record.value(QStringLiteral("value")).toObject().value(QStringLiteral("stdout")),
             QStringLiteral("0\n"));
    QVERIFY(!err.contains(m_sshd.password()));
}

void TestGuiRuns::idleHostIsIdleNotUnreachable()
{
    MainWindowOptions o = options(QStringLiteral("idle"));
    o.pool.idleTimeout = 1s;
    AppServices services(o);
    MainWindow window(services, o);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
    const QJsonObject pid{
        {QStringLiteral("argv"),
         QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo $PPID")}}};
    QVERIFY(runAndWait(window, QStringLiteral("web1"), QStringLiteral("Exec"),
                       QStringLiteral("run"), pid));
    const QString firstAgent = stdoutOf(window.currentRunView()->model()->row(0).result);
    QVERIFY(!firstAgent.isEmpty());
    InventoryModel* model = window.inventoryDock()->model();
    QCOMPARE(model->hostState(QStringLiteral("web1")), HostState::Connected);
    // Past the idle time the pool closes agent and connection: the host reads idle.
    QTRY_COMPARE_WITH_TIMEOUT(model->hostState(QStringLiteral("web1")), HostState::Idle, 10000);
    QCOMPARE(InventoryModel::stateName(HostState::Idle).contains(QStringLiteral("idle")), true);
    // The next run reconnects with a new agent.
    QVERIFY(runAndWait(window, QStringLiteral("web1"), QStringLiteral("Exec"),
                       QStringLiteral("run"), pid));
    const engine::HostResult again = window.currentRunView()->model()->row(0).result;
    QVERIFY2(again.ok, qPrintable(again.error.message));
    QVERIFY(stdoutOf(again) != firstAgent);
    QCOMPARE(model->hostState(QStringLiteral("web1")), HostState::Connected);
}

void TestGuiRuns::deployToTwentyHostsHonoursForks()
{
    MainWindowOptions o = options(QStringLiteral("forks"));
    o.templatePrompts = std::shared_ptr<TemplatePrompts>(&m_templatePrompts, [](auto*) {});
    AppServices services(o);
    MainWindow window(services, o);
    window.openTemplateEditor();
    TemplateEditorWindow* editor = window.templateEditor();
    editor->editor()->setPlainText(QStringLiteral("kernel = ${facts['kernel']}\n"));
    TemplateDeployPane* pane = editor->deployPane();
    pane->setChecked(QString(), false);
    QStringList hosts;
    for (int i = 1; i <= 20; ++i) {
        hosts << QStringLiteral("f%1").arg(i, 2, 10, QLatin1Char('0'));
        pane->setChecked(hosts.last(), true);
    }
    pane->forksBox()->setValue(5);
    const QString dest = m_dir.filePath(QStringLiteral("fleet.conf"));
    pane->setSpec(TemplateDeploySpec{dest, QString(), QString(), QString(), false});
    QSignalSpy finished(editor, &TemplateEditorWindow::rolloutFinished);
    m_templatePrompts.deployAnswers = {true};
    pane->deployButton()->click();
    engine::RunHandle* run = editor->currentRollout();
    QVERIFY(run);
    // In flight: from a host's first state past `pending` to its `done`.
    int inFlight = 0;
    int peak = 0;
    QSet<QString> started;
    connect(run, &engine::RunHandle::events, this, [&](const QList<engine::RunEvent>& events) {
        for (const engine::RunEvent& event : events) {
            if (event.type != engine::RunEvent::Type::HostState)
                continue;
            if (event.phase == engine::HostPhase::Done)
                --inFlight;
            else if (event.phase != engine::HostPhase::Pending && !started.contains(event.host)) {
                started.insert(event.host);
                peak = std::max(peak, ++inFlight);
            }
        }
    });
    QVERIFY(finished.wait(120000));
    QCOMPARE(started.size(), 20);
    qInfo("template deploy to 20 hosts with forks 5: at most %d hosts in flight", peak);
    QVERIFY(peak <= 5);
    QVERIFY(peak >= 2); // and they did run side by side
    for (int row = 0; row < pane->model()->rowCount(); ++row)
        QVERIFY2(pane->model()->outcome(row)->state != TemplateOutcome::State::Failed,
                 qPrintable(pane->model()->outcome(row)->message));
    editor->editor()->document()->setModified(false);
    editor->close();
}

int main(int argc, char** argv)
{
    if (const std::optional<int> rc = hostdeck::test::KeyringFixture::enter(argc, argv))
        return *rc;
    QApplication app(argc, argv);
    TestGuiRuns test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_guiruns.moc"
