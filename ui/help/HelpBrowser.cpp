#include "ui/help/HelpBrowser.h"

#include <QHBoxLayout>
#include <QListWidget>
#include <QSplitter>
#include <QTextBrowser>

namespace hostdeck::ui {

HelpBrowser::HelpBrowser(QWidget* parent)
    : QWidget(parent), m_topics(new QListWidget(this)), m_text(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("helpBrowser"));
    setWindowTitle(tr("Hostdeck help"));
    setWindowFlag(Qt::Window);
    m_topics->setObjectName(QStringLiteral("helpTopics"));
    m_text->setObjectName(QStringLiteral("helpText"));
    m_text->setOpenExternalLinks(true);
    auto* splitter = new QSplitter(this);
    splitter->addWidget(m_topics);
    splitter->addWidget(m_text);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({200, 640});
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
    connect(m_topics, &QListWidget::currentRowChanged, this, &HelpBrowser::render);
    resize(900, 640);
}

void HelpBrowser::addTopic(const QString& id, const QString& title, bool markdown,
                           std::function<QString()> text)
{
    m_list << Topic{id, markdown, std::move(text)};
    auto* item = new QListWidgetItem(title, m_topics);
    item->setData(Qt::UserRole, id);
}

void HelpBrowser::render(int row)
{
    if (row < 0 || row >= m_list.size())
        return;
    const Topic& topic = m_list.at(row);
    if (topic.markdown)
        m_text->setMarkdown(topic.text());
    else
        m_text->setHtml(topic.text());
}

bool HelpBrowser::showTopic(const QString& id, const QString& anchor)
{
    for (int row = 0; row < m_list.size(); ++row) {
        if (m_list.at(row).id != id)
            continue;
        if (m_topics->currentRow() == row)
            render(row); // generated topics may have changed
        else
            m_topics->setCurrentRow(row);
        if (!anchor.isEmpty()) {
            if (m_list.at(row).markdown) {
                m_text->moveCursor(QTextCursor::Start);
                m_text->find(anchor);
            } else {
                m_text->scrollToAnchor(anchor);
            }
        }
        return true;
    }
    return false;
}

QString HelpBrowser::currentTopic() const
{
    const QListWidgetItem* item = m_topics->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

} // namespace hostdeck::ui
