#include "ui/help/HelpCenter.h"

#include "ui/help/HelpBrowser.h"
#include "ui/history/HistoryView.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/results/RunView.h"
#include "ui/template/TemplateEditorWindow.h"
#include "ui/tools/ParamHelp.h"
#include "ui/tools/ParameterForm.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QHBoxLayout>
#include <QIcon>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QVBoxLayout>

#include <map>

namespace hostdeck::ui {

namespace {

QString plainText(QString text)
{
    return text.remove(QLatin1Char('&'));
}

QString escaped(const QString& text)
{
    return text.toHtmlEscaped();
}

/// A doc string as HTML paragraphs (blank lines separate them).
QString paragraphs(const QString& doc)
{
    QString html;
    for (const QString& paragraph : doc.split(QStringLiteral("\n\n"), Qt::SkipEmptyParts))
        html += QStringLiteral("<p>%1</p>").arg(escaped(paragraph.simplified()));
    return html;
}

} // namespace

HelpCenter::HelpCenter(QMainWindow* window) : QObject(window), m_window(window) {}

HelpBrowser* HelpCenter::browser() const
{
    return m_browser;
}

QDialog* HelpCenter::aboutDialog() const
{
    return m_about;
}

QString HelpCenter::document(const QString& name)
{
    QFile file(QStringLiteral(":/hostdeck/docs/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return tr("# Missing\n\nThe document %1 is not part of this build.").arg(name);
    return QString::fromUtf8(file.readAll());
}

QMenu* HelpCenter::buildMenu()
{
    QMenu* menu = m_window->menuBar()->addMenu(tr("&Help"));
    menu->setObjectName(QStringLiteral("helpMenu"));
    QAction* help = menu->addAction(tr("Hostdeck &help"), this, &HelpCenter::showContextHelp);
    help->setObjectName(QStringLiteral("helpAction"));
    help->setShortcut(QKeySequence::HelpContents);
    help->setToolTip(tr("Help about what has the focus (F1)"));
    QAction* syntax = menu->addAction(tr("&Template syntax"), this,
                                      [this] { showTopic(QStringLiteral("templates")); });
    syntax->setObjectName(QStringLiteral("templateSyntaxHelpAction"));
    QAction* keys = menu->addAction(tr("&Keyboard shortcuts"), this,
                                    [this] { showTopic(QStringLiteral("shortcuts")); });
    keys->setObjectName(QStringLiteral("shortcutsHelpAction"));
    QAction* tools = menu->addAction(tr("T&ools and their parameters"), this,
                                     [this] { showTopic(QStringLiteral("tools")); });
    tools->setObjectName(QStringLiteral("toolsHelpAction"));
    menu->addSeparator();
    QAction* about = menu->addAction(tr("&About Hostdeck"), this, &HelpCenter::showAbout);
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
    return menu;
}

HelpBrowser* HelpCenter::ensureBrowser()
{
    if (m_browser)
        return m_browser;
    m_browser = new HelpBrowser(m_window);
    m_browser->setWindowIcon(m_window->windowIcon());
    m_browser->addTopic(QStringLiteral("guide"), tr("Using Hostdeck"), true,
                        [] { return document(QStringLiteral("GUI.md")); });
    m_browser->addTopic(QStringLiteral("templates"), tr("Template syntax"), true,
                        [] { return document(QStringLiteral("TEMPLATES.md")); });
    m_browser->addTopic(QStringLiteral("shortcuts"), tr("Keyboard shortcuts"), false,
                        [this] { return shortcutsHtml(); });
    m_browser->addTopic(QStringLiteral("tools"), tr("Tools and their parameters"), false,
                        [this] { return toolsHtml(); });
    return m_browser;
}

void HelpCenter::showTopic(const QString& topic, const QString& anchor)
{
    HelpBrowser* browser = ensureBrowser();
    browser->showTopic(topic, anchor);
    browser->show();
    browser->raise();
    browser->activateWindow();
}

void HelpCenter::showContextHelp()
{
    // The nearest thing with help of its own, from the focus outwards.
    for (QWidget* w = QApplication::focusWidget(); w; w = w->parentWidget()) {
        if (const auto* form = qobject_cast<ParameterForm*>(w); form && form->hasMethod())
            return showTopic(QStringLiteral("tools"), form->method().fullName());
        if (qobject_cast<TemplateEditorWindow*>(w))
            return showTopic(QStringLiteral("templates"));
        if (qobject_cast<InventoryDock*>(w))
            return showTopic(QStringLiteral("guide"), tr("Inventory"));
        if (qobject_cast<HistoryView*>(w))
            return showTopic(QStringLiteral("guide"), tr("History"));
        if (qobject_cast<RunView*>(w))
            return showTopic(QStringLiteral("guide"), tr("Results"));
    }
    showTopic(QStringLiteral("guide"));
}

QString HelpCenter::shortcutsHtml() const
{
    // Every action with a shortcut, in the window it belongs to, sorted by what it does.
    std::map<QString, QStringList> rows;
    for (const QAction* action : m_window->findChildren<QAction*>()) {
        if (action->shortcuts().isEmpty() || action->text().isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence& key : action->shortcuts())
            keys << key.toString(QKeySequence::NativeText);
        const QWidget* owner = qobject_cast<QWidget*>(action->parent());
        const QString where = owner && qobject_cast<const TemplateEditorWindow*>(owner->window())
                                  ? tr("template editor")
                              : qobject_cast<const InventoryDock*>(action->parent())
                                  ? tr("inventory")
                                  : tr("main window");
        rows[plainText(action->text()) + QLatin1Char('\x1f') + where] =
            QStringList{keys.join(QStringLiteral(", ")), where};
    }
    QString html = QStringLiteral("<h1>%1</h1><table cellpadding=4>"
                                  "<tr><th align=left>%2</th><th align=left>%3</th>"
                                  "<th align=left>%4</th></tr>")
                       .arg(tr("Keyboard shortcuts"), tr("Action"), tr("Keys"), tr("Where"));
    for (const auto& [key, value] : rows)
        html += QStringLiteral("<tr><td>%1</td><td><b>%2</b></td><td>%3</td></tr>")
                    .arg(escaped(key.section(QLatin1Char('\x1f'), 0, 0)), escaped(value.at(0)),
                         escaped(value.at(1)));
    return html + QStringLiteral("</table>");
}

QString HelpCenter::toolsHtml() const
{
    if (m_catalog.isEmpty())
        return tr("<p>The tool descriptions are still being read.</p>");
    QString html = QStringLiteral("<h1>%1</h1>").arg(tr("Tools and their parameters"));
    for (const engine::ToolInfo& tool : m_catalog.tools()) {
        html += QStringLiteral("<h2>%1%2</h2>")
                    .arg(escaped(tool.name), tool.custom ? tr(" (custom)") : QString());
        html += paragraphs(tool.doc);
        for (const engine::MethodInfo& method : tool.methods) {
            if (method.internal)
                continue;
            html += QStringLiteral("<a name=\"%1\"></a><h3>%1%2</h3>")
                        .arg(escaped(method.fullName()),
                             method.changes ? tr(" — changes the host") : QString());
            html += paragraphs(method.doc);
            if (method.params.isEmpty()) {
                html += tr("<p>No parameters.</p>");
                continue;
            }
            html += QStringLiteral("<table cellpadding=3 border=0>");
            for (const engine::ParamInfo& param : method.params) {
                const QString help = ParamHelp::text(method, param);
                html +=
                    QStringLiteral("<tr><td valign=top><b>%1</b>%2</td><td valign=top>"
                                   "<code>%3</code></td><td>%4</td></tr>")
                        .arg(escaped(param.name), param.required ? QStringLiteral(" *") : QString(),
                             escaped(param.annotation), escaped(help));
            }
            html += QStringLiteral("</table>");
        }
    }
    return html;
}

void HelpCenter::showAbout()
{
    if (!m_about) {
        auto* dialog = new QDialog(m_window);
        dialog->setObjectName(QStringLiteral("aboutDialog"));
        dialog->setWindowTitle(tr("About Hostdeck"));
        auto* icon = new QLabel(dialog);
        icon->setPixmap(QIcon(QStringLiteral(":/hostdeck/icons/hostdeck.svg")).pixmap(64, 64));
        auto* text = new QLabel(dialog);
        text->setObjectName(QStringLiteral("aboutText"));
        text->setTextFormat(Qt::RichText);
        text->setWordWrap(true);
        text->setTextInteractionFlags(Qt::TextBrowserInteraction);
        text->setText(
            tr("<h2>Hostdeck %1</h2><p>Controls fleets of Linux hosts that have nothing installed "
               "but python3: over SSH or locally, a small agent is streamed into the host's own "
               "interpreter, and tools are called on it. Nothing is left behind on the hosts.</p>"
               "<p>Built with Qt %2, running on Qt %3.</p>"
               "<p>Help ▸ Hostdeck help (F1) explains the app; <code>hostdeck-cli --help</code> "
               "the command line.</p>")
                .arg(QStringLiteral(HOSTDECK_VERSION), QStringLiteral(QT_VERSION_STR),
                     QString::fromLatin1(qVersion())));
        auto* row = new QHBoxLayout;
        row->addWidget(icon, 0, Qt::AlignTop);
        row->addWidget(text, 1);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
        connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
        auto* layout = new QVBoxLayout(dialog);
        layout->addLayout(row);
        layout->addWidget(buttons);
        dialog->resize(460, 260);
        m_about = dialog;
    }
    m_about->show();
    m_about->raise();
}

} // namespace hostdeck::ui
