#pragma once

#include <QWidget>

namespace hostdeck::ui {

class TemplateEditor;

/// The line-number strip at the left of a TemplateEditor; the editor paints it.
class TemplateGutter final : public QWidget
{
    Q_OBJECT
public:
    explicit TemplateGutter(TemplateEditor* editor);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    TemplateEditor* m_editor;
};

} // namespace hostdeck::ui
