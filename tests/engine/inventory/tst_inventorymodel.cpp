#include "engine/inventory/Inventory.h"

#include <QTest>

using namespace hostdeck::engine;
using namespace Qt::Literals::StringLiterals;

class TstInventoryModel : public QObject
{
    Q_OBJECT

private:
    // all(vars) -> prod(vars) -> web(vars) -> web1(host vars); db under prod; lone outside groups.
    static Inventory sample()
    {
        Inventory inv;
        inv.group(Inventory::allGroup())->vars = {
            {QStringLiteral("level"), QStringLiteral("all")},
            {QStringLiteral("ansible_user"), QStringLiteral("admin")},
            {QStringLiteral("only_all"), 1}};
        inv.addHost(
            Host(QStringLiteral("web1"), {{QStringLiteral("level"), QStringLiteral("host")}}),
            QStringLiteral("web"));
        inv.addHost(Host(QStringLiteral("web2")), QStringLiteral("web"));
        inv.addHost(Host(QStringLiteral("db1")), QStringLiteral("db"));
        inv.addHost(Host(QStringLiteral("lone")));
        inv.ensureGroup(QStringLiteral("prod")).vars = {
            {QStringLiteral("level"), QStringLiteral("prod")},
            {QStringLiteral("ansible_port"), 2222},
            {QStringLiteral("hostdeck_jump"), QStringLiteral("bastion")}};
        inv.group(QStringLiteral("web"))->vars = {
            {QStringLiteral("level"), QStringLiteral("web")},
            {QStringLiteral("ansible_become"), QStringLiteral("yes")}};
        [[maybe_unused]] const Status a =
            inv.addChild(QStringLiteral("prod"), QStringLiteral("web"));
        [[maybe_unused]] const Status b =
            inv.addChild(QStringLiteral("prod"), QStringLiteral("db"));
        return inv;
    }

private slots:
    void mergedVarsFollowPrecedence_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("level");
        QTest::addColumn<QStringList>("groups");
        QTest::newRow("host var wins")
            << u"web1"_s << u"host"_s << QStringList{u"all"_s, u"prod"_s, u"web"_s};
        QTest::newRow("child group over parent")
            << u"web2"_s << u"web"_s << QStringList{u"all"_s, u"prod"_s, u"web"_s};
        QTest::newRow("parent group over all")
            << u"db1"_s << u"prod"_s << QStringList{u"all"_s, u"prod"_s, u"db"_s};
        QTest::newRow("ungrouped gets all")
            << u"lone"_s << u"all"_s << QStringList{u"all"_s, u"ungrouped"_s};
    }
    void mergedVarsFollowPrecedence()
    {
        QFETCH(QString, host);
        QFETCH(QString, level);
        QFETCH(QStringList, groups);
        const Inventory inv = sample();
        QCOMPARE(inv.groupsOf(host), groups);
        const QVariantMap vars = inv.mergedVars(host);
        QCOMPARE(vars.value(QStringLiteral("level")).toString(), level);
        QCOMPARE(vars.value(QStringLiteral("only_all")).toInt(), 1);
    }

    void siblingGroupsMergeByName()
    {
        // Same depth: Ansible applies groups in name order, so u"zeta"_s overrides u"alpha"_s.
        Inventory inv;
        inv.addHost(Host(QStringLiteral("h")), QStringLiteral("zeta"));
        inv.addHost(Host(QStringLiteral("h")), QStringLiteral("alpha"));
        inv.group(QStringLiteral("zeta"))->vars.insert(QStringLiteral("x"), QStringLiteral("zeta"));
        inv.group(QStringLiteral("alpha"))
            ->vars.insert(QStringLiteral("x"), QStringLiteral("alpha"));
        QCOMPARE(inv.mergedVars(QStringLiteral("h")).value(QStringLiteral("x")).toString(),
                 QStringLiteral("zeta"));
        // ansible_group_priority beats name order.
        inv.group(QStringLiteral("alpha"))
            ->vars.insert(QStringLiteral("ansible_group_priority"), 10);
        QCOMPARE(inv.mergedVars(QStringLiteral("h")).value(QStringLiteral("x")).toString(),
                 QStringLiteral("alpha"));
    }

    void deeperGroupWinsOverShallowerSibling()
    {
        // a (depth 1) and b -> c (c at depth 2): c's value wins although u"a"_s < u"c"_s by name.
        Inventory inv;
        inv.addHost(Host(QStringLiteral("h")), QStringLiteral("a"));
        inv.addHost(Host(QStringLiteral("h")), QStringLiteral("c"));
        QVERIFY(inv.addChild(QStringLiteral("b"), QStringLiteral("c")).ok());
        inv.group(QStringLiteral("a"))->vars.insert(QStringLiteral("x"), QStringLiteral("a"));
        inv.group(QStringLiteral("c"))->vars.insert(QStringLiteral("x"), QStringLiteral("c"));
        QCOMPARE(inv.depth(QStringLiteral("c")), 2);
        QCOMPARE(inv.mergedVars(QStringLiteral("h")).value(QStringLiteral("x")).toString(),
                 QStringLiteral("c"));
    }

    void connectionSettingsComeFromGroups()
    {
        const Inventory inv = sample();
        const Host web1 = inv.resolvedHost(QStringLiteral("web1"));
        QCOMPARE(web1.address(), QStringLiteral("web1"));
        QCOMPARE(web1.port(), 2222);
        QCOMPARE(web1.user(), QStringLiteral("admin"));
        QCOMPARE(web1.jumpHost(), QStringLiteral("bastion"));
        QVERIFY(web1.become());
        QCOMPARE(web1.becomeUser(), QStringLiteral("root"));
        const Host lone = inv.resolvedHost(QStringLiteral("lone"));
        QCOMPARE(lone.port(), 22);
        QVERIFY(!lone.become());
        QCOMPARE(lone.transport(), HostTransport::Ssh);
        QCOMPARE(lone.hostKeyPolicy(), HostKeyPolicy::Strict);
    }

    void settersWriteAnsibleKeys()
    {
        Host h(QStringLiteral("n"));
        h.setAddress(QStringLiteral("10.0.0.5"));
        h.setPort(2200);
        h.setTransport(HostTransport::Local);
        h.setBecome(true, QStringLiteral("ops"));
        h.setHostKeyPolicy(HostKeyPolicy::AcceptNew);
        h.setTags({QStringLiteral("a"), QStringLiteral("b")});
        QCOMPARE(h.vars().value(QStringLiteral("ansible_host")).toString(),
                 QStringLiteral("10.0.0.5"));
        QCOMPARE(h.vars().value(QStringLiteral("ansible_port")).toInt(), 2200);
        QCOMPARE(h.transport(), HostTransport::Local);
        QCOMPARE(h.becomeUser(), QStringLiteral("ops"));
        QCOMPARE(h.hostKeyPolicy(), HostKeyPolicy::AcceptNew);
        QCOMPARE(h.tags(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        h.setBecome(false);
        QVERIFY(!h.vars().contains(QStringLiteral("ansible_become_user")));
    }

    void hostsOfIsAnsibleOrder()
    {
        // A group's own hosts first, then its children's level by level; `lone` is a host of
        // `all` itself, so it comes first there (ansible-core 2.14 lists the same).
        const Inventory inv = sample();
        QCOMPARE(inv.hostsOf(QStringLiteral("prod")),
                 (QStringList{u"web1"_s, u"web2"_s, u"db1"_s}));
        QCOMPARE(inv.hostsOf(QStringLiteral("all")),
                 (QStringList{u"lone"_s, u"web1"_s, u"web2"_s, u"db1"_s}));
        QCOMPARE(inv.hostsOf(QStringLiteral("ungrouped")), QStringList{u"lone"_s});
    }

    void cyclesAreRefused()
    {
        Inventory inv = sample();
        const Status cycle = inv.addChild(QStringLiteral("web"), QStringLiteral("prod"));
        QVERIFY(!cycle.ok());
        QVERIFY(cycle.error().message.contains(QStringLiteral("cycle")));
        QVERIFY(!inv.addChild(QStringLiteral("web"), QStringLiteral("all")).ok());
    }

    void renameAndRemove()
    {
        Inventory inv = sample();
        QVERIFY(inv.renameHost(QStringLiteral("web1"), QStringLiteral("web9")).ok());
        QCOMPARE(inv.hostsOf(QStringLiteral("web")), (QStringList{u"web9"_s, u"web2"_s}));
        QVERIFY(!inv.renameHost(QStringLiteral("web9"), QStringLiteral("web2")).ok());
        QVERIFY(inv.renameGroup(QStringLiteral("web"), QStringLiteral("frontend")).ok());
        QCOMPARE(inv.group(QStringLiteral("prod"))->children,
                 (QStringList{u"frontend"_s, u"db"_s}));
        QVERIFY(inv.removeGroup(QStringLiteral("frontend")).ok());
        QCOMPARE(inv.hostsOf(QStringLiteral("prod")), QStringList{u"db1"_s});
        QVERIFY(inv.removeHost(QStringLiteral("db1")).ok());
        QVERIFY(!inv.hasHost(QStringLiteral("db1")));
        QVERIFY(!inv.removeGroup(QStringLiteral("all")).ok());
    }

    void removeFromOneGroup()
    {
        Inventory inv = sample();
        inv.addHost(Host(QStringLiteral("web2")), QStringLiteral("db"));
        QCOMPARE(inv.groupsOf(QStringLiteral("web2")),
                 (QStringList{u"all"_s, u"prod"_s, u"db"_s, u"web"_s}));
        QVERIFY(inv.removeFromGroup(QStringLiteral("web2"), QStringLiteral("web")).ok());
        QCOMPARE(inv.hostsOf(QStringLiteral("web")), QStringList{u"web1"_s});
        QCOMPARE(inv.groupsOf(QStringLiteral("web2")), (QStringList{u"all"_s, u"prod"_s, u"db"_s}));
        QVERIFY(inv.hasHost(QStringLiteral("web2")));
        // Listed again later: the membership index follows (addHost does not see a stale entry).
        inv.addHost(Host(QStringLiteral("web2")), QStringLiteral("web"));
        QCOMPARE(inv.hostsOf(QStringLiteral("web")), (QStringList{u"web1"_s, u"web2"_s}));
        QVERIFY(!inv.removeFromGroup(QStringLiteral("web2"), QStringLiteral("nosuch")).ok());
        QVERIFY(!inv.removeFromGroup(QStringLiteral("lone"), QStringLiteral("web")).ok());
        // Out of its last group, a host is ungrouped again.
        QVERIFY(inv.removeFromGroup(QStringLiteral("db1"), QStringLiteral("db")).ok());
        QVERIFY(inv.hostsOf(QStringLiteral("ungrouped")).contains(u"db1"_s));
        QCOMPARE(inv.groupsOf(QStringLiteral("db1")), (QStringList{u"all"_s, u"ungrouped"_s}));
    }
};

QTEST_GUILESS_MAIN(TstInventoryModel)
#include "tst_inventorymodel.moc"
