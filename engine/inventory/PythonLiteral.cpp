#include "engine/inventory/PythonLiteral.h"

#include "engine/inventory/InventoryLimits.h"
#include "engine/inventory/YamlConvert.h"

#include <QRegularExpression>

#include <cmath>

namespace hostdeck::engine {

namespace {

// Python's numeric literal grammar (PEP 515 underscores included).
const QString digitPart = QStringLiteral("[0-9](?:_?[0-9])*");
const QString pointFloat = QStringLiteral("(?:(?:%1)?\\.%1|%1\\.)").arg(digitPart);
const QString exponent = QStringLiteral("[eE][-+]?%1").arg(digitPart);

const QRegularExpression& imaginaryRe()
{
    static const QRegularExpression re(
        QStringLiteral("\\G(?:%1(?:%3)?|%2%3|%2)[jJ]").arg(pointFloat, digitPart, exponent));
    return re;
}
const QRegularExpression& floatRe()
{
    static const QRegularExpression re(
        QStringLiteral("\\G(?:%1(?:%3)?|%2%3)").arg(pointFloat, digitPart, exponent));
    return re;
}
const QRegularExpression& integerRe()
{
    static const QRegularExpression re(
        QStringLiteral("\\G(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|"
                       "[1-9](?:_?[0-9])*|0(?:_?0)*)"));
    return re;
}

bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

/// A dict key as json.dumps writes one.
QString keyString(const QVariant& key)
{
    if (key.isNull())
        return QStringLiteral("null");
    if (key.typeId() == QMetaType::Bool)
        return key.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (key.typeId() == QMetaType::Double)
        return detail::pythonFloat(key.toDouble());
    return key.toString();
}

struct Failed
{
};

class Parser
{
public:
    explicit Parser(const QString& text) : m_text(text) {}

    QVariant parseAll()
    {
        QVariant value = expression(0);
        skipSpace();
        if (m_pos != m_text.size())
            throw Failed{};
        return value;
    }

private:
    QVariant expression(int depth)
    {
        QVariant first = test(depth);
        skipSpace();
        if (!peek(','))
            return first;
        QVariantList items{first};
        while (accept(',')) {
            skipSpace();
            if (atEnd() || peek(')') || peek(']') || peek('}'))
                break;
            items.append(test(depth));
            skipSpace();
        }
        return items;
    }

    QVariant test(int depth)
    {
        if (depth > InventoryLimits::maxLiteralDepth)
            throw Failed{};
        skipSpace();
        if (atEnd())
            throw Failed{};
        const QChar c = m_text.at(m_pos);
        if (c == QLatin1Char('-') || c == QLatin1Char('+')) {
            ++m_pos;
            skipSpace();
            if (atEnd())
                throw Failed{};
            const QVariant operand = atom(depth + 1); // literal_eval: a sign before a number only
            if (!isNumber(operand))
                throw Failed{};
            if (c == QLatin1Char('+'))
                return operand;
            if (operand.typeId() == QMetaType::Double)
                return -operand.toDouble();
            return negate(operand);
        }
        QVariant value = atom(depth);
        skipSpace();
        // 1+2j is a complex literal: Ansible cannot print it either; keep the text.
        if (isNumber(value) && (peek('+') || peek('-')))
            throw Failed{};
        return value;
    }

    QVariant atom(int depth)
    {
        const QChar c = m_text.at(m_pos);
        if (c == QLatin1Char('['))
            return sequence(depth, ']');
        if (c == QLatin1Char('('))
            return parenthesised(depth);
        if (c == QLatin1Char('{'))
            return braces(depth);
        if (c.isDigit() ||
            (c == QLatin1Char('.') && m_pos + 1 < m_text.size() && m_text.at(m_pos + 1).isDigit()))
            return number();
        if (c == QLatin1Char('\'') || c == QLatin1Char('"') || isNameChar(c))
            return stringsOrName();
        throw Failed{};
    }

    QVariant sequence(int depth, char close)
    {
        ++m_pos;
        QVariantList items;
        skipSpace();
        while (!accept(close)) {
            items.append(test(depth + 1));
            skipSpace();
            if (!accept(',')) {
                skipSpace();
                if (!accept(close))
                    throw Failed{};
                break;
            }
            skipSpace();
        }
        return items;
    }

    QVariant parenthesised(int depth)
    {
        ++m_pos;
        skipSpace();
        if (accept(')'))
            return QVariantList{};
        QVariant inner = expression(depth + 1);
        skipSpace();
        if (!accept(')'))
            throw Failed{};
        return inner;
    }

    QVariant braces(int depth)
    {
        ++m_pos;
        skipSpace();
        QVariantMap map;
        if (accept('}'))
            return map;
        QVariant first = test(depth + 1);
        skipSpace();
        if (!accept(':')) { // a set: a list to everything that reads it
            QVariantList items{first};
            while (accept(',')) {
                skipSpace();
                if (accept('}'))
                    return items;
                items.append(test(depth + 1));
                skipSpace();
            }
            if (!accept('}'))
                throw Failed{};
            return items;
        }
        QVariant key = first;
        while (true) {
            if (key.typeId() == QMetaType::QVariantList || key.typeId() == QMetaType::QVariantMap)
                throw Failed{};
            map.insert(keyString(key), test(depth + 1));
            skipSpace();
            if (!accept(',')) {
                if (!accept('}'))
                    throw Failed{};
                return map;
            }
            skipSpace();
            if (accept('}'))
                return map;
            key = test(depth + 1);
            skipSpace();
            if (!accept(':'))
                throw Failed{};
        }
    }

    QVariant number()
    {
        if (imaginaryRe().match(m_text, m_pos).hasMatch())
            throw Failed{};
        QRegularExpressionMatch m = floatRe().match(m_text, m_pos);
        if (m.hasMatch() && m.capturedStart() == m_pos) {
            m_pos = m.capturedEnd();
            checkNumberEnd();
            return QString(m.captured()).remove(QLatin1Char('_')).toDouble();
        }
        m = integerRe().match(m_text, m_pos);
        if (!m.hasMatch() || m.capturedStart() != m_pos)
            throw Failed{};
        m_pos = m.capturedEnd();
        checkNumberEnd();
        QString digits = m.captured().remove(QLatin1Char('_')).toLower();
        int base = 10;
        if (digits.size() > 1 && digits.at(0) == QLatin1Char('0') && !digits.at(1).isDigit()) {
            base = digits.at(1) == QLatin1Char('x') ? 16 : digits.at(1) == QLatin1Char('o') ? 8 : 2;
            digits.remove(0, 2);
        }
        bool ok = false;
        const qlonglong value = digits.toLongLong(&ok, base);
        if (!ok)
            return digits.toDouble(); // past 64 bits (Python's ints have no bound)
        return value <= INT_MAX && value >= INT_MIN ? QVariant(int(value)) : QVariant(value);
    }

    void checkNumberEnd() const
    {
        if (m_pos < m_text.size() &&
            (isNameChar(m_text.at(m_pos)) || m_text.at(m_pos) == QLatin1Char('.')))
            throw Failed{};
    }

    QVariant stringsOrName()
    {
        // A name, or a prefix followed by a quote.
        qsizetype end = m_pos;
        while (end < m_text.size() && isNameChar(m_text.at(end)))
            ++end;
        const QString word = m_text.mid(m_pos, end - m_pos);
        if (end == m_text.size() ||
            (m_text.at(end) != QLatin1Char('\'') && m_text.at(end) != QLatin1Char('"'))) {
            m_pos = end;
            if (word == QLatin1String("True"))
                return true;
            if (word == QLatin1String("False"))
                return false;
            if (word == QLatin1String("None"))
                return QVariant();
            throw Failed{};
        }
        QString joined;
        int kind = 0; // 1 text, 2 bytes
        while (true) {
            skipSpace();
            if (atEnd())
                break;
            qsizetype prefixEnd = m_pos;
            while (prefixEnd < m_text.size() && m_text.at(prefixEnd).isLetter())
                ++prefixEnd;
            if (prefixEnd >= m_text.size() || (m_text.at(prefixEnd) != QLatin1Char('\'') &&
                                               m_text.at(prefixEnd) != QLatin1Char('"')))
                break;
            const QString prefix = m_text.mid(m_pos, prefixEnd - m_pos).toLower();
            static const QStringList allowed{
                QString(),           QStringLiteral("r"),  QStringLiteral("u"),
                QStringLiteral("b"), QStringLiteral("br"), QStringLiteral("rb")};
            if (!allowed.contains(prefix)) // f-strings and the like are not literals
                throw Failed{};
            const int thisKind = prefix.contains(QLatin1Char('b')) ? 2 : 1;
            if (kind != 0 && kind != thisKind)
                throw Failed{};
            kind = thisKind;
            m_pos = prefixEnd;
            joined += quoted(prefix.contains(QLatin1Char('r')), thisKind == 2);
        }
        return joined;
    }

    QString quoted(bool raw, bool bytes)
    {
        const QChar quote = m_text.at(m_pos);
        const bool triple = m_text.mid(m_pos, 3) == QString(3, quote);
        m_pos += triple ? 3 : 1;
        QString out;
        while (true) {
            if (atEnd())
                throw Failed{};
            const QChar c = m_text.at(m_pos);
            if (c == quote && (!triple || m_text.mid(m_pos, 3) == QString(3, quote))) {
                m_pos += triple ? 3 : 1;
                return out;
            }
            if (!triple && c == QLatin1Char('\n'))
                throw Failed{};
            if (c != QLatin1Char('\\')) {
                if (bytes && c.unicode() > 0x7f)
                    throw Failed{};
                out += c;
                ++m_pos;
                continue;
            }
            if (m_pos + 1 >= m_text.size())
                throw Failed{};
            if (raw) {
                out += c;
                out += m_text.at(m_pos + 1);
                m_pos += 2;
                continue;
            }
            out += escape(bytes);
        }
    }

    QString escape(bool bytes)
    {
        const QChar e = m_text.at(m_pos + 1);
        m_pos += 2;
        switch (e.unicode()) {
        case '\n':
            return {};
        case '\\':
            return QStringLiteral("\\");
        case '\'':
            return QStringLiteral("'");
        case '"':
            return QStringLiteral("\"");
        case 'a':
            return QStringLiteral("\a");
        case 'b':
            return QStringLiteral("\b");
        case 'f':
            return QStringLiteral("\f");
        case 'n':
            return QStringLiteral("\n");
        case 'r':
            return QStringLiteral("\r");
        case 't':
            return QStringLiteral("\t");
        case 'v':
            return QStringLiteral("\v");
        case 'x':
            return hexEscape(2);
        case 'u':
            return bytes ? QStringLiteral("\\u") : hexEscape(4);
        case 'U':
            return bytes ? QStringLiteral("\\U") : hexEscape(8);
        case 'N':
            if (!bytes)
                throw Failed{}; // named characters: not worth a table
            return QStringLiteral("\\N");
        default:
            break;
        }
        if (e >= QLatin1Char('0') && e <= QLatin1Char('7')) {
            uint value = e.unicode() - '0';
            for (int i = 0;
                 i < 2 && m_pos < m_text.size() && m_text.at(m_pos) >= QLatin1Char('0') &&
                 m_text.at(m_pos) <= QLatin1Char('7');
                 ++i)
                value = value * 8 + (m_text.at(m_pos++).unicode() - '0');
            const char32_t code = value;
            return QString::fromUcs4(&code, 1);
        }
        return QStringLiteral("\\") + e; // unknown escapes stay as written
    }

    QString hexEscape(int digits)
    {
        if (m_pos + digits > m_text.size())
            throw Failed{};
        bool ok = false;
        const char32_t value = m_text.mid(m_pos, digits).toUInt(&ok, 16);
        if (!ok || value > 0x10FFFF)
            throw Failed{};
        m_pos += digits;
        return QString::fromUcs4(&value, 1);
    }

    static bool isNumber(const QVariant& v)
    {
        const int t = v.typeId();
        return t == QMetaType::Int || t == QMetaType::LongLong || t == QMetaType::Double;
    }

    static QVariant negate(const QVariant& v)
    {
        const qlonglong value = -v.toLongLong();
        return value <= INT_MAX && value >= INT_MIN ? QVariant(int(value)) : QVariant(value);
    }

    void skipSpace()
    {
        while (m_pos < m_text.size()) {
            const QChar c = m_text.at(m_pos);
            if (c == QLatin1Char('#')) {
                while (m_pos < m_text.size() && m_text.at(m_pos) != QLatin1Char('\n'))
                    ++m_pos;
            } else if (c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\f') ||
                       c == QLatin1Char('\n') || c == QLatin1Char('\r')) {
                ++m_pos;
            } else {
                break;
            }
        }
    }

    bool atEnd() const { return m_pos >= m_text.size(); }
    bool peek(char c) const { return !atEnd() && m_text.at(m_pos) == QLatin1Char(c); }
    bool accept(char c)
    {
        if (!peek(c))
            return false;
        ++m_pos;
        return true;
    }

    const QString& m_text;
    qsizetype m_pos = 0;
};

} // namespace

std::optional<QVariant> PythonLiteral::evaluate(const QString& text)
{
    qsizetype start = 0;
    while (start < text.size() &&
           (text.at(start) == QLatin1Char(' ') || text.at(start) == QLatin1Char('\t')))
        ++start;
    const QString trimmed = text.mid(start);
    try {
        Parser parser(trimmed);
        return parser.parseAll();
    } catch (const Failed&) {
        return std::nullopt;
    }
}

QVariant PythonLiteral::valueOf(const QString& text)
{
    return evaluate(text).value_or(QVariant(text));
}

} // namespace hostdeck::engine
