// Every vector of the template spec rendered by the real agent (Template.render).
#include "tests/support/AgentTestUtil.h"
#include "tests/support/TestEnv.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace hostdeck::engine;
using namespace hostdeck::test;

namespace {

QJsonArray loadVectors()
{
    QFile file(sourceDir() + QStringLiteral("/tests/engine/agent/template_vectors.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("template_vectors.json missing");
    return QJsonDocument::fromJson(file.readAll())
        .object()
        .value(QStringLiteral("vectors"))
        .toArray();
}

/// The error is of the type the vector names: a Python error raised while rendering carries its
/// type (details.error) and it must be the vector's; the vector's SyntaxError may also be a
/// template syntax error the engine finds before running anything (no Python type then). Where
/// Hostdeck deliberately fails earlier than the reference engine, `earlier` says what it reports.
void checkErrorType(const QJsonObject& vector, const CallResult& r)
{
    static const QHash<QString, QString> earlier{
        // The reference runs "% endiff" as code (NameError); Hostdeck refuses the block end.
        {QStringLiteral("unknown_end_keyword_executed_raises"),
         QStringLiteral("unknown block end")},
    };
    const QString name = vector.value(QStringLiteral("name")).toString();
    const QString wanted =
        vector.value(QStringLiteral("error"))
            .toString(vector.value(QStringLiteral("preferred_error")).isString()
                          ? vector.value(QStringLiteral("preferred_error")).toString()
                          : QString());
    const QString type = r.error.details.value(QStringLiteral("error")).toString();
    if (earlier.contains(name)) {
        QVERIFY2(type.isEmpty() && r.error.message.contains(earlier.value(name)),
                 qPrintable(r.error.message));
        return;
    }
    if (wanted.isEmpty()) // preferred_error: true, no type named
        return;
    if (wanted == QStringLiteral("SyntaxError") && type.isEmpty())
        return; // found by the template parser before anything ran
    QVERIFY2(type == wanted, qPrintable(QStringLiteral("%1: expected %2, got '%3' (%4)")
                                            .arg(name, wanted, type, r.error.message)));
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
            checkErrorType(vector, r);
            return;
        }
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(r.value.toString(), expected.toString());
    }

    void cleanupTestCase() { m_session.reset(); }
};

QTEST_GUILESS_MAIN(TestTemplateVectors)
#include "tst_templatevectors.moc"
