#include "engine/inventory/YamlConvert.h"

#include <QLocale>
#include <QRegularExpression>

#include <cmath>
#include <limits>

namespace hostdeck::engine::detail {

namespace {

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

QRegularExpression anchored(const char* pattern)
{
    return QRegularExpression(QLatin1String("^(?:") + QLatin1String(pattern) + QLatin1String(")$"));
}

// The implicit resolvers of YAML 1.1 as PyYAML spells them.
const QRegularExpression& boolRe()
{
    static const QRegularExpression re =
        anchored("yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
    return re;
}
const QRegularExpression& intRe()
{
    static const QRegularExpression re = anchored(R"([-+]?0b[0-1_]+|[-+]?0[0-7_]+|)"
                                                  R"([-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|)"
                                                  R"([-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)");
    return re;
}
const QRegularExpression& floatRe()
{
    static const QRegularExpression re =
        anchored(R"([-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|)"
                 R"(\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|)"
                 R"([-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|)"
                 R"([-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))");
    return re;
}
const QRegularExpression& nullRe()
{
    static const QRegularExpression re = anchored("~|null|Null|NULL|");
    return re;
}
const QRegularExpression& timestampRe()
{
    static const QRegularExpression re =
        anchored(R"([0-9]{4}-[0-9]{2}-[0-9]{2}|)"
                 R"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2})"
                 R"((?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)");
    return re;
}

QVariant integerValue(qlonglong value)
{
    return value <= INT_MAX && value >= INT_MIN ? QVariant(int(value)) : QVariant(value);
}

/// PyYAML's int constructor on a text the int resolver accepted.
QVariant constructInt(QString text)
{
    text.remove(QLatin1Char('_'));
    int sign = 1;
    if (text.startsWith(QLatin1Char('-')) || text.startsWith(QLatin1Char('+'))) {
        sign = text.startsWith(QLatin1Char('-')) ? -1 : 1;
        text.remove(0, 1);
    }
    bool ok = true;
    qlonglong value = 0;
    if (text == QLatin1String("0"))
        value = 0;
    else if (text.startsWith(QLatin1String("0b")))
        value = text.mid(2).toLongLong(&ok, 2);
    else if (text.startsWith(QLatin1String("0x")))
        value = text.mid(2).toLongLong(&ok, 16);
    else if (text.startsWith(QLatin1Char('0')))
        value = text.toLongLong(&ok, 8);
    else if (text.contains(QLatin1Char(':'))) {
        qlonglong base = 1;
        const QStringList parts = text.split(QLatin1Char(':'));
        for (qsizetype i = parts.size() - 1; i >= 0 && ok; --i) {
            value += parts.at(i).toLongLong(&ok) * base;
            base *= 60;
        }
    } else
        value = text.toLongLong(&ok);
    if (!ok)
        return text.toDouble() * sign; // beyond 64 bits: as near as a double gets
    return integerValue(sign * value);
}

QVariant constructFloat(QString text)
{
    text.remove(QLatin1Char('_'));
    text = text.toLower();
    double sign = 1;
    if (text.startsWith(QLatin1Char('-')) || text.startsWith(QLatin1Char('+'))) {
        sign = text.startsWith(QLatin1Char('-')) ? -1 : 1;
        text.remove(0, 1);
    }
    if (text == QLatin1String(".inf"))
        return sign * std::numeric_limits<double>::infinity();
    if (text == QLatin1String(".nan"))
        return std::numeric_limits<double>::quiet_NaN();
    if (text.contains(QLatin1Char(':'))) {
        double base = 1;
        double value = 0;
        const QStringList parts = text.split(QLatin1Char(':'));
        for (qsizetype i = parts.size() - 1; i >= 0; --i) {
            value += parts.at(i).toDouble() * base;
            base *= 60;
        }
        return sign * value;
    }
    if (text.endsWith(QLatin1Char('.')))
        text += QLatin1Char('0');
    if (text.startsWith(QLatin1Char('.')))
        text.prepend(QLatin1Char('0'));
    return sign * text.toDouble();
}

bool isTruthyWord(const QString& text)
{
    const QString lower = text.toLower();
    return lower == QLatin1String("yes") || lower == QLatin1String("true") ||
           lower == QLatin1String("on");
}

struct Budget
{
    qsizetype left = 1'000'000;
};

QVariant convert(const YAML::Node& node, Budget& budget)
{
    if (--budget.left < 0)
        throw YAML::Exception(node.Mark(), "more than 1,000,000 values (aliases expand too far)");
    switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
        return QVariant();
    case YAML::NodeType::Scalar: {
        const QString text = fromStd(node.Scalar());
        if (node.Tag() == "!")
            return text;
        if (node.Tag() != "?" && !node.Tag().empty())
            return taggedScalar(node.Tag(), text).value_or(QVariant(text));
        return plainScalar(text);
    }
    case YAML::NodeType::Sequence: {
        QVariantList list;
        for (const YAML::Node& item : node)
            list.append(convert(item, budget));
        return list;
    }
    case YAML::NodeType::Map: {
        QVariantMap map;
        for (const auto& item : node)
            map.insert(convert(item.first, budget).toString(), convert(item.second, budget));
        return map;
    }
    }
    return QVariant();
}

} // namespace

QVariant plainScalar(const QString& text)
{
    if (nullRe().match(text).hasMatch())
        return QVariant();
    if (boolRe().match(text).hasMatch())
        return isTruthyWord(text);
    if (intRe().match(text).hasMatch())
        return constructInt(text);
    if (floatRe().match(text).hasMatch())
        return constructFloat(text);
    return text;
}

std::optional<QVariant> taggedScalar(const std::string& tag, const QString& text)
{
    const std::string prefix = "tag:yaml.org,2002:";
    const std::string name = tag.rfind(prefix, 0) == 0 ? tag.substr(prefix.size()) : tag;
    if (name == "str" || tag == "!unsafe")
        return QVariant(text);
    if (name == "null")
        return QVariant();
    if (name == "bool")
        return QVariant(isTruthyWord(text));
    if (name == "int" && intRe().match(text).hasMatch())
        return constructInt(text);
    if (name == "float" && (floatRe().match(text).hasMatch() || intRe().match(text).hasMatch()))
        return constructFloat(text);
    return std::nullopt;
}

bool isPlainSafe(const QString& text)
{
    static const QRegularExpression safe(QStringLiteral(R"(^[A-Za-z0-9_][A-Za-z0-9_./@+-]*$)"));
    if (!safe.match(text).hasMatch() || timestampRe().match(text).hasMatch())
        return false;
    const QVariant plain = plainScalar(text);
    return plain.typeId() == QMetaType::QString;
}

QString pythonFloat(double value)
{
    if (std::isnan(value))
        return QStringLiteral("nan");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    // Shortest round-trip digits, laid out as Python's repr does: fixed for 1e-4 <= |x| < 1e16.
    const QString e = QString::number(value, 'e', QLocale::FloatingPointShortest);
    const qsizetype at = e.indexOf(QLatin1Char('e'));
    const int exponent = e.mid(at + 1).toInt();
    QString digits = e.left(at);
    const bool negative = digits.startsWith(QLatin1Char('-'));
    if (negative)
        digits.remove(0, 1);
    digits.remove(QLatin1Char('.'));
    QString out;
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out = QLatin1String("0.") + QString(-exponent - 1, QLatin1Char('0')) + digits;
        } else if (digits.size() <= exponent + 1) {
            out = digits + QString(exponent + 1 - digits.size(), QLatin1Char('0')) +
                  QLatin1String(".0");
        } else {
            out = digits.left(exponent + 1) + QLatin1Char('.') + digits.mid(exponent + 1);
        }
    } else {
        out = digits.left(1);
        if (digits.size() > 1)
            out += QLatin1Char('.') + digits.mid(1);
        out += QStringLiteral("e%1%2")
                   .arg(exponent < 0 ? QLatin1Char('-') : QLatin1Char('+'))
                   .arg(std::abs(exponent), 2, 10, QLatin1Char('0'));
    }
    return negative ? QLatin1Char('-') + out : out;
}

QString floatText(double value)
{
    if (std::isnan(value))
        return QStringLiteral(".nan");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral(".inf") : QStringLiteral("-.inf");
    QString text = pythonFloat(value);
    const qsizetype exponent = text.indexOf(QLatin1Char('e'));
    if (exponent >= 0 && !text.left(exponent).contains(QLatin1Char('.')))
        text.insert(exponent, QLatin1String(".0")); // YAML 1.1 floats need a dot
    return text;
}

QString pythonText(const QVariant& value)
{
    switch (value.typeId()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr:
    case QMetaType::QVariantList:
    case QMetaType::QVariantMap:
        return {};
    case QMetaType::Bool:
        return value.toBool() ? QStringLiteral("True") : QStringLiteral("False");
    case QMetaType::Double:
    case QMetaType::Float:
        return pythonFloat(value.toDouble());
    default:
        return value.toString();
    }
}

std::optional<qlonglong> pythonInt(const QVariant& value)
{
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool() ? 1 : 0;
    case QMetaType::Int:
    case QMetaType::LongLong:
        return value.toLongLong();
    case QMetaType::Double: {
        const double d = value.toDouble();
        if (!std::isfinite(d) || std::abs(d) > 9e18)
            return std::nullopt;
        return qlonglong(d);
    }
    case QMetaType::QString: {
        static const QRegularExpression re(QStringLiteral(R"(^\s*[-+]?[0-9](?:_?[0-9])*\s*$)"));
        const QString text = value.toString();
        if (!re.match(text).hasMatch())
            return std::nullopt;
        bool ok = false;
        const qlonglong n = QString(text).remove(QLatin1Char('_')).trimmed().toLongLong(&ok);
        return ok ? std::optional<qlonglong>(n) : std::nullopt;
    }
    default:
        return std::nullopt;
    }
}

QVariant toVariant(const YAML::Node& node)
{
    Budget budget;
    return convert(node, budget);
}

void emitString(YAML::Emitter& out, const QString& text)
{
    if (!isPlainSafe(text))
        out << YAML::DoubleQuoted;
    out << text.toStdString();
}

void emitKey(YAML::Emitter& out, const QString& text)
{
    // YAML limits an implicit key to 1024 characters as written (escapes included): longer or
    // escaped keys are written as explicit `? key` so the file reads back (found by
    // fuzz_inventory_ini: a host name of control characters saved a file that did not load).
    bool escapes = false;
    for (QChar c : text)
        escapes = escapes || c.unicode() < 0x20 || c.unicode() == 0x7f;
    if (escapes || text.toUtf8().size() > 200)
        out << YAML::LongKey;
    out << YAML::Key;
    emitString(out, text);
}

void emitVariant(YAML::Emitter& out, const QVariant& value)
{
    switch (value.typeId()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr:
        out << YAML::Null;
        return;
    case QMetaType::Bool:
        out << value.toBool();
        return;
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
        out << value.toLongLong();
        return;
    case QMetaType::Double:
    case QMetaType::Float:
        out << floatText(value.toDouble()).toStdString();
        return;
    case QMetaType::QVariantList:
    case QMetaType::QStringList: {
        out << YAML::BeginSeq;
        for (const QVariant& item : value.toList())
            emitVariant(out, item);
        out << YAML::EndSeq;
        return;
    }
    case QMetaType::QVariantMap: {
        const QVariantMap map = value.toMap();
        out << YAML::BeginMap;
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            emitKey(out, it.key());
            out << YAML::Value;
            emitVariant(out, it.value());
        }
        out << YAML::EndMap;
        return;
    }
    default:
        emitString(out, value.toString());
    }
}

int lineOf(const YAML::Node& node)
{
    const YAML::Mark mark = node.Mark();
    return mark.is_null() ? 0 : mark.line + 1;
}

} // namespace hostdeck::engine::detail
