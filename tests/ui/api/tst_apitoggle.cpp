// Tools > Serve REST API: off by default; on, a script (the Python client, in its own process)
// sees the window's inventory and history and runs on the window's engine; off, the token file
// is gone and nothing listens.
#include "engine/api/ApiHost.h"
#include "tests/support/TestEnv.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/api/ApiToggle.h"

#include <QAction>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace hostdeck;
using namespace hostdeck::ui;

class TestApiToggle : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_CACHE_HOME", m_dir.filePath(QStringLiteral("cache")).toUtf8());
        const QString runtime = m_dir.filePath(QStringLiteral("run"));
        QVERIFY(QDir().mkpath(runtime));
        QFile::setPermissions(runtime, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                           QFileDevice::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", runtime.toUtf8());
    }

    void servesTheWindowsInventoryAndHistory()
    {
        const QString inventory = m_dir.filePath(QStringLiteral("lab.yml"));
        QFile file(inventory);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("all:\n  children:\n    web:\n      hosts:\n        web1:\n"
                   "          ansible_connection: local\n"
                   "          ansible_python_interpreter: " +
                   test::python().toUtf8() + "\n");
        file.close();
        MainWindowOptions options;
        options.localInterpreter = {test::python()};
        options.userToolDirs = {test::testToolsDir()};
        options.historyPath = m_dir.filePath(QStringLiteral("history.sqlite"));
        options.settingsPath = m_dir.filePath(QStringLiteral("settings.ini"));
        options.inventoryPath = inventory;
        options.interactivePrompts = false;
        AppServices services(options);
        MainWindow window(services, options);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.toolsLoaded(), 30000);
        auto* action = window.findChild<QAction*>(QStringLiteral("serveApiAction"));
        QVERIFY(action);
        QVERIFY(action->isCheckable());
        QVERIFY(!action->isChecked()); // off by default
        const QString tokenFile = m_dir.filePath(QStringLiteral("run/hostdeck/api.json"));
        QVERIFY(!QFile::exists(tokenFile));

        action->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tokenFile), 10000);
        QVERIFY(QFile::permissions(tokenFile) == (QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                  QFileDevice::ReadUser | QFileDevice::WriteUser));
        QFile token(tokenFile);
        QVERIFY(token.open(QIODevice::ReadOnly));
        const QString url = QJsonDocument::fromJson(token.readAll())
                                .object()
                                .value(QStringLiteral("url"))
                                .toString();

        // A script, as a user would write it; this thread keeps running the window meanwhile.
        QProcess script;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PYTHONPATH"),
                   test::sourceDir() + QStringLiteral("/clients/python"));
        script.setProcessEnvironment(env);
        script.start(test::python(),
                     {QStringLiteral("-c"),
                      QStringLiteral(
                          "import json, hostdeck\n"
                          "hd = hostdeck.connect()\n"
                          "rs = list(hd.call('web', 'Exec.run', argv=['echo', 'from a script']))\n"
                          "print(json.dumps({'inventories': hd.inventories(),\n"
                          "  'hosts': [h['name'] for h in hd.hosts('all')],\n"
                          "  'records': [r.record for r in rs],\n"
                          "  'history': hd.history(limit=5)}))\n")});
        QTRY_VERIFY_WITH_TIMEOUT(script.state() == QProcess::NotRunning, 60000);
        QCOMPARE(script.exitCode(), 0);
        const QJsonObject answer = QJsonDocument::fromJson(script.readAllStandardOutput()).object();
        const QJsonArray inventories = answer.value(QStringLiteral("inventories")).toArray();
        QCOMPARE(inventories.size(), 1);
        QCOMPARE(inventories.at(0).toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("lab"));
        QCOMPARE(answer.value(QStringLiteral("hosts")).toArray(),
                 QJsonArray{QStringLiteral("web1")});
        const QJsonObject record =
            answer.value(QStringLiteral("records")).toArray().at(0).toObject();
        QCOMPARE(record.value(QStringLiteral("status")).toString(), QStringLiteral("changed"));
        QCOMPARE(record.value(QStringLiteral("value")).toObject().value(QStringLiteral("stdout")),
                 QJsonValue(QStringLiteral("from a script\n")));
        // The window's history database holds the script's run.
        const QJsonObject stored =
            answer.value(QStringLiteral("history")).toArray().at(0).toObject();
        QCOMPARE(stored.value(QStringLiteral("origin")).toString(), QStringLiteral("rest"));
        QCOMPARE(stored.value(QStringLiteral("inventory")).toString(),
                 QFileInfo(inventory).absoluteFilePath());

        action->setChecked(false);
        QVERIFY(!QFile::exists(tokenFile));
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, quint16(QUrl(url).port()));
        QVERIFY(!probe.waitForConnected(2000));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestApiToggle)
#include "tst_apitoggle.moc"
