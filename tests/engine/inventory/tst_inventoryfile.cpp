#include "engine/inventory/InventoryFile.h"
#include "engine/inventory/YamlConvert.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>

using namespace hostdeck::engine;
using namespace Qt::Literals::StringLiterals;

namespace {

const char* fullInventory = R"yaml(
all:
  vars:
    hostdeck_inventory_id: 6f1c2a7e-1d2b-4c55-9a0e-0c7f3b1e2d44
    ansible_user: deploy
    ntp_servers: [0.pool.ntp.org, 1.pool.ntp.org]
  hosts:
    bastion:
      ansible_host: 203.0.113.10
      ansible_port: 2222
      hostdeck_host_keys: accept-new
  children:
    web:
      hosts:
        web1:
          ansible_host: 10.0.0.11
          http_port: "8080"
          enabled: yes
          weight: 1.5
          nothing: ~
          nested: {a: 1, b: [x, y], c: {d: "true"}}
        web2:
      vars:
        ansible_become: true
        hostdeck_jump: bastion
      description: front-end servers
      x_owner: {team: web, pager: [alice, bob]}
    db:
      children:
        db_primary:
          hosts:
            db1:
              ansible_python_interpreter: /usr/bin/python3.11
        db_replica:
          hosts:
            db2:
            web2:
      vars:
        backup: "no"
        quoted_number: "0123"
        colon: "a: b"
        spaces: " padded "
other_top_level:
  hosts:
    db1:
  vars:
    ansible_group_priority: 5
)yaml";

const char* quotingInventory = R"yaml(
all:
  hosts:
    h1:
      s_yes: "yes"
      s_null: "null"
      s_tilde: "~"
      s_int: "42"
      s_float: "1.0"
      s_empty: ""
      s_hash: "a #b"
      s_dash: "- x"
      s_multi: "line1\nline2"
      b_on: on
      i_neg: -7
      unicode: "Grüße"
)yaml";

QVariant structure(const QByteArray& text)
{
    return detail::toVariant(YAML::Load(text.toStdString()));
}

} // namespace

class TstInventoryFile : public QObject
{
    Q_OBJECT

private slots:
    void roundTripKeepsEverything_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::newRow("full") << QByteArray(fullInventory);
        QTest::newRow("quoting") << QByteArray(quotingInventory);
    }

    void roundTripKeepsEverything()
    {
        QFETCH(QByteArray, yaml);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"inventory.yml"_s);
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(yaml);
        }
        const Result<Inventory> loaded = InventoryFile::load(path);
        QVERIFY2(loaded.ok(), qPrintable(loaded ? QString() : loaded.error().message));
        QVERIFY(InventoryFile::save(*loaded, path).ok());
        QFile saved(path);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray savedText = saved.readAll();
        QCOMPARE(structure(savedText), structure(yaml));
        // And the saved file loads back to the same model.
        const Result<Inventory> again = InventoryFile::load(path);
        QVERIFY(again.ok());
        QCOMPARE(again->hosts(), loaded->hosts());
        QCOMPARE(again->groups(), loaded->groups());
        QCOMPARE(again->id(), loaded->id());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"inventory.yml"_s});
    }

    void typesAndIdAreRead()
    {
        const Result<Inventory> inv =
            InventoryFile::parse(QByteArray(fullInventory), u"full.yml"_s);
        QVERIFY(inv.ok());
        QCOMPARE(inv->id(), u"6f1c2a7e-1d2b-4c55-9a0e-0c7f3b1e2d44"_s);
        QVERIFY(!inv->group(u"all"_s)->vars.contains(InventoryFile::idKey()));
        const Host* web1 = inv->host(u"web1"_s);
        QVERIFY(web1);
        QCOMPARE(web1->vars().value(u"http_port"_s).typeId(), int(QMetaType::QString));
        QCOMPARE(web1->vars().value(u"enabled"_s).typeId(), int(QMetaType::Bool));
        QCOMPARE(web1->vars().value(u"weight"_s).toDouble(), 1.5);
        QVERIFY(web1->vars().value(u"nothing"_s).isNull());
        QCOMPARE(inv->group(u"web"_s)->unknownKeys.value(u"description"_s).toString(),
                 u"front-end servers"_s);
        // web2 is in web and db_replica: both groups' vars apply.
        const Host web2 = inv->resolvedHost(u"web2"_s);
        QVERIFY(web2.become());
        QCOMPARE(web2.vars().value(u"backup"_s).toString(), u"no"_s);
        QCOMPARE(web2.user(), u"deploy"_s);
        // db1 is also in a top-level group with a higher priority at the same depth as db.
        QCOMPARE(inv->groupsOf(u"db1"_s),
                 (QStringList{u"all"_s, u"db"_s, u"other_top_level"_s, u"db_primary"_s}));
        QCOMPARE(inv->resolvedHost(u"db1"_s).pythonInterpreter(), u"/usr/bin/python3.11"_s);
        QCOMPARE(inv->resolvedHost(u"bastion"_s).hostKeyPolicy(), HostKeyPolicy::AcceptNew);
        QCOMPARE(inv->resolvedHost(u"bastion"_s).port(), 2222);
    }

    void newIdIsWrittenUnderAllVars()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"new.yml"_s);
        Inventory inv;
        inv.addHost(Host(u"a"_s));
        inv.ensureId();
        QVERIFY(InventoryFile::save(inv, path).ok());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QVariantMap root = structure(f.readAll()).toMap();
        QCOMPARE(root.value(u"all"_s)
                     .toMap()
                     .value(u"vars"_s)
                     .toMap()
                     .value(InventoryFile::idKey())
                     .toString(),
                 inv.id());
    }

    void brokenFilesNameTheLine_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("problem");
        QTest::newRow("unclosed flow")
            << QByteArray("all:\n  hosts:\n    a: {x: [1, 2}\n") << 3 << u""_s;
        QTest::newRow("bad indentation")
            << QByteArray("all:\n  hosts:\n    a:\n   b: 1\n  c\n") << 4 << u""_s;
        QTest::newRow("group is a list") << QByteArray("all:\n  children:\n    web: [a, b]\n") << 3
                                         << u"not a known host nor group"_s;
        QTest::newRow("hosts is a list") << QByteArray("all:\n  hosts:\n    - a\n    - b\n") << 3
                                         << u"invalid 'hosts' entry for group 'all'"_s;
        QTest::newRow("host vars are a scalar")
            << QByteArray("all:\n  hosts:\n    a: 12\n") << 3 << u"host 'a'"_s;
        QTest::newRow("bad range")
            << QByteArray("all:\n  hosts:\n    w[01:5]:\n") << 3 << u"equal-length"_s;
        QTest::newRow("cycle") << QByteArray("all:\n  children:\n    a:\n      children:\n        "
                                             "b:\n          children:\n            a:\n")
                               << 7 << u"cycle"_s;
        QTest::newRow("top level list") << QByteArray("- all\n") << 1 << u"mapping of groups"_s;
    }

    void brokenFilesNameTheLine()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"broken.yml"_s);
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(yaml);
        }
        const QDateTime before = QFileInfo(path).lastModified();
        const Result<Inventory> loaded = InventoryFile::load(path);
        QVERIFY(!loaded.ok());
        const QString message = loaded.error().message;
        QVERIFY2(message.startsWith(path + u':' + QString::number(line) + u':'),
                 qPrintable(message));
        QVERIFY2(message.contains(problem), qPrintable(message));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), yaml);
        QCOMPARE(QFileInfo(path).lastModified(), before);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"broken.yml"_s});
    }

    void missingFileIsNotFound()
    {
        const Result<Inventory> loaded = InventoryFile::load(u"/nonexistent/inventory.yml"_s);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().kind, ErrorKind::NotFound);
    }

    void failedSaveKeepsOldFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"inventory.yml"_s);
        const QByteArray old("all:\n  hosts:\n    old:\n");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(old);
        }
        Inventory big;
        for (int i = 0; i < 2000; ++i)
            big.addHost(Host(u"host-%1.example.com"_s.arg(i),
                             {{u"ansible_host"_s, u"10.1.%1.%2"_s.arg(i / 250).arg(i % 250)}}));

        // Make the write fail half-way like a full disk: a file size limit (works as root too).
        struct rlimit saved
        {
        };
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &saved), 0);
        const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit limited = saved;
        limited.rlim_cur = 4096;
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &limited), 0);
        const Status status = InventoryFile::save(big, path);
        setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, previousHandler);

        QVERIFY(!status.ok());
        QCOMPARE(status.error().kind, ErrorKind::Io);
        QVERIFY2(status.error().message.contains(path), qPrintable(status.error().message));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), old);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"inventory.yml"_s});
    }

    void saveIntoMissingDirectoryFails()
    {
        Inventory inv;
        const Status status = InventoryFile::save(inv, u"/nonexistent-dir/x/inventory.yml"_s);
        QVERIFY(!status.ok());
        QCOMPARE(status.error().kind, ErrorKind::Io);
    }
};

QTEST_GUILESS_MAIN(TstInventoryFile)
#include "tst_inventoryfile.moc"
