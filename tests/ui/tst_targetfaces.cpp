// One test table, three faces: every host of an inventory (hand-picked cases plus generated ones)
// resolves to the same target from the GUI's inventory dock, the template editor and the CLI
// (`hostdeck-cli targets`), with the user's ~/.ssh/config applied by all three; and the values
// are what the inventory and the config say (an interpreter given as a command is split, a port
// from the config is used unless the inventory sets one, a bad jump host is an error everywhere).
#include "tests/support/TestEnv.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/template/TemplateEditorWindow.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <pwd.h>
#include <unistd.h>

using namespace hostdeck;
using namespace hostdeck::ui;

namespace {

QTemporaryDir& home()
{
    static QTemporaryDir dir;
    return dir;
}

void writeText(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
}

struct Case
{
    QString name;
    QByteArray vars; ///< YAML lines of the host's variables (indented by the writer)
};

} // namespace

class TestTargetFaces : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sameTargetFromEveryFace();
    void badJumpHostIsAnErrorEverywhere();

private:
    QJsonObject cliTarget(const QString& host, QString* error = nullptr) const;
    QString m_inventory;
    QList<Case> m_cases;
};

void TestTargetFaces::initTestCase()
{
    QVERIFY(home().isValid());
    // The user's ssh_config, which every face must read (0600: ssh refuses others).
    const QString config = home().filePath(QStringLiteral(".ssh/config"));
    writeText(config, "Host cfg-alias\n  HostName 10.20.30.40\n  User cfguser\n  Port 2201\n"
                      "  IdentityFile ~/.ssh/id_cfg\n\n"
                      "Host cfg-port\n  Port 2202\n\n"
                      "Host *\n  User fallback\n");
    QFile::setPermissions(config, QFile::ReadOwner | QFile::WriteOwner);

    m_cases = {
        {QStringLiteral("plain"),
         "ansible_host: 192.0.2.10\n      ansible_port: 2222\n      ansible_user: deploy\n"},
        {QStringLiteral("envpython"), "ansible_python_interpreter: /usr/bin/env python3 -I\n"},
        {QStringLiteral("sudoer"), "ansible_become: true\n      ansible_become_user: postgres\n"},
        {QStringLiteral("suer"), "ansible_become: yes\n      ansible_become_method: su\n"},
        {QStringLiteral("jumped"), "hostdeck_jump: ops@gw.example:2200,bastion\n"},
        {QStringLiteral("localone"), "ansible_connection: local\n"},
        {QStringLiteral("cfg-alias"), ""},
        {QStringLiteral("cfg-port"), "ansible_port: 2299\n"},
        {QStringLiteral("keys"), "hostdeck_host_keys: accept-new\n      "
                                 "ansible_ssh_private_key_file: /keys/k1\n"},
        {QStringLiteral("oldstyle"),
         "ansible_ssh_host: 198.51.100.7\n      ansible_ssh_port: 2023\n"},
    };
    // Generated hosts mixing the same variables (fixed seed: the same table every run).
    QRandomGenerator rng(20261203);
    for (int i = 0; i < 30; ++i) {
        QByteArray vars;
        if (rng.bounded(2))
            vars += "ansible_host: 10.1." + QByteArray::number(i) + ".1\n      ";
        if (rng.bounded(3) == 0)
            vars += "ansible_port: " + QByteArray::number(2000 + i) + "\n      ";
        if (rng.bounded(3) == 0)
            vars += "ansible_user: u" + QByteArray::number(i) + "\n      ";
        if (rng.bounded(4) == 0)
            vars += "ansible_python_interpreter: '/opt/py" + QByteArray::number(i) +
                    "/bin/python3 -X utf8'\n      ";
        if (rng.bounded(4) == 0)
            vars += "ansible_become: true\n      ";
        if (rng.bounded(5) == 0)
            vars += "hostdeck_jump: hop" + QByteArray::number(i) + ":22\n      ";
        if (rng.bounded(6) == 0)
            vars += "ansible_connection: local\n      ";
        m_cases << Case{QStringLiteral("gen%1").arg(i), vars.trimmed() + '\n'};
    }
    QByteArray yaml = "all:\n  vars:\n    hostdeck_inventory_id: faces-test\n  children:\n"
                      "    fleet:\n      vars:\n        environment:\n          LC_ALL: C\n"
                      "      hosts:\n";
    for (const Case& c : std::as_const(m_cases)) {
        yaml += "        " + c.name.toUtf8() + ":\n";
        if (!c.vars.trimmed().isEmpty())
            yaml += "          " + c.vars.trimmed().replace("\n      ", "\n          ") + '\n';
    }
    m_inventory = home().filePath(QStringLiteral("inventory.yml"));
    writeText(m_inventory, yaml);
}

QJsonObject TestTargetFaces::cliTarget(const QString& host, QString* error) const
{
    QProcess cli;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home().path());
    cli.setProcessEnvironment(env);
    cli.start(
        test::builtProgram(QStringLiteral("app/hostdeck-cli")),
        {QStringLiteral("targets"), QStringLiteral("-i"), m_inventory, QStringLiteral("-l"), host});
    if (!cli.waitForFinished(30000))
        return {};
    if (error)
        *error = QString::fromUtf8(cli.readAllStandardError());
    const QJsonArray list = QJsonDocument::fromJson(cli.readAllStandardOutput()).array();
    return list.size() == 1 ? list.first().toObject() : QJsonObject{};
}

void TestTargetFaces::sameTargetFromEveryFace()
{
    MainWindowOptions options;
    options.localInterpreter = {QStringLiteral("python3")};
    options.historyPath = home().filePath(QStringLiteral("history.sqlite"));
    options.settingsPath = home().filePath(QStringLiteral("settings.ini"));
    options.inventoryPath = m_inventory;
    options.interactivePrompts = false;
    AppServices services(options);
    MainWindow window(services, options);
    window.openTemplateEditor();
    TemplateEditorWindow* editor = window.templateEditor();
    QVERIFY(editor);

    int checked = 0;
    for (const Case& c : std::as_const(m_cases)) {
        const auto gui = window.inventoryDock()->resolve(c.name);
        QVERIFY2(gui && gui->hosts.size() == 1,
                 qPrintable(c.name + u": " + (gui ? QString() : gui.error().message)));
        const auto templ = editor->targetFor(c.name);
        QVERIFY2(templ, qPrintable(c.name));
        const QJsonObject fromGui = gui->hosts.constFirst().toJson();
        const QJsonObject fromEditor = templ->toJson();
        const QJsonObject fromCli = cliTarget(c.name);
        QVERIFY2(!fromCli.isEmpty(), qPrintable(c.name));
        QCOMPARE(fromEditor, fromGui);
        QCOMPARE(fromCli, fromGui);
        ++checked;
    }
    qInfo("%d hosts resolved alike by the GUI, the template editor and the CLI", checked);

    // The values are the inventory's and the config's, not just equal to each other.
    const auto target = [&](const QString& name) {
        return window.inventoryDock()->resolve(name)->hosts.constFirst().toJson();
    };
    QCOMPARE(target(QStringLiteral("envpython")).value(QStringLiteral("interpreter")).toArray(),
             (QJsonArray{QStringLiteral("/usr/bin/env"), QStringLiteral("python3"),
                         QStringLiteral("-I")}));
    const QJsonObject alias =
        target(QStringLiteral("cfg-alias")).value(QStringLiteral("ssh")).toObject();
    QCOMPARE(alias.value(QStringLiteral("host")).toString(), QStringLiteral("10.20.30.40"));
    QCOMPARE(alias.value(QStringLiteral("user")).toString(), QStringLiteral("cfguser"));
    QCOMPARE(alias.value(QStringLiteral("port")).toInt(), 2201);
    // `~` in the config is the password database's home, as ssh expands it (not $HOME).
    QCOMPARE(alias.value(QStringLiteral("identity_files")).toArray().first().toString(),
             QString::fromLocal8Bit(::getpwuid(::getuid())->pw_dir) +
                 QStringLiteral("/.ssh/id_cfg"));
    QCOMPARE(target(QStringLiteral("cfg-port"))
                 .value(QStringLiteral("ssh"))
                 .toObject()
                 .value(QStringLiteral("port")),
             2299); // the inventory wins over the config
    QCOMPARE(target(QStringLiteral("plain"))
                 .value(QStringLiteral("ssh"))
                 .toObject()
                 .value(QStringLiteral("user")),
             QStringLiteral("deploy"));
    QCOMPARE(target(QStringLiteral("jumped"))
                 .value(QStringLiteral("ssh"))
                 .toObject()
                 .value(QStringLiteral("jump"))
                 .toArray()
                 .size(),
             2);
    const QJsonObject su = target(QStringLiteral("suer"));
    QCOMPARE(su.value(QStringLiteral("become_method")).toString(), QStringLiteral("su"));
    QCOMPARE(su.value(QStringLiteral("become_user")).toString(), QStringLiteral("root"));
    QCOMPARE(target(QStringLiteral("localone")).value(QStringLiteral("kind")).toString(),
             QStringLiteral("local"));
    QCOMPARE(target(QStringLiteral("plain")).value(QStringLiteral("environment")).toObject(),
             (QJsonObject{{QStringLiteral("LC_ALL"), QStringLiteral("C")}}));
    QCOMPARE(target(QStringLiteral("oldstyle"))
                 .value(QStringLiteral("ssh"))
                 .toObject()
                 .value(QStringLiteral("port")),
             2023);
    editor->close();
}

void TestTargetFaces::badJumpHostIsAnErrorEverywhere()
{
    const QString inventory = home().filePath(QStringLiteral("bad.yml"));
    writeText(inventory, "all:\n  hosts:\n    broken:\n      hostdeck_jump: 'bad host:notaport'\n");
    MainWindowOptions options;
    options.historyPath = home().filePath(QStringLiteral("bad-history.sqlite"));
    options.settingsPath = home().filePath(QStringLiteral("bad-settings.ini"));
    options.inventoryPath = inventory;
    options.interactivePrompts = false;
    AppServices services(options);
    MainWindow window(services, options);
    window.openTemplateEditor();
    const auto gui = window.inventoryDock()->resolve(QStringLiteral("broken"));
    QVERIFY(!gui);
    QVERIFY2(gui.error().message.contains(QStringLiteral("broken")),
             qPrintable(gui.error().message));
    QVERIFY(!window.templateEditor()->targetFor(QStringLiteral("broken")));
    QProcess cli;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home().path());
    cli.setProcessEnvironment(env);
    cli.start(test::builtProgram(QStringLiteral("app/hostdeck-cli")),
              {QStringLiteral("targets"), QStringLiteral("-i"), inventory, QStringLiteral("-l"),
               QStringLiteral("broken")});
    QVERIFY(cli.waitForFinished(30000));
    QCOMPARE(cli.exitCode(), 2);
    QVERIFY2(cli.readAllStandardError().contains("broken"), "the CLI names the host");
    window.templateEditor()->close();
}

int main(int argc, char** argv)
{
    // HOME first: every face reads ~/.ssh/config from it (QDir::homePath).
    qputenv("HOME", home().path().toUtf8());
    QApplication app(argc, argv);
    TestTargetFaces test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_targetfaces.moc"
