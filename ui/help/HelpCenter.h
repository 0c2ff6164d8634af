#pragma once

#include "engine/agent/ToolCatalog.h"

#include <QObject>
#include <QPointer>

class QDialog;
class QMainWindow;
class QMenu;

namespace hostdeck::ui {

class HelpBrowser;

/// Help for the desktop app: the Help menu (Hostdeck help on F1, template syntax, keyboard
/// shortcuts, tools and their parameters, About), context help for the widget with the focus
/// (a form field opens its tool's parameters), and the help window itself.
class HelpCenter final : public QObject
{
    Q_OBJECT
public:
    explicit HelpCenter(QMainWindow* window);

    /// The Help menu, added to the window's menu bar.
    QMenu* buildMenu();
    /// The tools the "Tools" topic describes.
    void setCatalog(const engine::ToolCatalog& catalog) { m_catalog = catalog; }
    /// `topic`: guide, templates, shortcuts, tools (anchor: Tool.method), about.
    void showTopic(const QString& topic, const QString& anchor = {});
    /// Help about what has the focus (F1).
    void showContextHelp();
    void showAbout();
    HelpBrowser* browser() const;
    QDialog* aboutDialog() const;

    /// The Markdown of a bundled document (`TEMPLATES.md`, `GUI.md`).
    static QString document(const QString& name);
    /// Every shortcut of the window's actions, as an HTML table.
    QString shortcutsHtml() const;
    /// Every tool method with its parameters (type, default, help), as HTML with an anchor per
    /// method (`Tool.method`).
    QString toolsHtml() const;

private:
    HelpBrowser* ensureBrowser();

    QMainWindow* m_window;
    engine::ToolCatalog m_catalog;
    QPointer<HelpBrowser> m_browser;
    QPointer<QDialog> m_about;
};

} // namespace hostdeck::ui
