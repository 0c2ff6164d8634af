// The host-key decision clock: the time a question waits for its answer is counted per target,
// an open question counts up to now, and an asker that goes away stops the count.
#include "engine/runner/DecisionClock.h"

#include <QPointer>
#include <QTest>

using namespace hostdeck::engine;

namespace {

/// Keeps the replies until the test answers them.
class HeldDecider final : public HostKeyDecider
{
public:
    void decide(const HostKeyQuestion&, QObject*,
                std::function<void(HostKeyDecision)> reply) override
    {
        replies.push_back(std::move(reply));
    }
    std::vector<std::function<void(HostKeyDecision)>> replies;
};

HostKeyQuestion question(const QString& target)
{
    HostKeyQuestion q;
    q.host = QStringLiteral("10.0.0.1");
    q.target = target;
    return q;
}

} // namespace

class TstDecisionClock : public QObject
{
    Q_OBJECT

private slots:
    void countsTheWaitPerTarget()
    {
        auto held = std::make_shared<HeldDecider>();
        auto clock = std::make_shared<DecisionClock>();
        TimedHostKeyDecider decider(held, clock);
        QObject asker;
        int answers = 0;
        decider.decide(question(QStringLiteral("web1")), &asker,
                       [&answers](HostKeyDecision) { ++answers; });
        QTest::qWait(300);
        const qint64 open = clock->waitedMs(QStringLiteral("web1"));
        QVERIFY2(open >= 250, qPrintable(QString::number(open))); // open: counted up to now
        QCOMPARE(clock->waitedMs(QStringLiteral("web2")), qint64(0));
        held->replies.front()(HostKeyDecision::AcceptOnce);
        QCOMPARE(answers, 1);
        const qint64 closed = clock->waitedMs(QStringLiteral("web1"));
        QTest::qWait(200);
        QCOMPARE(clock->waitedMs(QStringLiteral("web1")), closed); // answered: no longer grows
        QVERIFY(closed >= open);
    }

    void aGoneAskerStopsTheCount()
    {
        auto held = std::make_shared<HeldDecider>();
        auto clock = std::make_shared<DecisionClock>();
        TimedHostKeyDecider decider(held, clock);
        auto* asker = new QObject;
        decider.decide(question(QStringLiteral("db1")), asker, [](HostKeyDecision) {});
        QTest::qWait(100);
        delete asker;
        const qint64 atDeath = clock->waitedMs(QStringLiteral("db1"));
        QVERIFY(atDeath >= 80);
        QTest::qWait(200);
        QCOMPARE(clock->waitedMs(QStringLiteral("db1")), atDeath);
    }

    void noTargetCountsUnderTheAddress()
    {
        auto held = std::make_shared<HeldDecider>();
        auto clock = std::make_shared<DecisionClock>();
        TimedHostKeyDecider decider(held, clock);
        QObject asker;
        decider.decide(question(QString()), &asker, [](HostKeyDecision) {});
        QTest::qWait(50);
        QVERIFY(clock->waitedMs(QStringLiteral("10.0.0.1")) >= 40);
    }
};

QTEST_GUILESS_MAIN(TstDecisionClock)
#include "tst_decisionclock.moc"
