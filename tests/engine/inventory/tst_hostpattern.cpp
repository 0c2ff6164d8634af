#include "inventory/HostPattern.h"
#include "inventory/HostRange.h"
#include "inventory/InventoryFile.h"

#include <QFile>
#include <QTemporaryDir>

#include <QTest>

using namespace hostdeck::engine;
using namespace Qt::Literals::StringLiterals;

namespace {

// A realistic inventory: numbered web servers, databases, a group named "install" (must not match
// everything), nested children and an ungrouped host.
const char* inventoryYaml = R"yaml(
all:
  hosts:
    bastion:
  children:
    web:
      hosts:
        web[01:04].example.com:
    db:
      hosts:
        db-[a:c]:
    install:
      hosts:
        installer1:
    prod:
      children:
        web:
        db:
    staging:
      hosts:
        web04.example.com:
        stage1:
)yaml";

} // namespace

class TstHostPattern : public QObject
{
    Q_OBJECT

private:
    Inventory m_inventory;

private slots:
    void initTestCase()
    {
        Result<Inventory> inv = InventoryFile::parse(QByteArray(inventoryYaml), u"patterns.yml"_s);
        QVERIFY2(inv.ok(), qPrintable(inv ? QString() : inv.error().message));
        m_inventory = std::move(inv).value();
    }

    void resolve_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QStringList>("hosts");
        QTest::addColumn<int>("warnings");

        const QStringList web{u"web01.example.com"_s, u"web02.example.com"_s,
                              u"web03.example.com"_s, u"web04.example.com"_s};
        const QStringList db{u"db-a"_s, u"db-b"_s, u"db-c"_s};
        const QStringList everything =
            QStringList{u"bastion"_s} + web + db + QStringList{u"installer1"_s, u"stage1"_s};

        QTest::newRow("all") << u"all"_s << everything << 0;
        QTest::newRow("star") << u"*"_s << everything << 0;
        QTest::newRow("group") << u"web"_s << web << 0;
        QTest::newRow("nested group") << u"prod"_s << web + db << 0;
        QTest::newRow("install is just a group")
            << u"install"_s << QStringList{u"installer1"_s} << 0;
        QTest::newRow("host name") << u"db-b"_s << QStringList{u"db-b"_s} << 0;
        QTest::newRow("glob on hosts") << u"web0[12]*"_s << web.mid(0, 2) << 0;
        QTest::newRow("glob prefix") << u"db-*"_s << db << 0;
        QTest::newRow("glob on group names")
            << u"sta*"_s << QStringList{u"web04.example.com"_s, u"stage1"_s} << 0;
        QTest::newRow("union colon, inventory order") << u"db:web"_s << web + db << 0;
        QTest::newRow("union comma")
            << u"stage1,bastion"_s << QStringList{u"bastion"_s, u"stage1"_s} << 0;
        QTest::newRow("intersection")
            << u"web:&staging"_s << QStringList{u"web04.example.com"_s} << 0;
        QTest::newRow("exclusion") << u"prod:!web"_s << db << 0;
        QTest::newRow("exclusion only starts from all")
            << u"!prod"_s << QStringList{u"bastion"_s, u"installer1"_s, u"stage1"_s} << 0;
        QTest::newRow("exclusion order independent") << u"!web:prod"_s << db << 0;
        QTest::newRow("numeric range") << u"web[02:03].example.com"_s << web.mid(1, 2) << 0;
        QTest::newRow("alpha range") << u"db-[b:c]"_s << db.mid(1) << 0;
        QTest::newRow("group subscript") << u"web[0]"_s << web.mid(0, 1) << 0;
        QTest::newRow("group slice") << u"web[1:2]"_s << web.mid(1, 2) << 0;
        QTest::newRow("regex") << u"~web0[13]\\..*"_s << QStringList{web.at(0), web.at(2)} << 0;
        QTest::newRow("ungrouped") << u"ungrouped"_s << QStringList{u"bastion"_s} << 0;
        QTest::newRow("unknown name") << u"nosuch"_s << QStringList{} << 1;
        QTest::newRow("unknown inside union") << u"nosuch:db-a"_s << QStringList{u"db-a"_s} << 1;
        QTest::newRow("substring is not a match") << u"insta"_s << QStringList{} << 1;
        QTest::newRow("bad regex") << u"~web("_s << QStringList{} << 1;
    }

    void resolve()
    {
        QFETCH(QString, pattern);
        QFETCH(QStringList, hosts);
        QFETCH(int, warnings);
        const PatternMatch match = HostPattern::resolve(m_inventory, pattern);
        QCOMPARE(match.hosts, hosts);
        QCOMPARE(match.warnings.size(), warnings);
    }

    void ranges_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("expanded");
        QTest::addColumn<bool>("ok");
        QTest::newRow("zero padded")
            << u"w[08:10]"_s << QStringList{u"w08"_s, u"w09"_s, u"w10"_s} << true;
        QTest::newRow("step") << u"n[1:7:3]"_s << QStringList{u"n1"_s, u"n4"_s, u"n7"_s} << true;
        QTest::newRow("letters") << u"[a:c].lan"_s
                                 << QStringList{u"a.lan"_s, u"b.lan"_s, u"c.lan"_s} << true;
        QTest::newRow("product") << u"r[1:2]-[a:b]"_s
                                 << QStringList{u"r1-a"_s, u"r1-b"_s, u"r2-a"_s, u"r2-b"_s} << true;
        QTest::newRow("no range") << u"plain"_s << QStringList{u"plain"_s} << true;
        QTest::newRow("reversed") << u"x[5:1]"_s << QStringList{} << false;
        QTest::newRow("mixed") << u"x[1:c]"_s << QStringList{} << false;
    }

    void ranges()
    {
        QFETCH(QString, name);
        QFETCH(QStringList, expanded);
        QFETCH(bool, ok);
        const Result<QStringList> result = HostRange::expand(name);
        QCOMPARE(result.ok(), ok);
        if (ok)
            QCOMPARE(*result, expanded);
    }
};

QTEST_GUILESS_MAIN(TstHostPattern)
#include "tst_hostpattern.moc"
