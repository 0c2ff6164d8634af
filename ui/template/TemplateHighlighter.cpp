#include "ui/template/TemplateHighlighter.h"

#include "ui/template/TemplateSyntax.h"

#include <QColor>
#include <QFont>

namespace hostdeck::ui {

TemplateHighlighter::TemplateHighlighter(QTextDocument* document) : QSyntaxHighlighter(document)
{
    // Mid-saturation colours that stay readable on light and dark palettes.
    m_delimiter.setForeground(QColor(0xd0, 0x70, 0x00));
    m_delimiter.setFontWeight(QFont::Bold);
    m_expression.setForeground(QColor(0x1e, 0x88, 0xe5));
    m_unterminated = m_expression;
    m_unterminated.setUnderlineStyle(QTextCharFormat::DotLine);
    m_unterminated.setUnderlineColor(QColor(0xe5, 0x39, 0x35));
    m_control.setForeground(QColor(0x8e, 0x24, 0xaa));
    m_keyword = m_control;
    m_keyword.setFontWeight(QFont::Bold);
    m_escape.setForeground(QColor(0x00, 0x89, 0x7b));
    m_escape.setFontItalic(true);
    m_comment.setForeground(QColor(0x80, 0x80, 0x80));
    m_comment.setFontItalic(true);
}

QTextCharFormat TemplateHighlighter::format(Role role) const
{
    switch (role) {
    case Role::Delimiter:
        return m_delimiter;
    case Role::Expression:
        return m_expression;
    case Role::Unterminated:
        return m_unterminated;
    case Role::Control:
        return m_control;
    case Role::Keyword:
        return m_keyword;
    case Role::Escape:
        return m_escape;
    case Role::Comment:
        return m_comment;
    }
    return {};
}

void TemplateHighlighter::highlightBlock(const QString& text)
{
    const TemplateLine line = TemplateSyntax::classify(text);
    const int length = int(text.size());
    switch (line.kind) {
    case TemplateLineKind::Comment:
        setFormat(line.markerStart, length - line.markerStart, m_comment);
        return;
    case TemplateLineKind::Escape:
        setFormat(line.markerStart, 2, m_escape);
        highlightExpressions(text, line.markerStart + 2);
        return;
    case TemplateLineKind::Text:
        highlightExpressions(text, 0);
        return;
    default:
        break;
    }
    // A control line: the whole statement is Python.
    const int end = line.commentStart >= 0 ? line.commentStart : length;
    setFormat(line.markerStart, end - line.markerStart, m_control);
    setFormat(line.markerStart, 1, m_keyword);
    if (line.keywordStart >= 0)
        setFormat(line.keywordStart, line.keywordLength, m_keyword);
    if (line.commentStart >= 0)
        setFormat(line.commentStart, length - line.commentStart, m_comment);
}

void TemplateHighlighter::highlightExpressions(const QString& text, int from)
{
    const QString tail = text.mid(from);
    for (int escape : TemplateSyntax::escapes(tail))
        setFormat(from + escape, 3, m_escape);
    for (const TemplateExpression& e : TemplateSyntax::expressions(tail)) {
        const int start = from + e.start;
        if (!e.terminated) {
            setFormat(start, e.length, m_unterminated);
            continue;
        }
        setFormat(start, 2, m_delimiter);
        setFormat(start + 2, e.length - 3, m_expression);
        setFormat(start + e.length - 1, 1, m_delimiter);
    }
}

} // namespace hostdeck::ui
