// Template editor against a real sshd host: diff shows the change, deploy writes it, diff again
// shows no change; a missing file is a "new file".
#include "tests/support/SshdFixture.h"

#include "engine/inventory/Inventory.h"
#include "engine/runner/EngineClient.h"
#include "ui/template/ScriptedTemplatePrompts.h"
#include "ui/template/TemplateDeployPane.h"
#include "ui/template/TemplateEditor.h"
#include "ui/template/TemplateEditorWindow.h"
#include "ui/template/TemplateOutcomeModel.h"

#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace hostdeck;
using namespace hostdeck::ui;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class TstTemplateDeploy : public QObject
{
    Q_OBJECT

    test::SshdFixture m_sshd;
    int m_server = -1;
    QString m_knownHosts;
    QTemporaryDir m_tmp;
    std::unique_ptr<engine::EngineClient> m_engine;
    ScriptedTemplatePrompts m_prompts;

    QString readFile(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : u"<missing>"_s;
    }

    bool runRollout(TemplateEditorWindow& window, bool check)
    {
        QSignalSpy finished(&window, &TemplateEditorWindow::rolloutFinished);
        if (check) {
            window.deployPane()->diffButton()->click();
        } else {
            m_prompts.deployAnswers = {true};
            window.deployPane()->deployButton()->click();
        }
        [&] { QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000); }();
        return finished.count() == 1 && finished.first().first().toBool() == check;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        const QString error = m_sshd.setUp();
        if (!error.isEmpty())
            QSKIP(qPrintable(error));
        m_server = m_sshd.startServer();
        QVERIFY2(m_server >= 0, qPrintable(m_sshd.lastError()));
        m_knownHosts = m_sshd.writeFile(u"known_hosts"_s, {m_sshd.knownHostsLine(m_server)});
        QVERIFY(m_tmp.isValid());
        // The login user writes here (atomic rename in the directory).
        QVERIFY(::chmod(QFile::encodeName(m_tmp.path()).constData(), 0777) == 0);
        engine::EngineConfig config;
        config.userToolDirs = {m_tmp.filePath(u"no-user-tools"_s)};
        m_engine = std::make_unique<engine::EngineClient>(config);
    }

    void cleanupTestCase()
    {
        m_engine.reset();
        m_sshd.stopAll();
    }

    void diffDeployDiff()
    {
        TemplateEditorContext context;
        context.engine = m_engine.get();
        context.prompts = &m_prompts;
        context.targetSettings.useSshConfig = false;
        context.targetSettings.ssh.knownHostsFile = m_knownHosts;
        context.targetSettings.ssh.globalKnownHostsFile = u"/dev/null"_s;
        context.targetSettings.ssh.useDefaultIdentities = false;
        context.targetSettings.ssh.useAgent = false;
        context.targetSettings.ssh.connectTimeout = 10s;
        TemplateEditorWindow window(context);
        window.resize(1100, 700);
        window.show();

        engine::Inventory inventory;
        engine::Host web(u"web1"_s, {{u"greeting"_s, u"hello from web1"_s}});
        web.setAddress(u"127.0.0.1"_s);
        web.setPort(m_sshd.port(m_server));
        web.setUser(m_sshd.user());
        web.setIdentityFile(m_sshd.clientKey());
        inventory.addHost(web, u"web"_s);
        window.setInventory(inventory);

        const QString dest = m_tmp.filePath(u"app.conf"_s);
        {
            QFile old(dest);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("greeting = old\n");
        }
        // The login user's own file (a deploy keeps the owner of the file it replaces).
        const struct passwd* user = ::getpwnam(m_sshd.user().toLocal8Bit().constData());
        QVERIFY(user);
        QVERIFY(::chown(QFile::encodeName(dest).constData(), user->pw_uid, user->pw_gid) == 0);
        window.editor()->setPlainText(
            u"greeting = ${greeting}\nhost = ${inventory_hostname}\nuser = ${facts['hostname'] != ''}\n"_s);
        TemplateDeployPane* pane = window.deployPane();
        pane->setChecked(QString(), false); // not this machine: the same file system
        pane->setChecked(u"web1"_s, true);
        pane->setSpec(TemplateDeploySpec{dest, QString(), QString(), QString(), false});

        // Diff: the file differs; nothing is written.
        QVERIFY(runRollout(window, true));
        TemplateOutcomeModel* model = pane->model();
        QCOMPARE(model->rowCount(), 1);
        const TemplateOutcome* outcome = model->outcome(0);
        QVERIFY2(outcome->state == TemplateOutcome::State::Changed, qPrintable(outcome->message));
        QCOMPARE(model->index(0, TemplateOutcomeModel::OutcomeColumn).data().toString(),
                 u"changed"_s);
        QCOMPARE(model->index(0, TemplateOutcomeModel::ChangedColumn).data().toString(), u"yes"_s);
        QVERIFY(outcome->diff.contains(u"-greeting = old"_s));
        QVERIFY(outcome->diff.contains(u"+greeting = hello from web1"_s));
        QVERIFY(outcome->diff.contains(u"+host = web1"_s));
        QTRY_VERIFY(pane->diffView()->toPlainText().contains(u"+greeting = hello from web1"_s));
        QCOMPARE(readFile(dest), u"greeting = old\n"_s);

        // Deploy (confirmed through the seam) with a backup.
        pane->setSpec(TemplateDeploySpec{dest, QString(), QString(), QString(), true});
        QVERIFY(runRollout(window, false));
        QVERIFY(m_prompts.asked.last().startsWith(u"deploy:"_s));
        outcome = model->outcome(0);
        QVERIFY2(outcome->state == TemplateOutcome::State::Changed, qPrintable(outcome->message));
        QCOMPARE(readFile(dest), u"greeting = hello from web1\nhost = web1\nuser = True\n"_s);
        QVERIFY(outcome->message.startsWith(dest + u"."_s)); // the backup path
        QCOMPARE(readFile(outcome->message), u"greeting = old\n"_s);
        QFile::remove(outcome->message);

        // Diff again: no change.
        QVERIFY(runRollout(window, true));
        outcome = model->outcome(0);
        QVERIFY2(outcome->state == TemplateOutcome::State::Unchanged, qPrintable(outcome->message));
        QCOMPARE(model->index(0, TemplateOutcomeModel::OutcomeColumn).data().toString(),
                 u"no change"_s);
        QCOMPARE(model->index(0, TemplateOutcomeModel::ChangedColumn).data().toString(), u"no"_s);
        QVERIFY(pane->statusLabel()->text().contains(u"0 would change"_s));

        // A file that does not exist yet is a new file; a declined deploy writes nothing.
        const QString fresh = m_tmp.filePath(u"fresh.conf"_s);
        pane->setSpec(TemplateDeploySpec{fresh, u"0640"_s, QString(), QString(), false});
        QVERIFY(runRollout(window, true));
        QCOMPARE(model->index(0, TemplateOutcomeModel::OutcomeColumn).data().toString(),
                 u"new file"_s);
        m_prompts.deployAnswers = {false};
        pane->deployButton()->click();
        QVERIFY(!window.isRollingOut());
        QVERIFY(!QFile::exists(fresh));

        // Unreachable host: a failed row with the reason, not a hang.
        engine::Host gone(u"gone"_s);
        gone.setAddress(u"127.0.0.1"_s);
        gone.setPort(m_sshd.closedPort());
        gone.setUser(m_sshd.user());
        inventory.addHost(gone, u"web"_s);
        window.setInventory(inventory);
        pane->setChecked(u"gone"_s, true);
        QVERIFY(runRollout(window, true));
        QCOMPARE(model->rowCount(), 2);
        QCOMPARE(model->index(1, TemplateOutcomeModel::OutcomeColumn).data().toString(),
                 u"failed"_s);
        QVERIFY(!model->outcome(1)->message.isEmpty());
        QCOMPARE(model->index(0, TemplateOutcomeModel::OutcomeColumn).data().toString(),
                 u"new file"_s);
        window.editor()->document()->setModified(false);
    }
};

QTEST_MAIN(TstTemplateDeploy)
#include "tst_templatedeploy.moc"
