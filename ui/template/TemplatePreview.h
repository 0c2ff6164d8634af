#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace hostdeck::ui {

/// The rendered text. After a render error the last good text stays visible, greyed, under a
/// "stale" banner that names the error.
class TemplatePreview final : public QWidget
{
    Q_OBJECT
public:
    explicit TemplatePreview(QWidget* parent = nullptr);

    void setRendered(const QString& text);
    void markStale(const QString& reason);
    QString text() const; ///< exactly as rendered (the view may show line ends differently)
    bool isStale() const { return m_stale; }
    QString staleReason() const;
    QLabel* banner() const { return m_banner; }
    QPlainTextEdit* view() const { return m_view; }

private:
    void applyStaleLook();

    QLabel* m_banner;
    QPlainTextEdit* m_view;
    QString m_text;
    bool m_stale = false;
};

} // namespace hostdeck::ui
