#include "engine/inventory/HostPattern.h"
#include "engine/inventory/HostRange.h"
#include "engine/inventory/InventoryFile.h"

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
    "fe80::1":
    "fe80::1:2":
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
      hosts:
        prodhost:
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

    // Expected hosts, in order, are what ansible-core 2.14 answers for the same inventory
    // (`ansible -i patterns.yml PATTERN --list-hosts`), except the rows marked as Hostdeck's own.
    void resolve_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QStringList>("hosts");
        QTest::addColumn<int>("warnings");
        QTest::addColumn<bool>("error");

        const QStringList web{u"web01.example.com"_s, u"web02.example.com"_s,
                              u"web03.example.com"_s, u"web04.example.com"_s};
        const QStringList db{u"db-a"_s, u"db-b"_s, u"db-c"_s};
        const QStringList top{u"bastion"_s, u"fe80::1"_s, u"fe80::1:2"_s};
        const QStringList everything =
            top + web + db + QStringList{u"installer1"_s, u"prodhost"_s, u"stage1"_s};
        const QStringList prod = QStringList{u"prodhost"_s} + web + db;

        QTest::newRow("all") << u"all"_s << everything << 0 << false;
        QTest::newRow("star") << u"*"_s << everything << 0 << false;
        QTest::newRow("group") << u"web"_s << web << 0 << false;
        QTest::newRow("own hosts before children's") << u"prod"_s << prod << 0 << false;
        QTest::newRow("install is just a group")
            << u"install"_s << QStringList{u"installer1"_s} << 0 << false;
        QTest::newRow("host name") << u"db-b"_s << QStringList{u"db-b"_s} << 0 << false;
        QTest::newRow("glob on hosts") << u"web0[12]*"_s << web.mid(0, 2) << 0 << false;
        QTest::newRow("glob prefix") << u"db-*"_s << db << 0 << false;
        QTest::newRow("glob on group names")
            << u"sta*"_s << QStringList{u"web04.example.com"_s, u"stage1"_s} << 0 << false;
        QTest::newRow("union keeps pattern order") << u"db:web"_s << db + web << 0 << false;
        QTest::newRow("union comma")
            << u"stage1,bastion"_s << QStringList{u"stage1"_s, u"bastion"_s} << 0 << false;
        QTest::newRow("intersection")
            << u"web:&staging"_s << QStringList{u"web04.example.com"_s} << 0 << false;
        QTest::newRow("exclusion")
            << u"prod:!web"_s << QStringList{u"prodhost"_s} + db << 0 << false;
        QTest::newRow("exclusion only starts from all")
            << u"!prod"_s << top + QStringList{u"installer1"_s, u"stage1"_s} << 0 << false;
        QTest::newRow("exclusion order independent")
            << u"!web:prod"_s << QStringList{u"prodhost"_s} + db << 0 << false;
        QTest::newRow("brackets are a glob class") << u"db-[b:c]"_s << db.mid(1) << 0 << false;
        QTest::newRow("group subscript") << u"web[0]"_s << web.mid(0, 1) << 0 << false;
        QTest::newRow("group slice") << u"web[1:2]"_s << web.mid(1, 2) << 0 << false;
        QTest::newRow("old dash slice") << u"web[2-3]"_s << web.mid(2, 2) << 0 << false;
        QTest::newRow("subscript in Ansible's order")
            << u"prod[0]"_s << QStringList{u"prodhost"_s} << 0 << false;
        QTest::newRow("negative subscript")
            << u"prod[-1]"_s << QStringList{u"db-c"_s} << 0 << false;
        QTest::newRow("open slice") << u"prod[1:]"_s << prod.mid(1) << 0 << false;
        QTest::newRow("[0:0] is one host")
            << u"prod[0:0]"_s << QStringList{u"prodhost"_s} << 0 << false;
        QTest::newRow("all[0]") << u"all[0]"_s << QStringList{u"bastion"_s} << 0 << false;
        QTest::newRow("all[-1]") << u"all[-1]"_s << QStringList{u"stage1"_s} << 0 << false;
        QTest::newRow("subscript past the end") << u"web[9]"_s << QStringList{} << 0 << true;
        QTest::newRow("regex") << u"~web0[13]\\..*"_s << QStringList{web.at(0), web.at(2)} << 0
                               << false;
        QTest::newRow("regex anchored at the start") << u"~eb"_s << QStringList{} << 1 << false;
        QTest::newRow("ungrouped") << u"ungrouped"_s << top << 0 << false;
        QTest::newRow("IPv6 host is not split")
            << u"fe80::1"_s << QStringList{u"fe80::1"_s} << 0 << false;
        QTest::newRow("longer IPv6 host")
            << u"fe80::1:2"_s << QStringList{u"fe80::1:2"_s} << 0 << false;
        QTest::newRow("IPv6-looking pattern is one term")
            << u"fe80::1:bastion"_s << QStringList{} << 1 << false;
        QTest::newRow("unknown name") << u"nosuch"_s << QStringList{} << 1 << false;
        QTest::newRow("unknown inside union")
            << u"nosuch:db-a"_s << QStringList{u"db-a"_s} << 1 << false;
        QTest::newRow("substring is not a match") << u"insta"_s << QStringList{} << 1 << false;
        QTest::newRow("bad regex") << u"~web("_s << QStringList{} << 0 << true;
        // Hostdeck's own: a range Ansible would match to nothing names the hosts (README).
        QTest::newRow("range names hosts")
            << u"web[02:03].example.com"_s << web.mid(1, 2) << 0 << false;
    }

    void resolve()
    {
        QFETCH(QString, pattern);
        QFETCH(QStringList, hosts);
        QFETCH(int, warnings);
        QFETCH(bool, error);
        const PatternMatch match = HostPattern::resolve(m_inventory, pattern);
        QCOMPARE(match.hosts, hosts);
        QCOMPARE(match.warnings.size(), warnings);
        QCOMPARE(!match.error.isEmpty(), error);
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
        QTest::newRow("reversed numbers: none") << u"x[5:1]"_s << QStringList{} << true;
        QTest::newRow("reversed letters") << u"x[c:a]"_s << QStringList{} << false;
        QTest::newRow("mixed") << u"x[1:c]"_s << QStringList{} << false;
        QTest::newRow("unequal widths") << u"x[01:3]"_s << QStringList{} << false;
        QTest::newRow("letters across cases")
            << u"x[y:B]"_s << QStringList{u"xy"_s, u"xz"_s, u"xA"_s, u"xB"_s} << true;
        QTest::newRow("open start") << u"x[:2]"_s << QStringList{u"x0"_s, u"x1"_s, u"x2"_s} << true;
        QTest::newRow("no end") << u"x[1:]"_s << QStringList{} << false;
        QTest::newRow("zero step") << u"x[1:3:0]"_s << QStringList{} << false;
        QTest::newRow("past the cap") << u"h[0:10000]"_s << QStringList{} << false;
        QTest::newRow("at the cap") << u"h[1:100][1:100]"_s << QStringList{} << true;
    }

    void ranges()
    {
        QFETCH(QString, name);
        QFETCH(QStringList, expanded);
        QFETCH(bool, ok);
        const Result<QStringList> result = HostRange::expand(name, 10'000);
        QCOMPARE(result.ok(), ok);
        if (ok && !(name.startsWith(u"h["_s)))
            QCOMPARE(*result, expanded);
        if (ok && name.startsWith(u"h["_s))
            QCOMPARE(result->size(), 10'000);
    }
};

QTEST_GUILESS_MAIN(TstHostPattern)
#include "tst_hostpattern.moc"
