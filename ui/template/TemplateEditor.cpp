#include "ui/template/TemplateEditor.h"

#include "ui/template/TemplateGutter.h"
#include "ui/template/TemplateHighlighter.h"
#include "ui/template/TemplateSyntax.h"

#include <QFontDatabase>
#include <QHelpEvent>
#include <QPainter>
#include <QTextBlock>
#include <QToolTip>

namespace hostdeck::ui {

TemplateEditor::TemplateEditor(QWidget* parent)
    : QPlainTextEdit(parent), m_gutter(new TemplateGutter(this)),
      m_highlighter(new TemplateHighlighter(document()))
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabChangesFocus(false);
    connect(this, &QPlainTextEdit::blockCountChanged, this, &TemplateEditor::updateGutterWidth);
    connect(this, &QPlainTextEdit::updateRequest, this, &TemplateEditor::updateGutterArea);
    connect(this, &QPlainTextEdit::cursorPositionChanged, this, &TemplateEditor::updatePartners);
    // Queued: making cursors for extra selections while the document finishes an edit is unsafe.
    connect(document(), &QTextDocument::contentsChanged, this, &TemplateEditor::updatePartners,
            Qt::QueuedConnection);
    updateGutterWidth();
}

void TemplateEditor::setError(int line, const QString& message)
{
    if (line == m_errorLine && message == m_errorMessage)
        return;
    m_errorLine = line;
    m_errorMessage = line > 0 ? message : QString();
    updateExtraSelections();
    m_gutter->update();
    emit errorChanged(m_errorLine, m_errorMessage);
}

int TemplateEditor::gutterWidth() const
{
    int digits = 1;
    for (int max = qMax(1, blockCount()); max >= 10; max /= 10)
        ++digits;
    return 10 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * qMax(3, digits);
}

void TemplateEditor::paintGutter(QWidget* gutter, QPaintEvent* event)
{
    QPainter painter(gutter);
    const QPalette pal = palette();
    painter.fillRect(event->rect(), pal.color(QPalette::AlternateBase));
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    int bottom = top + qRound(blockBoundingRect(block).height());
    const int current = textCursor().blockNumber();
    while (block.isValid() && top <= event->rect().bottom()) {
        const int number = block.blockNumber();
        if (block.isVisible() && bottom >= event->rect().top()) {
            const QRect row(0, top, gutter->width() - 5, fontMetrics().height());
            if (number + 1 == m_errorLine)
                painter.fillRect(QRect(0, top, gutter->width(), row.height()),
                                 QColor(0xe5, 0x39, 0x35, 90));
            QFont font = painter.font();
            font.setBold(number == current || m_partners.contains(number));
            painter.setFont(font);
            painter.setPen(number == current ? pal.color(QPalette::Text)
                                             : pal.color(QPalette::PlaceholderText));
            painter.drawText(row, Qt::AlignRight | Qt::AlignVCenter, QString::number(number + 1));
        }
        block = block.next();
        top = bottom;
        bottom = top + qRound(blockBoundingRect(block).height());
    }
}

QString TemplateEditor::errorTipAtGutterY(int y) const
{
    if (m_errorLine <= 0)
        return {};
    const QTextBlock block = document()->findBlockByNumber(m_errorLine - 1);
    if (!block.isValid())
        return {};
    const QRectF rect = blockBoundingGeometry(block).translated(contentOffset());
    return y >= rect.top() && y < rect.bottom() ? m_errorMessage : QString();
}

void TemplateEditor::resizeEvent(QResizeEvent* event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect cr = contentsRect();
    m_gutter->setGeometry(QRect(cr.left(), cr.top(), gutterWidth(), cr.height()));
}

bool TemplateEditor::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int line = cursorForPosition(help->pos()).blockNumber() + 1;
        if (m_errorLine > 0 && line == m_errorLine)
            QToolTip::showText(help->globalPos(), m_errorMessage, viewport());
        else
            QToolTip::hideText();
        return true;
    }
    return QPlainTextEdit::viewportEvent(event);
}

void TemplateEditor::updateGutterWidth()
{
    setViewportMargins(gutterWidth(), 0, 0, 0);
}

void TemplateEditor::updateGutterArea(const QRect& rect, int dy)
{
    if (dy != 0)
        m_gutter->scroll(0, dy);
    else
        m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
    if (rect.contains(viewport()->rect()))
        updateGutterWidth();
}

void TemplateEditor::updatePartners()
{
    const int line = textCursor().blockNumber();
    const QString text = textCursor().block().text();
    const TemplateLineKind kind = TemplateSyntax::classify(text).kind;
    QList<int> partners;
    if (kind == TemplateLineKind::Open || kind == TemplateLineKind::Continue ||
        kind == TemplateLineKind::Close)
        partners = TemplateSyntax::blockPartners(toPlainText().split(QLatin1Char('\n')), line);
    if (partners == m_partners)
        return;
    m_partners = partners;
    updateExtraSelections();
    m_gutter->update();
}

void TemplateEditor::updateExtraSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    const QColor match = QColor(0x8e, 0x24, 0xaa, 45);
    for (int line : m_partners) {
        const QTextBlock block = document()->findBlockByNumber(line);
        if (!block.isValid())
            continue;
        QTextEdit::ExtraSelection sel;
        sel.cursor = QTextCursor(block);
        sel.format.setBackground(match);
        sel.format.setProperty(QTextFormat::FullWidthSelection, true);
        selections.append(sel);
    }
    if (m_errorLine > 0) {
        const QTextBlock block = document()->findBlockByNumber(m_errorLine - 1);
        if (block.isValid()) {
            QTextEdit::ExtraSelection sel;
            sel.cursor = QTextCursor(block);
            sel.cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
            if (!sel.cursor.hasSelection()) // an empty line: underline where the text would be
                sel.cursor.movePosition(QTextCursor::NextCharacter, QTextCursor::KeepAnchor);
            sel.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
            sel.format.setUnderlineColor(QColor(0xe5, 0x39, 0x35));
            sel.format.setToolTip(m_errorMessage);
            selections.append(sel);
        }
    }
    setExtraSelections(selections);
}

} // namespace hostdeck::ui
