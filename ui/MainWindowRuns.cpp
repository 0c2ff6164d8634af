// Starting runs from the main window, their progress, and connection tests.
#include "ui/MainWindow.h"

#include "engine/runner/CallPlan.h"
#include "engine/runner/EngineClient.h"
#include "engine/runner/KeychainCredentialProvider.h"
#include "ui/AppServices.h"
#include "ui/RunCoordinator.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/prompts/Prompts.h"
#include "ui/results/RunTabs.h"
#include "ui/results/RunView.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"

#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QSpinBox>
#include <QStatusBar>

namespace hostdeck::ui {

void MainWindow::onToolsDescribed(quint64 requestId, const QJsonArray& tools, const QString& error)
{
    if (requestId != m_describeId)
        return;
    if (!error.isEmpty()) {
        statusBar()->showMessage(tr("Could not read the tools: %1").arg(error));
        m_prompts->inform(tr("Tools unavailable"), error, true);
        return;
    }
    m_palette->setCatalog(engine::ToolCatalog::fromJson(tools));
    m_toolsLoaded = true;
    statusBar()->showMessage(tr("%n tool(s) ready", nullptr, int(tools.size())), 5000);
    const QString last = m_settings->value(QStringLiteral("run/lastMethod")).toString();
    if (!last.isEmpty())
        m_palette->select(last.section(QLatin1Char('.'), 0, 0), last.section(QLatin1Char('.'), 1));
    updateActions();
    emit toolsReady();
}

void MainWindow::onMethodChosen(const engine::MethodInfo& method)
{
    m_form->setMethod(method);
    m_formError->clear();
    m_checkAction->setToolTip(method.changes ? tr("Dry run")
                                             : tr("This method changes nothing: Check equals Run"));
    updateTabOrder();
    updateActions();
}

void MainWindow::onNoMethodChosen()
{
    // A tool's header is highlighted: nothing is runnable until a method is picked again.
    m_form->clear();
    m_formError->clear();
    updateActions();
}

void MainWindow::updateTargetCount()
{
    const auto selection = m_inventory->resolve(m_targets->text());
    // What is wrong with the targets is said under them, not only in a tooltip.
    if (!selection) {
        m_targetCount->setText(tr("invalid pattern"));
        m_targetCount->setToolTip(selection.error().message);
        m_targetWarning->setText(selection.error().message);
        m_targetWarning->show();
        return;
    }
    m_targetCount->setText(tr("%n host(s)", nullptr, int(selection->hosts.size())));
    m_targetCount->setToolTip(selection->warnings.join(QLatin1Char('\n')));
    QStringList problems = selection->warnings;
    if (selection->hosts.isEmpty() && problems.isEmpty())
        problems << tr("The pattern %1 selects no host.").arg(m_targets->text().trimmed());
    m_targetWarning->setText(problems.join(QLatin1Char('\n')));
    m_targetWarning->setVisible(!problems.isEmpty());
}

bool MainWindow::run(bool check)
{
    if (!m_form->hasMethod()) {
        m_formError->setText(tr("Pick a tool method first."));
        return false;
    }
    const auto args = m_form->args();
    if (!args) {
        m_formError->setText(args.error().message);
        return false;
    }
    const auto selection = m_inventory->resolve(m_targets->text());
    if (!selection || selection->hosts.isEmpty()) {
        m_formError->setText(selection ? tr("The targets select no host.")
                                       : selection.error().message);
        return false;
    }
    m_formError->clear();
    engine::RunRequest request;
    request.targets = selection->hosts;
    request.plan =
        std::make_shared<engine::CallPlan>(m_form->method().tool, m_form->method().name, *args);
    request.options.check = check;
    request.options.forks = m_forks->value();
    request.options.callTimeout = std::chrono::seconds(m_callTimeout->value());
    request.options.deadline = std::chrono::seconds(m_deadline->value());
    request.options.origin = QStringLiteral("gui");
    request.pattern = m_targets->text();
    request.inventory = m_inventory->inventoryPath();
    const int hosts = int(request.targets.size());
    const QString title =
        QStringLiteral("%1 @ %2").arg(m_form->method().fullName(), request.pattern);
    RunView* view = newRunView(QStringLiteral("#%1 %2").arg(++m_runCounter).arg(title), check);
    m_currentRun = m_coordinator->start(std::move(request), view);
    m_progress->setRange(0, hosts);
    m_progress->setValue(0);
    m_counts->setText(tr("starting %n host(s)…", nullptr, hosts));
    m_settings->setValue(QStringLiteral("run/lastMethod"), m_form->method().fullName());
    updateActions();
    emit runStarted(m_currentRun);
    return true;
}

RunView* MainWindow::newRunView(const QString& title, bool check)
{
    return m_runTabs->addRun(title, check);
}

engine::RunHandle* MainWindow::testConnection(const engine::HostTarget& target)
{
    // Its own run and tab: the palette's tool and form stay as they are. Whoever asked shows the
    // outcome where the user is (the host editor, the status line).
    engine::RunRequest request;
    request.targets = {target};
    request.plan =
        std::make_shared<engine::CallPlan>(QStringLiteral("Facts"), QStringLiteral("hostname"));
    request.options.callTimeout = std::chrono::seconds(60);
    request.options.origin = QStringLiteral("gui");
    request.pattern = target.name;
    request.inventory = m_inventory->inventoryPath();
    RunView* view = newRunView(tr("Test connection: %1").arg(target.name));
    const quint64 runId = m_coordinator->start(std::move(request), view);
    statusBar()->showMessage(tr("Testing the connection to %1…").arg(target.name), 5000);
    updateActions();
    return m_coordinator->handle(runId);
}

void MainWindow::cancelRun()
{
    if (m_currentRun)
        m_coordinator->cancel(m_currentRun);
}

bool MainWindow::isRunning() const
{
    return m_coordinator->runningCount() > 0;
}

qint64 MainWindow::lastHistoryId() const
{
    return m_coordinator->historyId(m_currentRun);
}

RunView* MainWindow::currentRunView() const
{
    return qobject_cast<RunView*>(m_runTabs->currentWidget());
}

void MainWindow::onProgress(quint64 runId, const engine::RunSummary& s)
{
    if (runId != m_currentRun)
        return;
    m_progress->setRange(0, std::max(1, s.total));
    m_progress->setValue(s.finished());
    m_counts->setText(tr("ok %1 · changed %2 · failed %3 · unreachable %4")
                          .arg(s.ok)
                          .arg(s.changed)
                          .arg(s.failed)
                          .arg(s.unreachable) +
                      (s.timedOut ? tr(" · timed out %1").arg(s.timedOut) : QString()) +
                      (s.skipped ? tr(" · skipped %1").arg(s.skipped) : QString()) +
                      (s.cancelled ? tr(" · cancelled %1").arg(s.cancelled) : QString()));
}

void MainWindow::onFinished(quint64 runId, const engine::RunSummary& summary)
{
    onProgress(runId, summary);
    statusBar()->showMessage(
        tr("Run finished in %1 s").arg(double(summary.elapsedMs) / 1000.0, 0, 'f', 2), 8000);
    updateActions();
    emit runFinished(runId);
}

void MainWindow::onHostState(const QString& host, engine::HostLinkState state,
                             const engine::Error& error)
{
    m_inventory->setHostState(host, hostStateOf(state, error.kind), error.message);
}

void MainWindow::onHostRecord(const engine::HostResult& record)
{
    // What the run found: a host that answered is connected, one that could not be reached
    // shows why (by the error's kind, never its text).
    if (record.status == engine::HostStatus::Unreachable)
        m_inventory->setHostState(record.host,
                                  hostStateOf(engine::HostLinkState::Failed, record.error.kind),
                                  record.error.message);
    else if (record.status != engine::HostStatus::Skipped &&
             record.status != engine::HostStatus::Cancelled &&
             record.status != engine::HostStatus::TimedOut)
        m_inventory->setHostState(record.host, HostState::Connected);
}

void MainWindow::updateCredentialSource()
{
    m_services.credentials().setInventory(m_inventory->inventory());
}

void MainWindow::updateActions()
{
    const bool ready = m_toolsLoaded && m_form->hasMethod();
    m_runAction->setEnabled(ready);
    m_checkAction->setEnabled(ready);
    m_cancelAction->setEnabled(isRunning());
}

} // namespace hostdeck::ui
