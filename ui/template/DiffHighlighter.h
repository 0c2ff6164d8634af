#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace hostdeck::ui {

/// Colours a unified diff: added lines green, removed lines red, hunk headers blue, file
/// headers bold.
class DiffHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit DiffHighlighter(QTextDocument* document);

    QTextCharFormat added() const { return m_added; }
    QTextCharFormat removed() const { return m_removed; }

protected:
    void highlightBlock(const QString& text) override;

private:
    QTextCharFormat m_added;
    QTextCharFormat m_removed;
    QTextCharFormat m_hunk;
    QTextCharFormat m_header;
};

} // namespace hostdeck::ui
