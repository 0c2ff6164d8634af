// The controller's JSON writer (wire/JsonWriter): generated values written and read back by Qt's
// parser and by Python's strict json module (what the agent decodes with), against Qt's own
// writer; the cases RFC 8259 spells out; the CALL body beside the object it stands for.
#include "tests/support/TestEnv.h"

#include "engine/wire/DataCodec.h"
#include "engine/wire/JsonWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <limits>

using namespace hostdeck::engine;
using namespace hostdeck::engine::wire;

namespace {

QByteArray written(const QJsonValue& value)
{
    QByteArray out;
    appendJson(out, value);
    return out;
}

QJsonValue parsedByQt(const QByteArray& text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson("[" + text + "]", &error);
    if (error.error != QJsonParseError::NoError)
        return QJsonValue(QJsonValue::Undefined);
    return doc.array().at(0);
}

/// The same JSON value: numbers by value (an integer and a double that hold the same number are
/// the same; QJsonArray's own == tells them apart), integers exactly.
bool same(const QJsonValue& a, const QJsonValue& b)
{
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case QJsonValue::Double: {
        constexpr qint64 kNone = std::numeric_limits<qint64>::min();
        return a.toDouble() == b.toDouble() && a.toInteger(kNone) == b.toInteger(kNone);
    }
    case QJsonValue::Array: {
        const QJsonArray x = a.toArray();
        const QJsonArray y = b.toArray();
        if (x.size() != y.size())
            return false;
        for (qsizetype i = 0; i < x.size(); ++i) {
            if (!same(x.at(i), y.at(i)))
                return false;
        }
        return true;
    }
    case QJsonValue::Object: {
        const QJsonObject x = a.toObject();
        const QJsonObject y = b.toObject();
        if (x.keys() != y.keys())
            return false;
        for (auto it = x.constBegin(); it != x.constEnd(); ++it) {
            if (!same(it.value(), y.value(it.key())))
                return false;
        }
        return true;
    }
    default:
        return a == b;
    }
}

QString randomString(QRandomGenerator& gen)
{
    QString s;
    const int length = gen.bounded(12);
    for (int i = 0; i < length; ++i) {
        switch (gen.bounded(7)) {
        case 0:
            s += QChar(char16_t(gen.bounded(0x20))); // control characters
            break;
        case 1:
            s += QStringLiteral("\"\\/\x7f").at(gen.bounded(4));
            break;
        case 2:
            s += QChar(char16_t(0x80 + gen.bounded(0x780))); // two UTF-8 bytes
            break;
        case 3:
            s += QChar(char16_t(0x800 + gen.bounded(0xd000))); // three, below the surrogates
            break;
        case 4: {
            const char32_t u = 0x10000 + gen.bounded(0x100000); // a pair: four bytes
            s += QString::fromUcs4(&u, 1);
            break;
        }
        default:
            s += QChar(char16_t(0x20 + gen.bounded(0x5f)));
        }
    }
    return s;
}

QJsonValue randomValue(QRandomGenerator& gen, int depth)
{
    switch (gen.bounded(depth > 3 ? 6 : 8)) {
    case 0:
        return QJsonValue(QJsonValue::Null);
    case 1:
        return gen.bounded(2) == 0;
    case 2:
        return qint64(gen.generate64()) >> gen.bounded(64); // every size of integer, exactly
    case 3: {
        // Any finite double: random bits, retried while they make inf or NaN.
        double d = 0;
        do {
            const quint64 bits = gen.generate64();
            std::memcpy(&d, &bits, sizeof(d));
        } while (!std::isfinite(d));
        return d;
    }
    case 4:
        return double(gen.bounded(2000)) / 8 - 125;
    case 5:
        return randomString(gen);
    case 6: {
        QJsonArray array;
        for (int i = gen.bounded(5); i > 0; --i)
            array.append(randomValue(gen, depth + 1));
        return array;
    }
    default: {
        QJsonObject object;
        for (int i = gen.bounded(5); i > 0; --i)
            object.insert(randomString(gen), randomValue(gen, depth + 1));
        return object;
    }
    }
}

} // namespace

class TestJsonWriter : public QObject
{
    Q_OBJECT
private slots:
    void rfcCases_data()
    {
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("null") << QJsonValue(QJsonValue::Null) << QByteArray("null");
        QTest::newRow("true") << QJsonValue(true) << QByteArray("true");
        QTest::newRow("integer") << QJsonValue(-42) << QByteArray("-42");
        QTest::newRow("integer beyond 2^53")
            << QJsonValue(qint64(9007199254740993)) << QByteArray("9007199254740993");
        QTest::newRow("qint64 min")
            << QJsonValue(std::numeric_limits<qint64>::min()) << QByteArray("-9223372036854775808");
        QTest::newRow("double") << QJsonValue(0.1) << QByteArray("0.1");
        QTest::newRow("integral double") << QJsonValue(3.0) << QByteArray("3");
        QTest::newRow("NaN is not JSON")
            << QJsonValue(std::numeric_limits<double>::quiet_NaN()) << QByteArray("null");
        QTest::newRow("infinity is not JSON")
            << QJsonValue(-std::numeric_limits<double>::infinity()) << QByteArray("null");
        QTest::newRow("quote and backslash")
            << QJsonValue(QStringLiteral("a\"b\\c")) << QByteArray("\"a\\\"b\\\\c\"");
        QTest::newRow("short escapes")
            << QJsonValue(QStringLiteral("\b\f\n\r\t")) << QByteArray("\"\\b\\f\\n\\r\\t\"");
        QTest::newRow("other controls")
            << QJsonValue(QString(QChar(char16_t(0))) + QChar(char16_t(0x1f)))
            << QByteArray("\"\\u0000\\u001f\"");
        QTest::newRow("utf-8") << QJsonValue(QStringLiteral("é€😀"))
                               << QByteArray("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
        QTest::newRow("lone surrogate")
            << QJsonValue(QString(QChar(char16_t(0xd800))) + QChar(u'x'))
            << QByteArray("\"\\ud800x\"");
        QTest::newRow("empty containers")
            << QJsonValue(QJsonArray{QJsonObject{}, QJsonArray{}}) << QByteArray("[{},[]]");
        QTest::newRow("object") << QJsonValue(QJsonObject{{QStringLiteral("k"), 1}})
                                << QByteArray("{\"k\":1}");
    }

    void rfcCases()
    {
        QFETCH(QJsonValue, value);
        QFETCH(QByteArray, json);
        QCOMPARE(written(value), json);
    }

    /// A string longer than the writer's slice, with a surrogate pair across a slice end.
    void longString()
    {
        QString text(4095, u'a');
        text += QStringLiteral("😀\n");
        text += QString(10000, u'\x01');
        const QByteArray json = written(text);
        QCOMPARE(parsedByQt(json).toString(), text);
        QCOMPARE(json.size(), 2 + 4095 + 4 + 2 + 6 * 10000);
    }

    /// 3,000 generated values: what the writer says, Qt and Python read back as the value itself,
    /// and Python reads the same as from Qt's own writer.
    void generatedAgainstQtAndPython()
    {
        QRandomGenerator gen(20261203);
        QByteArray ours;
        QByteArray qts;
        for (int i = 0; i < 3000; ++i) {
            const QJsonValue value = randomValue(gen, 0);
            const QByteArray json = written(value);
            const QJsonValue back = parsedByQt(json);
            QVERIFY2(same(back, value),
                     QByteArray(json + " from " +
                                QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
                         .constData());
            ours += json + '\n';
            qts += QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact) + '\n';
        }
        // Python's json (strict: no raw control characters) is what the agent reads with. Qt's
        // writer prints an integral double beyond 2^53 with its shortest digits padded with zeros
        // (an integer that is not the double's value): such integers are compared as doubles.
        const QString script =
            QStringLiteral("import json,sys\n"
                           "def n(v):\n"
                           " if type(v) is int and abs(v)>2**53:return float(v)\n"
                           " if type(v) is list:return [n(x) for x in v]\n"
                           " if type(v) is dict:return {k:n(x) for k,x in v.items()}\n"
                           " return v\n"
                           "a,b=sys.stdin.buffer.read().split(b'\\0')\n"
                           "a=a.splitlines();b=b.splitlines()\n"
                           "assert len(a)==len(b)==3000,(len(a),len(b))\n"
                           "for i,(x,y) in enumerate(zip(a,b)):\n"
                           " v=n(json.loads(x.decode('utf-8','surrogatepass')))\n"
                           " w=n(json.loads(y.decode('utf-8','surrogatepass'))[0])\n"
                           " assert v==w or (v!=v and w!=w),(i,x,y)\n"
                           "print('ok')\n");
        QProcess python;
        python.start(hostdeck::test::python(), {QStringLiteral("-c"), script});
        QVERIFY(python.waitForStarted());
        python.write(ours + '\0' + qts);
        python.closeWriteChannel();
        QVERIFY(python.waitForFinished(60000));
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().right(2000).constData());
        QCOMPARE(python.readAllStandardOutput().trimmed(), QByteArray("ok"));
    }

    /// encodeCall is encodeBody of the object it stands for, with and without attachments.
    void callBody()
    {
        const QJsonObject args{{QStringLiteral("path"), QStringLiteral("/etc/\"x\"")},
                               {QStringLiteral("data"), bytesValue(QByteArray("\0\1\2", 3))},
                               {QStringLiteral("n"), 7}};
        for (bool check : {false, true}) {
            const QJsonObject whole{{QStringLiteral("tool"), QStringLiteral("FileSystem")},
                                    {QStringLiteral("method"), QStringLiteral("write_bytes")},
                                    {QStringLiteral("args"), args},
                                    {QStringLiteral("check"), check}};
            const EncodedBody expected = encodeBody(whole);
            const EncodedBody body = encodeCall(QStringLiteral("FileSystem"),
                                                QStringLiteral("write_bytes"), args, check);
            QCOMPARE(body.attachments, expected.attachments);
            QVERIFY(body.attachments);
            const auto a = decodeBody(body.bytes, true);
            const auto b = decodeBody(expected.bytes, true);
            QVERIFY(a && b);
            QCOMPARE(*a, *b);
            QCOMPARE(a->toObject(), whole);
        }
        const EncodedBody plain = encodeCall(QStringLiteral("_agent"), QStringLiteral("echo"),
                                             QJsonObject{{QStringLiteral("value"), 1}}, false);
        QVERIFY(!plain.attachments);
        QCOMPARE(decodeBody(plain.bytes, false)->toObject(),
                 (QJsonObject{{QStringLiteral("tool"), QStringLiteral("_agent")},
                              {QStringLiteral("method"), QStringLiteral("echo")},
                              {QStringLiteral("args"), QJsonObject{{QStringLiteral("value"), 1}}},
                              {QStringLiteral("check"), false}}));
    }
};

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "tst_jsonwriter.moc"
