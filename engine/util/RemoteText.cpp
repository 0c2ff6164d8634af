#include "engine/util/RemoteText.h"

namespace hostdeck::engine {

namespace {

bool isBidiControl(char16_t c)
{
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

void appendEscape(QString& out, char16_t c)
{
    static constexpr char16_t kHex[] = u"0123456789abcdef";
    switch (c) {
    case u'\n':
        out += QStringLiteral("\\n");
        return;
    case u'\t':
        out += QStringLiteral("\\t");
        return;
    case u'\r':
        out += QStringLiteral("\\r");
        return;
    default:
        break;
    }
    if (c < 0x100) {
        out += QStringLiteral("\\x");
        out += QChar(kHex[(c >> 4) & 0xF]);
        out += QChar(kHex[c & 0xF]);
        return;
    }
    out += QStringLiteral("\\u");
    for (int shift = 12; shift >= 0; shift -= 4)
        out += QChar(kHex[(c >> shift) & 0xF]);
}

} // namespace

bool isUnsafeRemoteChar(char16_t c, TextShape shape)
{
    if (c == u'\n' || c == u'\t')
        return shape == TextShape::SingleLine;
    if (c < 0x20 || c == 0x7F)
        return true;
    if (c >= 0x80 && c <= 0x9F)
        return true;
    return c == 0x2028 || c == 0x2029 || isBidiControl(c);
}

QString sanitizeRemoteText(QStringView text, TextShape shape)
{
    qsizetype first = 0;
    while (first < text.size() && !isUnsafeRemoteChar(text[first].unicode(), shape))
        ++first;
    if (first == text.size())
        return text.toString();
    QString out;
    out.reserve(text.size() + 16);
    out += text.first(first);
    for (qsizetype i = first; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (isUnsafeRemoteChar(c, shape))
            appendEscape(out, c);
        else
            out += QChar(c);
    }
    return out;
}

QByteArray terminalSafeJson(const QByteArray& json)
{
    // Outside strings JSON has only ASCII punctuation, digits and letters: every such character
    // is inside a string, where \uXXXX means the same character.
    const QString text = QString::fromUtf8(json);
    bool clean = true;
    for (const QChar c : text) {
        if (c.unicode() >= 0x7F && isUnsafeRemoteChar(c.unicode(), TextShape::MultiLine)) {
            clean = false;
            break;
        }
    }
    if (clean)
        return json;
    QString out;
    out.reserve(text.size() + 16);
    for (const QChar c : text) {
        if (c.unicode() >= 0x7F && isUnsafeRemoteChar(c.unicode(), TextShape::MultiLine))
            out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out.toUtf8();
}

QString sanitizeRemoteText(const QByteArray& utf8, TextShape shape)
{
    return sanitizeRemoteText(QString::fromUtf8(utf8), shape);
}

} // namespace hostdeck::engine
