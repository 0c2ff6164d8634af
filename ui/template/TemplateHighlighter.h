#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace hostdeck::ui {

/// Colours a template: `${...}` expressions (delimiters and code), `%` control lines with their
/// block keywords, `%%` and `\${` escapes, `##` comments. Line-local: template expressions never
/// span lines, so no block state is needed.
class TemplateHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit TemplateHighlighter(QTextDocument* document);

    /// The formats, exposed so tests can check what a position was given.
    enum class Role
    {
        Delimiter,
        Expression,
        Unterminated,
        Control,
        Keyword,
        Escape,
        Comment
    };
    QTextCharFormat format(Role role) const;

protected:
    void highlightBlock(const QString& text) override;

private:
    void highlightExpressions(const QString& text, int from);

    QTextCharFormat m_delimiter;
    QTextCharFormat m_expression;
    QTextCharFormat m_unterminated;
    QTextCharFormat m_control;
    QTextCharFormat m_keyword;
    QTextCharFormat m_escape;
    QTextCharFormat m_comment;
};

} // namespace hostdeck::ui
