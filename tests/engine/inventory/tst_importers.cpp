#include "engine/inventory/AnsibleIniImporter.h"
#include "engine/inventory/InventoryImport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace hostdeck::engine;
using namespace Qt::Literals::StringLiterals;

namespace {

void writeFile(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

const char* iniText = R"ini(# hosts before any section are ungrouped
mail.example.com
jumper ansible_port=5555 ansible_host=192.0.2.50

[webservers]
foo.example.com http_port=80 maxRequestsPerChild=808 enabled=True ratio=0.5
bar.example.com:2222 motd="hello world" path='C:\temp' raw=yes
www[01:03].example.com

[dbservers]
db-[a:b].example.com ansible_user=postgres

[atlanta]
host1
host2

[raleigh]
host2
host3

[southeast:children]
atlanta
raleigh

[southeast:vars]
some_server=foo.southeast.example.com
halon_system_timeout=30
escape_pods=2

[usa:children]
southeast
northeast

[northeast]
host4 # inline comment is not a var
)ini";

} // namespace

class TstImporters : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QByteArray m_oldHome;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_oldHome = qgetenv("HOME");
        qputenv("HOME", QFile::encodeName(m_dir.filePath(u"home"_s)));
        writeFile(m_dir.filePath(u"inventory.ini"_s), iniText);
    }

    void cleanupTestCase() { qputenv("HOME", m_oldHome); }

    void iniInventoryImport()
    {
        const Result<ImportResult> result =
            AnsibleIniImporter::importFile(m_dir.filePath(u"inventory.ini"_s));
        QVERIFY2(result.ok(), qPrintable(result ? QString() : result.error().message));
        const Inventory& inv = result->inventory;
        QCOMPARE(inv.hostsOf(u"ungrouped"_s), (QStringList{u"mail.example.com"_s, u"jumper"_s}));
        QCOMPARE(inv.hostsOf(u"webservers"_s),
                 (QStringList{u"foo.example.com"_s, u"bar.example.com"_s, u"www01.example.com"_s,
                              u"www02.example.com"_s, u"www03.example.com"_s}));
        QCOMPARE(inv.hostsOf(u"dbservers"_s),
                 (QStringList{u"db-a.example.com"_s, u"db-b.example.com"_s}));
        QCOMPARE(inv.hostsOf(u"southeast"_s), (QStringList{u"host1"_s, u"host2"_s, u"host3"_s}));
        // Ansible's order: northeast's own host first (its children are walked level by level,
        // and [usa:children] links northeast once [northeast] defines it).
        QCOMPARE(inv.hostsOf(u"usa"_s),
                 (QStringList{u"host4"_s, u"host1"_s, u"host2"_s, u"host3"_s}));

        const QVariantMap foo = inv.host(u"foo.example.com"_s)->vars();
        QCOMPARE(foo.value(u"http_port"_s).typeId(), int(QMetaType::Int));
        QCOMPARE(foo.value(u"maxRequestsPerChild"_s).toInt(), 808);
        QCOMPARE(foo.value(u"enabled"_s).typeId(), int(QMetaType::Bool));
        QCOMPARE(foo.value(u"ratio"_s).toDouble(), 0.5);
        const QVariantMap bar = inv.host(u"bar.example.com"_s)->vars();
        QCOMPARE(bar.value(u"ansible_port"_s).toInt(), 2222);
        QCOMPARE(bar.value(u"motd"_s).toString(), u"hello world"_s);
        QCOMPARE(bar.value(u"path"_s).toString(), u"C:\\temp"_s);
        QCOMPARE(bar.value(u"raw"_s).typeId(), int(QMetaType::QString));
        QCOMPARE(inv.resolvedHost(u"jumper"_s).port(), 5555);
        QCOMPARE(inv.resolvedHost(u"jumper"_s).address(), u"192.0.2.50"_s);
        QCOMPARE(inv.resolvedHost(u"db-b.example.com"_s).user(), u"postgres"_s);
        // :vars values are Python literals as in Ansible, and reach hosts through children.
        const QVariantMap host3 = inv.mergedVars(u"host3"_s);
        QCOMPARE(host3.value(u"halon_system_timeout"_s), QVariant(30));
        QCOMPARE(host3.value(u"some_server"_s).toString(), u"foo.southeast.example.com"_s);
        QVERIFY(!inv.mergedVars(u"host4"_s).contains(u"some_server"_s));
        QVERIFY(inv.host(u"host4"_s)->vars().isEmpty());
    }

    void iniErrors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("problem");
        QTest::newRow("bad header")
            << QByteArray("[ok]\nh1\n[broken\n") << 3 << u"host range '[broken'"_s;
        QTest::newRow("space in a section")
            << QByteArray("[ok]\nh1\n[a b]\n") << 3 << u"invalid section entry"_s;
        QTest::newRow("unknown section kind")
            << QByteArray("[g:weird]\nx=1\n") << 1 << u"unknown type"_s;
        QTest::newRow("vars of a group never defined")
            << QByteArray("[g]\nh1\n[nope:vars]\nx=1\n") << 3 << u"undefined group"_s;
        QTest::newRow("child never defined")
            << QByteArray("[g:children]\nnope\n[g]\nh1\n") << 2 << u"undefined group"_s;
        QTest::newRow("range past the cap")
            << QByteArray("[g]\nh[0:99999][0:99999]\n") << 2 << u"10000000000 hosts"_s;
        QTest::newRow("not key=value") << QByteArray("[g]\nh1 novalue\n") << 2 << u"key=value"_s;
        QTest::newRow("vars without =") << QByteArray("[g:vars]\n\nx\n") << 3 << u"key=value"_s;
        QTest::newRow("unterminated quote")
            << QByteArray("[g]\nh1 a=\"open\n") << 2 << u"No closing quotation"_s;
        QTest::newRow("bad range") << QByteArray("[g]\nh[03:1]\n") << 2 << u"equal-length"_s;
        QTest::newRow("children cycle")
            << QByteArray("[a:children]\nb\n[b:children]\na\n") << 4 << u"cycle"_s;
    }

    void iniErrors()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QFETCH(QString, problem);
        const Result<ImportResult> result = AnsibleIniImporter::parse(text, u"bad.ini"_s);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.startsWith(u"bad.ini:%1:"_s.arg(line)),
                 qPrintable(result.error().message));
        QVERIFY2(result.error().message.contains(problem), qPrintable(result.error().message));
    }

    void iniReversedRangeIsEmpty()
    {
        // range(3, 2) is empty in Ansible: the group exists, with no host.
        const Result<ImportResult> result = AnsibleIniImporter::parse("[g]\nh[3:1]\n", u"r.ini"_s);
        QVERIFY(result.ok());
        QVERIFY(result->inventory.hosts().isEmpty());
        QVERIFY(result->inventory.hasGroup(u"g"_s));
    }

    void ansibleYamlImportReportsUnknownKeysAndDropsId()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(u"inv.yml"_s),
                  "all:\n  vars:\n    hostdeck_inventory_id: abc\n  children:\n    web:\n      "
                  "hosts:\n        w[1:2]:\n      comment: x\n");
        const Result<ImportResult> result =
            InventoryImport::importFile(ImportFormat::AnsibleYaml, dir.filePath(u"inv.yml"_s));
        QVERIFY(result.ok());
        QVERIFY(result->inventory.id().isEmpty());
        QCOMPARE(result->inventory.hostsOf(u"web"_s), (QStringList{u"w1"_s, u"w2"_s}));
        QCOMPARE(result->issues.size(), 1);
        QCOMPARE(result->issues.first().line, 8);
    }
};

QTEST_GUILESS_MAIN(TstImporters)
#include "tst_importers.moc"
