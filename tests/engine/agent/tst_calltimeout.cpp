// A call's deadline from its method's description: declared timeouts, a parameter that extends
// it (Exec.run's `timeout`), the run's default; checked on a table and on what the real agent
// describes for Exec.run and a tool declaring @hostdeck.timeout.
#include "tests/support/AgentTestUtil.h"

#include "engine/agent/CallTimeout.h"

#include <QJsonArray>
#include <QTest>

using namespace hostdeck::engine;
using namespace hostdeck::test;
using std::chrono::milliseconds;

namespace {

QJsonObject method(const QJsonValue& timeout, const QString& param = {},
                   const QJsonValue& paramDefault = QJsonValue::Undefined)
{
    QJsonObject m{{QStringLiteral("name"), QStringLiteral("m")},
                  {QStringLiteral("timeout"), timeout}};
    if (!param.isEmpty()) {
        m.insert(QStringLiteral("timeout_param"), param);
        QJsonObject p{{QStringLiteral("name"), param}, {QStringLiteral("required"), false}};
        if (!paramDefault.isUndefined())
            p.insert(QStringLiteral("default"), paramDefault);
        m.insert(QStringLiteral("params"), QJsonArray{p});
    }
    return m;
}

} // namespace

class TestCallTimeout : public QObject
{
    Q_OBJECT
private slots:
    void table_data()
    {
        QTest::addColumn<QJsonObject>("method");
        QTest::addColumn<QJsonObject>("args");
        QTest::addColumn<qint64>("runDefault");
        QTest::addColumn<qint64>("expected");
        const QJsonValue none;
        QTest::newRow("nothing declared: the run's")
            << method(none) << QJsonObject{} << 20000LL << 20000LL;
        QTest::newRow("no deadline at all") << method(none) << QJsonObject{} << 0LL << 0LL;
        QTest::newRow("declared replaces the run's")
            << method(3600) << QJsonObject{} << 20000LL << 3600000LL;
        QTest::newRow("declared, run without deadline")
            << method(2.5) << QJsonObject{} << 0LL << 2500LL;
        QTest::newRow("param extends: limit + 5 s")
            << method(none, QStringLiteral("timeout"))
            << QJsonObject{{QStringLiteral("timeout"), 300}} << 20000LL
            << 330000LL; // 300 s + a tenth (more than 5 s)
        QTest::newRow("param smaller than the run's")
            << method(none, QStringLiteral("timeout"))
            << QJsonObject{{QStringLiteral("timeout"), 2}} << 20000LL << 20000LL;
        QTest::newRow("small param: 5 s margin")
            << method(none, QStringLiteral("timeout"))
            << QJsonObject{{QStringLiteral("timeout"), 30}} << 10000LL << 35000LL;
        QTest::newRow("param null")
            << method(none, QStringLiteral("timeout"), none)
            << QJsonObject{{QStringLiteral("timeout"), QJsonValue()}} << 20000LL << 20000LL;
        QTest::newRow("param default used")
            << method(none, QStringLiteral("limit"), 60) << QJsonObject{} << 1000LL << 66000LL;
        QTest::newRow("param not a number")
            << method(none, QStringLiteral("timeout"))
            << QJsonObject{{QStringLiteral("timeout"), QStringLiteral("300")}} << 20000LL
            << 20000LL;
        QTest::newRow("param negative")
            << method(none, QStringLiteral("timeout"))
            << QJsonObject{{QStringLiteral("timeout"), -5}} << 20000LL << 20000LL;
        QTest::newRow("declared and param")
            << method(60, QStringLiteral("timeout"))
            << QJsonObject{{QStringLiteral("timeout"), 120}} << 20000LL << 132000LL;
        QTest::newRow("bad declared value")
            << method(QStringLiteral("soon")) << QJsonObject{} << 7000LL << 7000LL;
    }
    void table()
    {
        QFETCH(QJsonObject, method);
        QFETCH(QJsonObject, args);
        QFETCH(qint64, runDefault);
        QFETCH(qint64, expected);
        QCOMPARE(callTimeout(method, args, milliseconds(runDefault)).count(), expected);
    }

    void fromWhatTheAgentDescribes()
    {
        auto session = makeLocalTestSession();
        CallRequest request =
            CallRequest::of(QStringLiteral("_agent"), QStringLiteral("describe"),
                            {{QStringLiteral("modules"), QJsonArray{QStringLiteral("exec")}}});
        request.syncModules << QStringLiteral("exec");
        const CallResult described = callAndWait(*session, request);
        QVERIFY2(described.ok, qPrintable(described.error.message));
        QJsonObject run;
        for (const QJsonValue m :
             described.value.toArray().first()[QStringLiteral("methods")].toArray()) {
            if (m[QStringLiteral("name")].toString() == QStringLiteral("run"))
                run = m.toObject();
        }
        QCOMPARE(run.value(QStringLiteral("timeout_param")).toString(), QStringLiteral("timeout"));
        QCOMPARE(callTimeout(run, {{QStringLiteral("timeout"), 600}}, milliseconds(30000)).count(),
                 660000LL);
        QCOMPARE(callTimeout(run, {}, milliseconds(30000)).count(), 30000LL);
    }
};

QTEST_GUILESS_MAIN(TestCallTimeout)
#include "tst_calltimeout.moc"
