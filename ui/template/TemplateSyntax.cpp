#include "ui/template/TemplateSyntax.h"

#include <QSet>

namespace hostdeck::ui {

using namespace Qt::StringLiterals;

namespace {

const QSet<QString>& openers()
{
    static const QSet<QString> words{u"for"_s, u"if"_s,  u"while"_s, u"with"_s,
                                     u"try"_s, u"def"_s, u"class"_s, u"async"_s};
    return words;
}

const QSet<QString>& continuers()
{
    static const QSet<QString> words{u"elif"_s, u"else"_s, u"except"_s, u"finally"_s};
    return words;
}

int firstNonBlank(const QString& line)
{
    int i = 0;
    while (i < line.size() && line.at(i).isSpace())
        ++i;
    return i;
}

bool isWordStart(QChar c)
{
    return c.isLetter() || c == QLatin1Char('_');
}

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

} // namespace

int TemplateSyntax::scan(const QString& s, int from, QChar stop)
{
    // Mirrors _template.scan: -1 = not found, -2 = unterminated string literal.
    int depth = 0;
    const int n = int(s.size());
    int i = from;
    while (i < n) {
        const QChar ch = s.at(i);
        if (ch == QLatin1Char('\'') || ch == QLatin1Char('"')) {
            const QString triple(3, ch);
            const QString quote = s.mid(i, 3) == triple ? triple : QString(ch);
            int j = i + int(quote.size());
            while (!QStringView(s).mid(j).startsWith(quote)) {
                if (j >= n)
                    return -2;
                j += s.at(j) == QLatin1Char('\\') ? 2 : 1;
            }
            i = j + int(quote.size());
            continue;
        }
        if (ch == stop && (depth == 0 || stop == QLatin1Char('#')))
            return i;
        if (ch == QLatin1Char('(') || ch == QLatin1Char('[') || ch == QLatin1Char('{'))
            ++depth;
        else if (ch == QLatin1Char(')') || ch == QLatin1Char(']') || ch == QLatin1Char('}'))
            --depth;
        ++i;
    }
    return -1;
}

TemplateLine TemplateSyntax::classify(const QString& line)
{
    TemplateLine info;
    const int start = firstNonBlank(line);
    const QStringView rest = QStringView(line).mid(start);
    if (rest.startsWith(u"##")) {
        info.kind = TemplateLineKind::Comment;
        info.markerStart = start;
        return info;
    }
    if (rest.startsWith(u"%%")) {
        info.kind = TemplateLineKind::Escape;
        info.markerStart = start;
        return info;
    }
    if (!rest.startsWith(u'%')) {
        info.kind = TemplateLineKind::Text;
        return info;
    }
    info.markerStart = start;
    const QString body = line.mid(start + 1);
    const int cut = scan(body, 0, QLatin1Char('#'));
    if (cut >= 0)
        info.commentStart = start + 1 + cut;
    const QString statement = (cut >= 0 ? body.left(cut) : body).trimmed();
    if (statement.isEmpty()) {
        info.kind = TemplateLineKind::Close;
        return info;
    }
    const int wordStart = start + 1 + firstNonBlank(body);
    int wordEnd = wordStart;
    if (wordEnd < line.size() && isWordStart(line.at(wordEnd))) {
        while (wordEnd < line.size() && isWordChar(line.at(wordEnd)))
            ++wordEnd;
    }
    const QString word = line.mid(wordStart, wordEnd - wordStart);
    const bool wordIsStatement = statement == word;
    if (word.startsWith(u"end") && wordIsStatement)
        info.kind = TemplateLineKind::Close; // unknown end<word> is an error the render reports
    else if (continuers().contains(word))
        info.kind = TemplateLineKind::Continue;
    else if (openers().contains(word) ||
             ((word == u"match" || word == u"case") && statement.endsWith(QLatin1Char(':'))))
        info.kind = TemplateLineKind::Open;
    else
        info.kind = TemplateLineKind::Statement;
    if (info.kind != TemplateLineKind::Statement && !word.isEmpty()) {
        info.keywordStart = wordStart;
        info.keywordLength = int(word.size());
    }
    return info;
}

QList<TemplateExpression> TemplateSyntax::expressions(const QString& line)
{
    QList<TemplateExpression> found;
    int i = 0;
    while (true) {
        const int j = int(line.indexOf(u"${", i));
        if (j < 0)
            break;
        if (j > 0 && line.at(j - 1) == QLatin1Char('\\')) {
            i = j + 1;
            continue;
        }
        const int end = scan(line, j + 2, QLatin1Char('}'));
        if (end < 0) {
            found.append({j, int(line.size()) - j, false});
            break;
        }
        found.append({j, end + 1 - j, true});
        i = end + 1;
    }
    return found;
}

QList<int> TemplateSyntax::escapes(const QString& line)
{
    QList<int> found;
    for (int i = int(line.indexOf(u"\\${")); i >= 0; i = int(line.indexOf(u"\\${", i + 3)))
        found.append(i);
    return found;
}

QList<int> TemplateSyntax::blockPartners(const QStringList& lines, int line)
{
    if (line < 0 || line >= lines.size())
        return {};
    const TemplateLineKind own = classify(lines.at(line)).kind;
    if (own != TemplateLineKind::Open && own != TemplateLineKind::Continue &&
        own != TemplateLineKind::Close)
        return {};
    QList<QList<int>> stack; // each entry: the lines of one open block so far
    for (int i = 0; i < lines.size(); ++i) {
        switch (classify(lines.at(i)).kind) {
        case TemplateLineKind::Open:
            stack.append(QList<int>{i});
            break;
        case TemplateLineKind::Continue:
            if (!stack.isEmpty())
                stack.last().append(i);
            else if (i == line)
                return {i};
            break;
        case TemplateLineKind::Close:
            if (stack.isEmpty()) {
                if (i == line)
                    return {i}; // a close without an open block has no partner
                break;
            }
            stack.last().append(i);
            if (stack.last().contains(line))
                return stack.last();
            stack.removeLast();
            break;
        default:
            break;
        }
        if (i > line && stack.isEmpty())
            break;
    }
    for (const QList<int>& open : stack) { // unclosed block
        if (open.contains(line))
            return open;
    }
    return {line};
}

} // namespace hostdeck::ui
