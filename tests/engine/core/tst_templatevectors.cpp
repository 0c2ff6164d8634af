// Every vector of the template spec rendered by the real agent (Template.render).
#include "AgentTestUtil.h"
#include "TestEnv.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace hostdeck::engine;
using namespace hostdeck::test;

namespace {

QJsonArray loadVectors()
{
    QFile file(sourceDir() + QStringLiteral("/tests/engine/core/template_vectors.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("template_vectors.json missing");
    return QJsonDocument::fromJson(file.readAll())
        .object()
        .value(QStringLiteral("vectors"))
        .toArray();
}

} // namespace

class TestTemplateVectors : public QObject
{
    Q_OBJECT
    std::unique_ptr<AgentSession> m_session;

private slots:
    void initTestCase()
    {
        m_session = makeLocalTestSession();
        QCOMPARE(startAndWait(*m_session), QString());
    }

    void specCopyIsCurrent()
    {
        QFile shared(sourceDir() + QStringLiteral("/../shared/spec/template_vectors.json"));
        if (!shared.open(QIODevice::ReadOnly))
            QSKIP("../shared/spec is not beside this checkout");
        QFile mine(sourceDir() + QStringLiteral("/tests/engine/core/template_vectors.json"));
        QVERIFY(mine.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(mine.readAll()),
                 QJsonDocument::fromJson(shared.readAll()));
    }

    void vector_data()
    {
        QTest::addColumn<QJsonObject>("vector");
        for (const auto v : loadVectors()) {
            const QJsonObject vector = v.toObject();
            QTest::newRow(qPrintable(vector.value(QStringLiteral("name")).toString())) << vector;
        }
    }
    void vector()
    {
        QFETCH(QJsonObject, vector);
        const CallResult r =
            callAndWait(*m_session, QStringLiteral("Template"), QStringLiteral("render"),
                        {{QStringLiteral("template"), vector.value(QStringLiteral("template"))},
                         {QStringLiteral("vars"), vector.value(QStringLiteral("context"))}});
        const auto has = [&](const char* key) { return vector.contains(QLatin1String(key)); };
        const bool quirk = has("quirk");
        QJsonValue expected;
        bool wantError = false;
        if (has("expected")) {
            expected = vector.value(QStringLiteral("expected"));
        } else if (has("error")) {
            wantError = true;
        } else if (quirk && has("preferred_expected")) {
            expected = vector.value(QStringLiteral("preferred_expected"));
        } else if (quirk && has("preferred_error")) {
            wantError = true;
        } else {
            // A free quirk: any clear outcome is fine, but it must be one: a string or a remote
            // error.
            QVERIFY2(r.ok ? r.value.isString() : r.error.kind == ErrorKind::Remote,
                     qPrintable(r.error.message));
            return;
        }
        if (wantError) {
            QVERIFY2(!r.ok, qPrintable(QStringLiteral("rendered instead of failing: ") +
                                       r.value.toString()));
            QCOMPARE(r.error.kind, ErrorKind::Remote);
            QVERIFY2(r.error.details.contains(QStringLiteral("line")) ||
                         r.error.message.contains(QStringLiteral("line ")),
                     qPrintable(r.error.message));
            return;
        }
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(r.value.toString(), expected.toString());
    }

    void cleanupTestCase() { m_session.reset(); }
};

QTEST_GUILESS_MAIN(TestTemplateVectors)
#include "tst_templatevectors.moc"
