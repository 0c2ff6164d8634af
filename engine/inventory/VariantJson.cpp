#include "engine/inventory/VariantJson.h"

#include "engine/inventory/YamlConvert.h"

#include <QStringList>

#include <cmath>

namespace hostdeck::engine {

namespace {

void writeString(QByteArray& out, const QString& text)
{
    out += '"';
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        switch (u) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (u < 0x20)
                out += QByteArray("\\u") + QByteArray::number(u, 16).rightJustified(4, '0');
            else
                out += QString(c).toUtf8();
        }
    }
    out += '"';
}

void writeValue(QByteArray& out, const QVariant& value, int indent, int level)
{
    const QByteArray pad = indent > 0 ? QByteArray(indent * (level + 1), ' ') : QByteArray();
    const QByteArray closePad = indent > 0 ? QByteArray(indent * level, ' ') : QByteArray();
    const char* newline = indent > 0 ? "\n" : "";
    switch (value.typeId()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr:
        out += "null";
        return;
    case QMetaType::Bool:
        out += value.toBool() ? "true" : "false";
        return;
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
        out += QByteArray::number(value.toLongLong());
        return;
    case QMetaType::Double:
    case QMetaType::Float: {
        const double d = value.toDouble();
        if (std::isnan(d))
            out += "NaN";
        else if (std::isinf(d))
            out += d > 0 ? "Infinity" : "-Infinity";
        else
            out += detail::floatText(d).toUtf8();
        return;
    }
    case QMetaType::QVariantList:
    case QMetaType::QStringList: {
        const QVariantList list = value.toList();
        if (list.isEmpty()) {
            out += "[]";
            return;
        }
        out += '[';
        out += newline;
        for (qsizetype i = 0; i < list.size(); ++i) {
            out += pad;
            writeValue(out, list.at(i), indent, level + 1);
            out += i + 1 < list.size() ? "," : "";
            out += newline;
        }
        out += closePad + ']';
        return;
    }
    case QMetaType::QVariantMap: {
        const QVariantMap map = value.toMap();
        if (map.isEmpty()) {
            out += "{}";
            return;
        }
        out += '{';
        out += newline;
        qsizetype i = 0;
        for (auto it = map.cbegin(); it != map.cend(); ++it, ++i) {
            out += pad;
            writeString(out, it.key());
            out += indent > 0 ? ": " : ":";
            writeValue(out, it.value(), indent, level + 1);
            out += i + 1 < map.size() ? "," : "";
            out += newline;
        }
        out += closePad + '}';
        return;
    }
    default:
        writeString(out, value.toString());
    }
}

} // namespace

QByteArray VariantJson::write(const QVariant& value, int indent)
{
    QByteArray out;
    writeValue(out, value, indent, 0);
    out += '\n';
    return out;
}

} // namespace hostdeck::engine
