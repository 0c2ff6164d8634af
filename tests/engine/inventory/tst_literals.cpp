#include "engine/inventory/PythonLiteral.h"
#include "engine/inventory/YamlConvert.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>

using namespace hostdeck::engine;
using namespace Qt::Literals::StringLiterals;

namespace {

// The oracle: Python's own ast.literal_eval (what Ansible's INI plugin calls) and PyYAML's
// resolver (what Ansible's YAML loader uses), run once over every input. Each answer is
// [type, json] with type one of none/bool/int/float/str/list/dict/fail.
const char* oracleScript = R"py(
import ast, json, math, sys, yaml
def typed(v):
    if v is None: return ["none", None]
    if isinstance(v, bool): return ["bool", v]
    if isinstance(v, int): return ["int", v] if abs(v) < 2**63 else ["big", None]
    if isinstance(v, float):
        return ["float", v if math.isfinite(v) else repr(v)]
    if isinstance(v, bytes): return ["str", v.decode("latin-1")]
    if isinstance(v, str): return ["str", v]
    if isinstance(v, (list, tuple, set)): return ["list", [typed(x) for x in v]]
    if isinstance(v, dict): return ["dict", {key(k): typed(x) for k, x in v.items()}]
    if hasattr(v, "isoformat"): return ["date", None]
    return ["other", None]
def key(k):
    if isinstance(k, bool): return "true" if k else "false"
    if k is None: return "null"
    if isinstance(k, float): return repr(k)
    if isinstance(k, bytes): return k.decode("latin-1")
    return str(k)
def literal(t):
    try:
        return typed(ast.literal_eval(t))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return ["fail", None]
def scalar(t):
    try:
        return typed(yaml.safe_load("k: " + t)["k"])
    except Exception:
        return ["fail", None]
data = json.load(sys.stdin)
json.dump({"literal": [literal(t) for t in data["literal"]],
           "yaml": [scalar(t) for t in data["yaml"]]}, sys.stdout)
)py";

QJsonArray typed(const QVariant& v)
{
    switch (v.typeId()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr:
        return {u"none"_s, QJsonValue()};
    case QMetaType::Bool:
        return {u"bool"_s, v.toBool()};
    case QMetaType::Int:
    case QMetaType::LongLong:
        return {u"int"_s, v.toLongLong()};
    case QMetaType::Double: {
        const double d = v.toDouble();
        if (std::isfinite(d))
            return {u"float"_s, d};
        return {u"float"_s, detail::pythonFloat(d)};
    }
    case QMetaType::QString:
        return {u"str"_s, v.toString()};
    case QMetaType::QVariantList: {
        QJsonArray items;
        for (const QVariant& item : v.toList())
            items.append(typed(item));
        return {u"list"_s, items};
    }
    case QMetaType::QVariantMap: {
        QJsonObject items;
        const QVariantMap map = v.toMap();
        for (auto it = map.cbegin(); it != map.cend(); ++it)
            items.insert(it.key(), typed(it.value()));
        return {u"dict"_s, items};
    }
    default:
        return {u"other"_s, QJsonValue()};
    }
}

/// Random text from the pieces Python literals are made of, so odd mixtures get tried.
QString randomLiteral(QRandomGenerator& rng)
{
    static const QStringList pieces{
        u"0"_s, u"1"_s,  u"9"_s,    u"_"_s,   u"."_s,   u"e"_s,     u"E"_s,    u"+"_s,
        u"-"_s, u"x"_s,  u"o"_s,    u"b"_s,   u"j"_s,   u"'"_s,     u"\""_s,   u"\\"_s,
        u"n"_s, u"["_s,  u"]"_s,    u"("_s,   u")"_s,   u"{"_s,     u"}"_s,    u","_s,
        u":"_s, u" "_s,  u"#"_s,    u"r"_s,   u"u"_s,   u"f"_s,     u"True"_s, u"None"_s,
        u"a"_s, u"07"_s, u"0x1f"_s, u"1e3"_s, u"'q'"_s, u"\\x41"_s, u"\\t"_s,  u"\\101"_s};
    QString text;
    const int length = int(rng.bounded(1, 7));
    for (int i = 0; i < length; ++i)
        text += pieces.at(int(rng.bounded(qsizetype(pieces.size()))));
    return text;
}

QString randomScalar(QRandomGenerator& rng)
{
    static const QStringList pieces{
        u"0"_s, u"1"_s,    u"7"_s,  u"9"_s,  u"_"_s, u"."_s,   u"e"_s,   u"+"_s,   u"-"_s,
        u"x"_s, u"b"_s,    u"a"_s,  u"f"_s,  u":"_s, u"inf"_s, u"nan"_s, u"yes"_s, u"No"_s,
        u"~"_s, u"null"_s, u"0x"_s, u"0b"_s, u"E"_s, u"30"_s,  u"Inf"_s};
    QString text;
    const int length = int(rng.bounded(1, 5));
    for (int i = 0; i < length; ++i)
        text += pieces.at(int(rng.bounded(qsizetype(pieces.size()))));
    return text;
}

} // namespace

class TstLiterals : public QObject
{
    Q_OBJECT

private slots:
    void agreesWithPython()
    {
        QStringList literals{u"8080"_s,
                             u"0x1f"_s,
                             u"0o17"_s,
                             u"0b101"_s,
                             u"1e3"_s,
                             u"1_000"_s,
                             u"010"_s,
                             u"00"_s,
                             u"0_0"_s,
                             u"09.5"_s,
                             u"1_"_s,
                             u"1__0"_s,
                             u".5"_s,
                             u"5."_s,
                             u"-5"_s,
                             u"+7"_s,
                             u"- 5"_s,
                             u"--5"_s,
                             u"-(5)"_s,
                             u"1+2"_s,
                             u"1j"_s,
                             u"'q'"_s,
                             u"\"hello world\""_s,
                             u"'a' 'b'"_s,
                             u"b'zz'"_s,
                             u"r'\\d'"_s,
                             u"f'x'"_s,
                             u"u'x'"_s,
                             u"'\\x41\\101\\n'"_s,
                             u"'\\u00e9'"_s,
                             u"'''tri'''"_s,
                             u"[1,2]"_s,
                             u"[1, [2, (3,)], ]"_s,
                             u"(1,2)"_s,
                             u"()"_s,
                             u"(1)"_s,
                             u"1, 2"_s,
                             u"{'k': 1}"_s,
                             u"{1, 2}"_s,
                             u"{}"_s,
                             u"True"_s,
                             u"False"_s,
                             u"None"_s,
                             u"yes"_s,
                             u"abc"_s,
                             u"10 # c"_s,
                             u"'a' # c"_s,
                             u"hello # no"_s,
                             u""_s,
                             u"  12"_s,
                             u"1.5e-3"_s,
                             u"1e400"_s,
                             u"99999999999999999999"_s,
                             u"[1,"_s,
                             u"'open"_s,
                             u"0x"_s,
                             u"1e"_s,
                             u"1_000.000_1"_s,
                             u"0xFF_FF"_s,
                             u"{'a': [1, {'b': None}]}"_s};
        QStringList scalars{u"010"_s,   u"0x1f"_s,  u"1:30"_s,   u"1:30.5"_s, u".inf"_s,
                            u"-.Inf"_s, u"1.5e3"_s, u"1.5e+3"_s, u"1e+3"_s,   u"yes"_s,
                            u"No"_s,    u"OFF"_s,   u"~"_s,      u"null"_s,   u"1_000"_s,
                            u"0b101"_s, u"-.5"_s,   u"+12"_s,    u"0."_s,     u"-0x1A"_s,
                            u"0o17"_s,  u"09"_s,    u"y"_s,      u"1:60"_s,   u"190:20:30"_s,
                            u"._5"_s,   u".NaN"_s,  u"-.nan"_s,  u"0_"_s,     u"1_.5"_s};
        QRandomGenerator rng(20261203);
        for (int i = 0; i < 1500; ++i)
            literals.append(randomLiteral(rng));
        for (int i = 0; i < 1500; ++i)
            scalars.append(randomScalar(rng));

        QProcess python;
        python.start(u"/usr/bin/python3"_s, {u"-c"_s, QString::fromUtf8(oracleScript)});
        QVERIFY2(python.waitForStarted(), "python3 (the oracle) must be installed");
        const QJsonObject input{{u"literal"_s, QJsonArray::fromStringList(literals)},
                                {u"yaml"_s, QJsonArray::fromStringList(scalars)}};
        python.write(QJsonDocument(input).toJson(QJsonDocument::Compact));
        python.closeWriteChannel();
        QVERIFY(python.waitForFinished(60000));
        QCOMPARE(python.exitCode(), 0);
        const QJsonObject answers =
            QJsonDocument::fromJson(python.readAllStandardOutput()).object();
        const QJsonArray literalAnswers = answers.value(u"literal"_s).toArray();
        const QJsonArray yamlAnswers = answers.value(u"yaml"_s).toArray();
        QCOMPARE(literalAnswers.size(), literals.size());
        QCOMPARE(yamlAnswers.size(), scalars.size());

        QStringList differences;
        int compared = 0;
        for (qsizetype i = 0; i < literals.size(); ++i) {
            const QJsonArray expected = literalAnswers.at(i).toArray();
            const QString type = expected.at(0).toString();
            if (type == u"big"_s || type == u"other"_s)
                continue; // README: integers past 64 bits become floats
            const std::optional<QVariant> mine = PythonLiteral::evaluate(literals.at(i));
            const QJsonArray got = mine ? typed(*mine) : QJsonArray{u"fail"_s, QJsonValue()};
            ++compared;
            if (got != expected)
                differences << u"literal %1: hostdeck %2, python %3"_s.arg(
                    literals.at(i),
                    QString::fromUtf8(QJsonDocument(got).toJson(QJsonDocument::Compact)),
                    QString::fromUtf8(QJsonDocument(expected).toJson(QJsonDocument::Compact)));
        }
        for (qsizetype i = 0; i < scalars.size(); ++i) {
            const QJsonArray expected = yamlAnswers.at(i).toArray();
            const QString type = expected.at(0).toString();
            if (type == u"fail"_s || type == u"date"_s || type == u"big"_s || type == u"dict"_s ||
                type == u"list"_s)
                continue; // PyYAML refuses it (so does Hostdeck's reader) or a date (kept as text)
            const QJsonArray got = typed(detail::plainScalar(scalars.at(i)));
            ++compared;
            if (got != expected)
                differences << u"yaml %1: hostdeck %2, pyyaml %3"_s.arg(
                    scalars.at(i),
                    QString::fromUtf8(QJsonDocument(got).toJson(QJsonDocument::Compact)),
                    QString::fromUtf8(QJsonDocument(expected).toJson(QJsonDocument::Compact)));
        }
        qInfo("%d values compared with Python, %d differ", compared, int(differences.size()));
        QVERIFY2(differences.isEmpty(), qPrintable(differences.mid(0, 30).join(u'\n')));
        QVERIFY(compared > 2500);
    }

    void floatsReadBackAsFloats_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("yaml");
        QTest::newRow("integral") << 1000.0 << u"1000.0"_s;
        QTest::newRow("large") << 1e20 << u"1.0e+20"_s;
        QTest::newRow("small") << 1.5e-7 << u"1.5e-07"_s;
        QTest::newRow("plain") << 0.1 << u"0.1"_s;
    }

    void floatsReadBackAsFloats()
    {
        QFETCH(double, value);
        QFETCH(QString, yaml);
        QCOMPARE(detail::floatText(value), yaml);
        const QVariant back = detail::plainScalar(yaml);
        QCOMPARE(back.typeId(), int(QMetaType::Double));
        QCOMPARE(back.toDouble(), value);
    }
};

QTEST_GUILESS_MAIN(TstLiterals)
#include "tst_literals.moc"
