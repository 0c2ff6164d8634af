#include "ui/template/TemplateGutter.h"

#include "ui/template/TemplateEditor.h"

#include <QHelpEvent>
#include <QToolTip>

namespace hostdeck::ui {

TemplateGutter::TemplateGutter(TemplateEditor* editor) : QWidget(editor), m_editor(editor) {}

QSize TemplateGutter::sizeHint() const
{
    return {m_editor->gutterWidth(), 0};
}

void TemplateGutter::paintEvent(QPaintEvent* event)
{
    m_editor->paintGutter(this, event);
}

bool TemplateGutter::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString tip = m_editor->errorTipAtGutterY(help->pos().y());
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), tip, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace hostdeck::ui
