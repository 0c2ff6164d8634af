#pragma once

#include <QPlainTextEdit>

namespace hostdeck::ui {

class TemplateGutter;
class TemplateHighlighter;

/// A plain-text editor for templates: line numbers, syntax highlighting, the partner lines of
/// the block line under the cursor highlighted, and one error line underlined (wave) with its
/// message as tooltip.
class TemplateEditor final : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit TemplateEditor(QWidget* parent = nullptr);

    /// Underlines `line` (1-based) and keeps `message` as its tooltip; line 0 clears.
    void setError(int line, const QString& message);
    void clearError() { setError(0, {}); }
    int errorLine() const { return m_errorLine; }
    QString errorMessage() const { return m_errorMessage; }

    /// 0-based lines currently highlighted as the block of the cursor line.
    QList<int> blockPartnerLines() const { return m_partners; }
    TemplateHighlighter* highlighter() const { return m_highlighter; }

    int gutterWidth() const;
    void paintGutter(QWidget* gutter, QPaintEvent* event);
    /// The error tooltip for a gutter y position, empty when that line has no error.
    QString errorTipAtGutterY(int y) const;

signals:
    void errorChanged(int line, const QString& message);

protected:
    void resizeEvent(QResizeEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    void updateGutterWidth();
    void updateGutterArea(const QRect& rect, int dy);
    void updateExtraSelections();
    void updatePartners();

    TemplateGutter* m_gutter;
    TemplateHighlighter* m_highlighter;
    QList<int> m_partners;
    int m_errorLine = 0;
    QString m_errorMessage;
};

} // namespace hostdeck::ui
