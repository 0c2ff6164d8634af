#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace hostdeck::ui {

/// What one template line is, by the rules of tools/_template.py (the engine the agent runs).
enum class TemplateLineKind
{
    Text,      ///< plain text with `${...}` expressions
    Comment,   ///< first non-blank characters `##`
    Escape,    ///< first non-blank characters `%%`: a literal `%`, then text
    Open,      ///< `% for/if/while/with/try/def/class ...`
    Continue,  ///< `% elif/else/except/finally`
    Close,     ///< `% end`, `% end<keyword>` or a bare `%`
    Statement, ///< any other `%` line
};

struct TemplateLine
{
    TemplateLineKind kind = TemplateLineKind::Text;
    int markerStart = -1;  ///< index of the `%` / `%%` / `##`
    int keywordStart = -1; ///< block keyword (for/else/endfor...), -1 when none
    int keywordLength = 0;
    int commentStart = -1; ///< trailing `# comment` of a control line
};

/// One `${...}` in a text line: [start, start + length) includes `${` and `}`.
struct TemplateExpression
{
    int start = 0;
    int length = 0;
    bool terminated = true;
};

/// Pure helpers shared by the highlighter and the block matcher (no Qt GUI types).
class TemplateSyntax
{
public:
    static TemplateLine classify(const QString& line);
    /// Expressions of a text line (braces nest, braces in string literals are text).
    static QList<TemplateExpression> expressions(const QString& line);
    /// Positions of `\${` escapes in a text line.
    static QList<int> escapes(const QString& line);
    /// The 0-based lines of the block that `line` opens, continues or closes (opener, continuers,
    /// closer, in order); empty when `line` is not a block line.
    static QList<int> blockPartners(const QStringList& lines, int line);

private:
    static int scan(const QString& s, int from, QChar stop);
};

} // namespace hostdeck::ui
