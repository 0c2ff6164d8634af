#include "inventory/YamlConvert.h"

#include <QRegularExpression>

#include <stdexcept>

namespace hostdeck::engine::detail {

namespace {

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

// An alias can make a node contain itself (`&a` ... `*a`) or repeat a subtree exponentially
// ("billion laughs"): converting stops with an error instead of recursing or allocating without
// end (found by fuzz_inventory_yaml: a stack overflow).
constexpr int kMaxDepth = 64;
constexpr qsizetype kMaxNodes = 1000000;

QVariant convert(const YAML::Node& node, int depth, qsizetype& nodes)
{
    if (depth > kMaxDepth)
        throw std::runtime_error(
            "values nested more than 64 levels deep (an alias inside itself?)");
    if (++nodes > kMaxNodes)
        throw std::runtime_error("more than a million values (aliases repeated without end?)");
    switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
        return QVariant();
    case YAML::NodeType::Scalar: {
        const QString text = fromStd(node.Scalar());
        return node.Tag() == "!" ? QVariant(text) : plainScalar(text);
    }
    case YAML::NodeType::Sequence: {
        QVariantList list;
        for (const YAML::Node& item : node)
            list.append(convert(item, depth + 1, nodes));
        return list;
    }
    case YAML::NodeType::Map: {
        QVariantMap map;
        for (const auto& item : node)
            map.insert(fromStd(item.first.as<std::string>()),
                       convert(item.second, depth + 1, nodes));
        return map;
    }
    }
    return QVariant();
}

} // namespace

QVariant plainScalar(const QString& text)
{
    static const QRegularExpression nullRe(QStringLiteral("^(~|null|Null|NULL|)$"));
    static const QRegularExpression trueRe(
        QStringLiteral("^(yes|Yes|YES|true|True|TRUE|on|On|ON)$"));
    static const QRegularExpression falseRe(
        QStringLiteral("^(no|No|NO|false|False|FALSE|off|Off|OFF)$"));
    static const QRegularExpression intRe(QStringLiteral("^[-+]?(0|[1-9][0-9_]*)$"));
    static const QRegularExpression floatRe(
        QStringLiteral(R"(^[-+]?([0-9][0-9_]*)?\.[0-9]+([eE][-+]?[0-9]+)?$)"));
    if (nullRe.match(text).hasMatch())
        return QVariant();
    if (trueRe.match(text).hasMatch())
        return true;
    if (falseRe.match(text).hasMatch())
        return false;
    if (intRe.match(text).hasMatch()) {
        bool ok = false;
        const qlonglong value = QString(text).remove(QLatin1Char('_')).toLongLong(&ok);
        if (ok)
            return value <= INT_MAX && value >= INT_MIN ? QVariant(int(value)) : QVariant(value);
    }
    if (floatRe.match(text).hasMatch())
        return text.toDouble();
    return text;
}

QVariant toVariant(const YAML::Node& node)
{
    qsizetype nodes = 0;
    return convert(node, 0, nodes);
}

void emitString(YAML::Emitter& out, const QString& text)
{
    const QVariant plain = plainScalar(text);
    const bool needsQuotes = plain.typeId() != QMetaType::QString || text.trimmed() != text ||
                             text.contains(QLatin1Char('\n'));
    if (needsQuotes)
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
        out << value.toDouble();
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
