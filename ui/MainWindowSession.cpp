// The main window's session: settings (layout, targets, run options), the title, and closing
// with unsaved work (inventory, template) through the prompts seam.
#include "ui/MainWindow.h"

#include "ui/inventory/InventoryDock.h"
#include "ui/prompts/PromptsTemplatePrompts.h"
#include "ui/results/RunTabs.h"
#include "ui/template/TemplateDocument.h"
#include "ui/template/TemplateEditorWindow.h"

#include <QLineEdit>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>

namespace hostdeck::ui {

std::shared_ptr<TemplatePrompts> MainWindow::templatePrompts()
{
    // A test's scripted answers, else the application's own prompts seam.
    if (!m_templatePrompts)
        m_templatePrompts = m_options.templatePrompts
                                ? m_options.templatePrompts
                                : std::make_shared<PromptsTemplatePrompts>(m_prompts);
    return m_templatePrompts;
}

bool MainWindow::hasUnsavedWork() const
{
    return m_inventory->isModified() ||
           (m_templateEditor && m_templateEditor->document()->isModified());
}

void MainWindow::guardUnsavedWork(std::function<void(bool)> then)
{
    // The inventory first, then the template: each answer leads to the next question.
    QPointer<MainWindow> self(this);
    m_inventory->guardUnsaved([self, then](bool proceed) {
        if (!self || !proceed)
            return then(false);
        if (!self->m_templateEditor || !self->m_templateEditor->document()->isModified())
            return then(true);
        self->m_templateEditor->show();
        self->m_templateEditor->raise();
        self->m_templateEditor->guardUnsaved(then);
    });
}

void MainWindow::updateTitle()
{
    // "fleet.yml * — Hostdeck": the star says there is something to save.
    setWindowTitle(tr("%1[*] — Hostdeck").arg(m_inventory->displayName()));
    setWindowModified(m_inventory->isModified());
}

void MainWindow::persistRunOptions()
{
    m_settings->setValue(QStringLiteral("run/forks"), m_forks->value());
    m_settings->setValue(QStringLiteral("run/callTimeout"), m_callTimeout->value());
    m_settings->setValue(QStringLiteral("run/deadline"), m_deadline->value());
}

void MainWindow::restoreSettings()
{
    restoreGeometry(m_settings->value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(m_settings->value(QStringLiteral("window/state")).toByteArray());
    m_mainSplitter->restoreState(
        m_settings->value(QStringLiteral("window/mainSplitter")).toByteArray());
    m_centerSplitter->restoreState(
        m_settings->value(QStringLiteral("window/centerSplitter")).toByteArray());
    m_targets->setText(
        m_settings->value(QStringLiteral("run/targets"), QStringLiteral("localhost")).toString());
    m_forks->setValue(m_settings->value(QStringLiteral("run/forks"), m_forks->value()).toInt());
    m_callTimeout->setValue(
        m_settings->value(QStringLiteral("run/callTimeout"), m_callTimeout->value()).toInt());
    m_deadline->setValue(
        m_settings->value(QStringLiteral("run/deadline"), m_deadline->value()).toInt());
    m_inventory->setRecentFiles(
        m_settings->value(QStringLiteral("inventory/recent")).toStringList());
    const QString inventory = m_options.inventoryPath.isEmpty()
                                  ? m_settings->value(QStringLiteral("inventory/last")).toString()
                                  : m_options.inventoryPath;
    if (!inventory.isEmpty()) {
        if (engine::Status opened = m_inventory->openFile(inventory); !opened)
            statusBar()->showMessage(opened.error().message, 10000);
    }
}

void MainWindow::saveSettings()
{
    m_settings->setValue(QStringLiteral("window/geometry"), saveGeometry());
    m_settings->setValue(QStringLiteral("window/state"), saveState());
    m_settings->setValue(QStringLiteral("window/mainSplitter"), m_mainSplitter->saveState());
    m_settings->setValue(QStringLiteral("window/centerSplitter"), m_centerSplitter->saveState());
    m_settings->setValue(QStringLiteral("run/targets"), m_targets->text());
    persistRunOptions();
    m_settings->setValue(QStringLiteral("inventory/last"), m_inventory->inventoryPath());
    m_settings->setValue(QStringLiteral("inventory/recent"), m_inventory->recentFiles());
    m_runTabs->saveLayout();
    m_settings->sync();
}

} // namespace hostdeck::ui
