#include "ui/template/TemplatePreview.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace hostdeck::ui {

TemplatePreview::TemplatePreview(QWidget* parent)
    : QWidget(parent), m_banner(new QLabel(this)), m_view(new QPlainTextEdit(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_banner->setObjectName(QStringLiteral("staleBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setAutoFillBackground(true);
    QPalette bannerPalette = m_banner->palette();
    bannerPalette.setColor(QPalette::Window, QColor(0xff, 0xe0, 0xb2));
    bannerPalette.setColor(QPalette::WindowText, QColor(0x5d, 0x40, 0x37));
    m_banner->setPalette(bannerPalette);
    m_banner->setContentsMargins(6, 3, 6, 3);
    m_banner->hide();
    m_view->setObjectName(QStringLiteral("previewText"));
    m_view->setReadOnly(true);
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setPlaceholderText(tr("The rendered template appears here."));
    layout->addWidget(m_banner);
    layout->addWidget(m_view, 1);
}

void TemplatePreview::setRendered(const QString& text)
{
    if (text != m_text)
        m_view->setPlainText(text);
    m_text = text;
    m_stale = false;
    m_banner->hide();
    applyStaleLook();
}

void TemplatePreview::markStale(const QString& reason)
{
    m_stale = true;
    m_banner->setText(tr("Stale preview: %1").arg(reason));
    m_banner->show();
    applyStaleLook();
}

QString TemplatePreview::text() const
{
    return m_text;
}

QString TemplatePreview::staleReason() const
{
    return m_stale ? m_banner->text() : QString();
}

void TemplatePreview::applyStaleLook()
{
    QPalette pal = palette();
    if (m_stale)
        pal.setColor(QPalette::Text, pal.color(QPalette::Disabled, QPalette::Text));
    m_view->setPalette(pal);
}

} // namespace hostdeck::ui
