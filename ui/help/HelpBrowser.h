#pragma once

#include <QWidget>

#include <functional>

class QListWidget;
class QTextBrowser;

namespace hostdeck::ui {

/// The help window: topics on the left (the guide, the template syntax, the keyboard shortcuts,
/// the tools and their parameters), the text on the right. Topics are given as functions so the
/// generated ones (shortcuts, tools) are made when shown.
class HelpBrowser : public QWidget
{
    Q_OBJECT
public:
    explicit HelpBrowser(QWidget* parent = nullptr);

    /// `markdown` true: the text is Markdown, else HTML (with anchors).
    void addTopic(const QString& id, const QString& title, bool markdown,
                  std::function<QString()> text);
    /// Shows `id`, at `anchor` (an HTML anchor, or for Markdown the heading's text); false when
    /// there is no such topic.
    bool showTopic(const QString& id, const QString& anchor = {});
    QString currentTopic() const;
    QTextBrowser* textView() const { return m_text; }
    QListWidget* topicList() const { return m_topics; }

private:
    struct Topic
    {
        QString id;
        bool markdown = true;
        std::function<QString()> text;
    };
    void render(int row);

    QListWidget* m_topics;
    QTextBrowser* m_text;
    QList<Topic> m_list;
};

} // namespace hostdeck::ui
