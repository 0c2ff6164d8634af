#include "ui/template/DiffHighlighter.h"

#include <QColor>
#include <QFont>

namespace hostdeck::ui {

DiffHighlighter::DiffHighlighter(QTextDocument* document) : QSyntaxHighlighter(document)
{
    m_added.setForeground(QColor(0x2e, 0x7d, 0x32));
    m_added.setBackground(QColor(0x2e, 0x7d, 0x32, 40));
    m_removed.setForeground(QColor(0xc6, 0x28, 0x28));
    m_removed.setBackground(QColor(0xc6, 0x28, 0x28, 40));
    m_hunk.setForeground(QColor(0x1e, 0x88, 0xe5));
    m_header.setFontWeight(QFont::Bold);
}

void DiffHighlighter::highlightBlock(const QString& text)
{
    const int length = int(text.size());
    if (text.startsWith(u"+++") || text.startsWith(u"---"))
        setFormat(0, length, m_header);
    else if (text.startsWith(u"@@"))
        setFormat(0, length, m_hunk);
    else if (text.startsWith(u'+'))
        setFormat(0, length, m_added);
    else if (text.startsWith(u'-'))
        setFormat(0, length, m_removed);
}

} // namespace hostdeck::ui
