// The inventory dock as a user drives it: import an ssh config and an Ansible INI file through
// the import action, edit a host and add one in the host editor, save through the save-as
// action; the saved file is then read back by the engine and by Ansible itself
// (ansible-inventory), and opened again in a fresh dock.
#include "engine/inventory/CredentialStore.h"
#include "engine/inventory/InventoryFile.h"
#include "tests/support/TestEnv.h"
#include "ui/inventory/HostEditorDialog.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/inventory/InventoryModel.h"
#include "ui/prompts/Prompts.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

using namespace hostdeck;
using namespace hostdeck::ui;

namespace {

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(file.fileName()));
    file.write(content);
    return file.fileName();
}

QAction* actionNamed(const QList<QAction*>& actions, const QString& text)
{
    for (QAction* action : actions) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

/// The field of a form row, found by the row's label as the user reads it.
template <typename Field> Field* fieldLabelled(QWidget* dialog, const QString& label)
{
    for (QLabel* candidate : dialog->findChildren<QLabel*>()) {
        if (candidate->text() == label)
            return qobject_cast<Field*>(candidate->buddy());
    }
    return nullptr;
}

} // namespace

class TestInventoryDock : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    /// Waits for the host editor the dock opened, fills it with `edit` and presses OK.
    template <typename Edit> bool driveHostEditor(InventoryDock& dock, Edit edit)
    {
        HostEditorDialog* dialog = nullptr;
        if (!QTest::qWaitFor([&] { return (dialog = dock.findChild<HostEditorDialog*>()); }, 5000))
            return false;
        edit(dialog);
        dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
        return QTest::qWaitFor([&] { return !dock.findChild<HostEditorDialog*>(); }, 5000);
    }

    void select(InventoryDock& dock, const QString& name)
    {
        QAbstractItemModel* model = dock.view()->model();
        const QModelIndexList found = model->match(model->index(0, 0), InventoryModel::NameRole,
                                                   name, 1, Qt::MatchExactly | Qt::MatchRecursive);
        QVERIFY2(!found.isEmpty(), qPrintable(name));
        dock.view()->setCurrentIndex(found.first());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    }

    void importEditSaveAndReopen()
    {
        const QString sshConfig =
            writeFile(m_dir, QStringLiteral("ssh_config"),
                      "Host web1\n  HostName 10.0.0.1\n  User deploy\n  Port 2222\n"
                      "Host db1\n  HostName 10.0.0.2\n  ProxyJump web1\n");
        const QString ini = writeFile(m_dir, QStringLiteral("hosts"),
                                      "[app]\napp1 ansible_host=10.1.0.1\napp2 ansible_port=2200\n"
                                      "[app:vars]\nrole=frontend\n");
        Prompts prompts(nullptr);
        prompts.setInteractive(false);
        engine::CredentialStore store;
        InventoryDock dock(&prompts, &store);
        QAbstractItemModelTester tester(dock.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QAction* import = dock.findChild<QAction*>(QStringLiteral("importSshConfigAction"));
        QAction* importAnsible = dock.findChild<QAction*>(QStringLiteral("importAnsibleAction"));
        QAction* saveAs = actionNamed(dock.fileActions(), QStringLiteral("Save inventory &as…"));
        QAction* edit = actionNamed(dock.view()->actions(), QStringLiteral("Edit"));
        QAction* addHost = actionNamed(dock.view()->actions(), QStringLiteral("Add host"));
        QVERIFY(import && importAnsible && saveAs && edit && addHost);

        // Import both files through the dialog seam.
        QSignalSpy changed(&dock, &InventoryDock::inventoryChanged);
        prompts.setNextFileName(sshConfig);
        import->trigger();
        QTRY_COMPARE(changed.size(), 1);
        prompts.setNextFileName(ini);
        importAnsible->trigger();
        QTRY_COMPARE(changed.size(), 2);
        QVERIFY(dock.isModified());
        const engine::Inventory& shown = dock.inventory();
        for (const char* name : {"web1", "db1", "app1", "app2"})
            QVERIFY2(shown.hasHost(QString::fromLatin1(name)), name);
        QCOMPARE(shown.host(QStringLiteral("db1"))->jumpHost(), QStringLiteral("web1"));
        QCOMPARE(shown.hostsOf(QStringLiteral("app")),
                 (QStringList{QStringLiteral("app1"), QStringLiteral("app2")}));
        // The group's variables came with it.
        QCOMPARE(shown.mergedVars(QStringLiteral("app1")).value(QStringLiteral("role")).toString(),
                 QStringLiteral("frontend"));

        // Edit web1: user and port change, the address stays.
        select(dock, QStringLiteral("web1"));
        edit->trigger();
        QVERIFY(driveHostEditor(dock, [](HostEditorDialog* dialog) {
            fieldLabelled<QLineEdit>(dialog, QStringLiteral("&User:"))
                ->setText(QStringLiteral("ops"));
            fieldLabelled<QSpinBox>(dialog, QStringLiteral("&Port:"))->setValue(2022);
        }));
        QCOMPARE(shown.host(QStringLiteral("web1"))->user(), QStringLiteral("ops"));
        QCOMPARE(shown.host(QStringLiteral("web1"))->port(), 2022);
        QCOMPARE(shown.host(QStringLiteral("web1"))->address(), QStringLiteral("10.0.0.1"));

        // Add a host into the app group.
        addHost->trigger();
        QVERIFY(driveHostEditor(dock, [](HostEditorDialog* dialog) {
            dialog->findChild<QLineEdit*>(QStringLiteral("hostName"))
                ->setText(QStringLiteral("app3"));
            fieldLabelled<QLineEdit>(dialog, QStringLiteral("&Address:"))
                ->setText(QStringLiteral("10.1.0.3"));
            auto* groups = dialog->findChild<QListWidget*>(QStringLiteral("groupList"));
            const QList<QListWidgetItem*> app =
                groups->findItems(QStringLiteral("app"), Qt::MatchExactly);
            QCOMPARE(app.size(), 1);
            app.first()->setCheckState(Qt::Checked);
        }));
        QVERIFY(shown.hostsOf(QStringLiteral("app")).contains(QStringLiteral("app3")));

        // Save as.
        const QString saved = m_dir.filePath(QStringLiteral("saved.yml"));
        prompts.setNextFileName(saved);
        saveAs->trigger();
        QTRY_VERIFY(QFile::exists(saved));
        QTRY_VERIFY(!dock.isModified());
        QCOMPARE(dock.inventoryPath(), saved);

        // The engine reads back what was shown.
        const auto loaded = engine::InventoryFile::load(saved);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error().message));
        QCOMPARE(loaded->hosts(), shown.hosts());
        QCOMPARE(loaded->host(QStringLiteral("web1"))->user(), QStringLiteral("ops"));
        QCOMPARE(
            loaded->hostsOf(QStringLiteral("app")),
            (QStringList{QStringLiteral("app1"), QStringLiteral("app2"), QStringLiteral("app3")}));

        // Ansible reads the same file the same way.
        QProcess ansible;
        ansible.start(QStringLiteral("ansible-inventory"),
                      {QStringLiteral("-i"), saved, QStringLiteral("--list")});
        QVERIFY2(ansible.waitForFinished(60000) && ansible.exitCode() == 0,
                 ansible.readAllStandardError().constData());
        const QJsonObject listed =
            QJsonDocument::fromJson(ansible.readAllStandardOutput()).object();
        const QJsonObject hostvars = listed.value(QStringLiteral("_meta"))
                                         .toObject()
                                         .value(QStringLiteral("hostvars"))
                                         .toObject();
        const QJsonObject web1 = hostvars.value(QStringLiteral("web1")).toObject();
        QCOMPARE(web1.value(QStringLiteral("ansible_user")).toString(), QStringLiteral("ops"));
        QCOMPARE(web1.value(QStringLiteral("ansible_port")).toInt(), 2022);
        QCOMPARE(web1.value(QStringLiteral("ansible_host")).toString(), QStringLiteral("10.0.0.1"));
        QCOMPARE(hostvars.value(QStringLiteral("app3"))
                     .toObject()
                     .value(QStringLiteral("ansible_host"))
                     .toString(),
                 QStringLiteral("10.1.0.3"));
        QCOMPARE(hostvars.value(QStringLiteral("app1"))
                     .toObject()
                     .value(QStringLiteral("role"))
                     .toString(),
                 QStringLiteral("frontend"));
        QCOMPARE(listed.value(QStringLiteral("app")).toObject().value(QStringLiteral("hosts")),
                 QJsonValue(QJsonArray{QStringLiteral("app1"), QStringLiteral("app2"),
                                       QStringLiteral("app3")}));

        // A fresh dock opens it unchanged.
        InventoryDock reopened(&prompts, &store);
        QVERIFY(reopened.openFile(saved).ok());
        QCOMPARE(reopened.inventory().hosts(), shown.hosts());
        QVERIFY(!reopened.isModified());
    }
};

QTEST_MAIN(TestInventoryDock)
#include "tst_inventorydock.moc"
