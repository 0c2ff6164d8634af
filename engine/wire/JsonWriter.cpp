#include "engine/wire/JsonWriter.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace hostdeck::engine::wire {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void appendNumber(QByteArray& out, const QJsonValue& value)
{
    char buffer[32];
    // Integers stored as such (beyond 2^53 too) and doubles that hold an integer print as one.
    constexpr qint64 kNone = std::numeric_limits<qint64>::min();
    const qint64 integer = value.toInteger(kNone);
    const double number = value.toDouble();
    std::to_chars_result end{};
    if (integer != kNone || number == double(kNone))
        end = std::to_chars(buffer, buffer + sizeof(buffer), integer);
    else if (std::isfinite(number))
        end = std::to_chars(buffer, buffer + sizeof(buffer), number); // shortest round trip
    else {
        out.append("null", 4);
        return;
    }
    out.append(buffer, end.ptr - buffer);
}

void appendObject(QByteArray& out, const QJsonObject& object)
{
    out.append('{');
    bool first = true;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!first)
            out.append(',');
        first = false;
        appendJsonString(out, it.key());
        out.append(':');
        appendJson(out, it.value());
    }
    out.append('}');
}

void appendArray(QByteArray& out, const QJsonArray& array)
{
    out.append('[');
    bool first = true;
    for (const QJsonValue& item : array) {
        if (!first)
            out.append(',');
        first = false;
        appendJson(out, item);
    }
    out.append(']');
}

} // namespace

void appendJsonString(QByteArray& out, QStringView text)
{
    // Written through a pointer, a slice at a time: room for the worst case of the slice (6 bytes
    // per UTF-16 unit: \u00XX, or an escaped lone surrogate), then cut to what was written.
    constexpr qsizetype kSlice = 4096;
    out.append('"');
    const char16_t* s = text.utf16();
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        const qsizetype sliceEnd = std::min(n, i + kSlice);
        const qsizetype at = out.size();
        out.resize(at + 6 * (sliceEnd - i) + 4); // + 4: a surrogate pair across the slice end
        char* p = out.data() + at;
        for (; i < sliceEnd; ++i) {
            const char16_t c = s[i];
            if (c < 0x80) {
                if (c >= 0x20 && c != u'"' && c != u'\\') {
                    *p++ = char(c);
                    continue;
                }
                *p++ = '\\';
                switch (c) {
                case u'"':
                    *p++ = '"';
                    break;
                case u'\\':
                    *p++ = '\\';
                    break;
                case u'\n':
                    *p++ = 'n';
                    break;
                case u'\r':
                    *p++ = 'r';
                    break;
                case u'\t':
                    *p++ = 't';
                    break;
                case u'\b':
                    *p++ = 'b';
                    break;
                case u'\f':
                    *p++ = 'f';
                    break;
                default:
                    *p++ = 'u';
                    *p++ = '0';
                    *p++ = '0';
                    *p++ = kHex[c >> 4];
                    *p++ = kHex[c & 0xf];
                }
            } else if (c < 0x800) {
                *p++ = char(0xc0 | (c >> 6));
                *p++ = char(0x80 | (c & 0x3f));
            } else if (QChar::isHighSurrogate(c) && i + 1 < n && QChar::isLowSurrogate(s[i + 1])) {
                const char32_t u = QChar::surrogateToUcs4(c, s[++i]);
                *p++ = char(0xf0 | (u >> 18));
                *p++ = char(0x80 | ((u >> 12) & 0x3f));
                *p++ = char(0x80 | ((u >> 6) & 0x3f));
                *p++ = char(0x80 | (u & 0x3f));
            } else if (QChar::isSurrogate(c)) {
                // Not valid UTF-16: kept visible, and the text stays valid JSON.
                *p++ = '\\';
                *p++ = 'u';
                *p++ = kHex[(c >> 12) & 0xf];
                *p++ = kHex[(c >> 8) & 0xf];
                *p++ = kHex[(c >> 4) & 0xf];
                *p++ = kHex[c & 0xf];
            } else {
                *p++ = char(0xe0 | (c >> 12));
                *p++ = char(0x80 | ((c >> 6) & 0x3f));
                *p++ = char(0x80 | (c & 0x3f));
            }
        }
        out.truncate(p - out.constData());
    }
    out.append('"');
}

void appendJson(QByteArray& out, const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out.append("null", 4);
        return;
    case QJsonValue::Bool:
        if (value.toBool())
            out.append("true", 4);
        else
            out.append("false", 5);
        return;
    case QJsonValue::Double:
        appendNumber(out, value);
        return;
    case QJsonValue::String:
        appendJsonString(out, value.toString());
        return;
    case QJsonValue::Array:
        appendArray(out, value.toArray());
        return;
    case QJsonValue::Object:
        appendObject(out, value.toObject());
        return;
    }
}

} // namespace hostdeck::engine::wire
