// The main window's workflows added around its core: Help (F1, About), the fleet overview, the
// keyboard order through the form, the title, and what the inventory and palette say.
#include "ui/MainWindow.h"

#include "ui/AppServices.h"
#include "ui/help/HelpCenter.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/overview/FleetOverview.h"
#include "ui/prompts/Prompts.h"
#include "ui/tools/ParameterEditor.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"

#include <QAction>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QSpinBox>
#include <QStatusBar>
#include <QToolBar>

namespace hostdeck::ui {

void MainWindow::addWorkflowActions()
{
    m_overviewAction = new QAction(tr("&Fleet overview"), this);
    m_overviewAction->setObjectName(QStringLiteral("fleetOverviewAction"));
    m_overviewAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_overviewAction->setToolTip(
        tr("The facts of the targets in one table, with charts (Ctrl+Shift+O)"));
    connect(m_overviewAction, &QAction::triggered, this, &MainWindow::openFleetOverview);
    if (auto* view = menuBar()->findChild<QMenu*>(QStringLiteral("viewMenu")))
        view->insertAction(view->actions().value(0), m_overviewAction);
    if (auto* bar = findChild<QToolBar*>(QStringLiteral("runToolBar")))
        bar->addAction(m_overviewAction);
    m_help = new HelpCenter(this);
    m_help->buildMenu();
}

void MainWindow::wireWorkflows()
{
    connect(m_palette, &ToolPalette::noMethodChosen, this, &MainWindow::onNoMethodChosen);
    connect(m_inventory, &InventoryDock::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_inventory, &InventoryDock::inventoryChanged, this, &MainWindow::updateTitle);
    m_inventory->setConnectionTester(
        [this](const engine::HostTarget& target) { return testConnection(target); });
    // The run options are remembered as soon as they change.
    for (QSpinBox* box : {m_forks, m_callTimeout, m_deadline})
        connect(box, &QSpinBox::valueChanged, this, &MainWindow::persistRunOptions);
    connect(this, &MainWindow::toolsReady, this,
            [this] { m_help->setCatalog(m_palette->catalog()); });
    updateTitle();
}

void MainWindow::updateTabOrder()
{
    // Tab walks targets → the form's fields → the run options → Run, Check, Cancel (the editors
    // are made after the window, so they would come last otherwise).
    QList<QWidget*> chain{m_targets};
    for (ParameterEditor* editor : m_form->editors())
        chain << editor->inputWidget();
    chain << m_formTail;
    for (int i = 1; i < chain.size(); ++i)
        setTabOrder(chain.at(i - 1), chain.at(i));
}

FleetOverview* MainWindow::fleetOverview() const
{
    return m_overview;
}

void MainWindow::openFleetOverview()
{
    if (!m_overview) {
        m_overview = new FleetOverview(m_engine, m_recorder, this);
        m_overview->setWindowIcon(windowIcon());
        connect(m_overview, &FleetOverview::hostsChosen, this,
                [this](const QStringList& hosts, const QString& what) {
                    m_inventory->selectHosts(hosts);
                    m_targets->setText(hosts.join(QLatin1Char(':')));
                    statusBar()->showMessage(
                        tr("Targets: the %n host(s) with %1", nullptr, int(hosts.size())).arg(what),
                        8000);
                });
    }
    const auto selection = m_inventory->resolve(m_targets->text());
    if (!selection) {
        m_prompts->inform(tr("Fleet overview"), selection.error().message, true);
        return;
    }
    m_overview->show();
    m_overview->raise();
    m_overview->activateWindow();
    m_overview->gather(selection->hosts, m_targets->text(), m_inventory->inventoryPath());
}

} // namespace hostdeck::ui
