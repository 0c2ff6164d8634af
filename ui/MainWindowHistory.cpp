// The history from the main window: reopening a stored run, running it again, exporting results.
#include "ui/MainWindow.h"

#include "engine/history/RunHistory.h"
#include "engine/runner/CallPlan.h"
#include "ui/RunCoordinator.h"
#include "ui/history/HistoryRecorder.h"
#include "ui/history/HistoryView.h"
#include "ui/history/RerunPlan.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/prompts/Prompts.h"
#include "ui/results/ResultExport.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunTabs.h"
#include "ui/results/RunView.h"
#include "ui/tools/ParameterEditor.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"

#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QSpinBox>
#include <QStatusBar>

namespace hostdeck::ui {

void MainWindow::openHistory()
{
    const QString path =
        m_options.historyPath.isEmpty() ? engine::RunHistory::defaultPath() : m_options.historyPath;
    auto opened = engine::RunHistory::open(path);
    if (!opened) {
        // Reported, never replaced: runs still work, they are just not recorded.
        m_history->setHistory(nullptr, tr("History unavailable: %1").arg(opened.error().message));
        m_prompts->inform(tr("History unavailable"), opened.error().message, true);
        return;
    }
    m_historyDb = std::move(*opened);
    m_recorder->setHistory(m_historyDb.get());
    m_history->setHistory(m_historyDb.get());
}

void MainWindow::reopenRun(qint64 historyId)
{
    if (!m_historyDb)
        return;
    const auto run = m_historyDb->run(historyId);
    const auto results = m_historyDb->results(historyId);
    if (!run || !results) {
        statusBar()->showMessage(!run ? run.error().message : results.error().message, 8000);
        return;
    }
    const QString title =
        tr("history %1 %2")
            .arg(run->startedAt.toString(QStringLiteral("MM-dd HH:mm")), run->toolMethod());
    RunView* view = newRunView(title, run->check);
    // What run.started said, as the history kept it: the export and the summaries need it.
    view->model()->setRunInfo(
        QJsonObject{
            {QStringLiteral("plan"), run->plan},
            {QStringLiteral("targets"), QJsonArray::fromStringList(run->hosts)},
            {QStringLiteral("pattern"), run->pattern},
            {QStringLiteral("inventory"), run->inventory},
            {QStringLiteral("origin"), run->origin},
            {QStringLiteral("options"), QJsonObject{{QStringLiteral("check"), run->check}}}},
        run->startedAt);
    QList<engine::HostResult> list;
    for (const QJsonObject& json : *results)
        list << engine::HostResult::fromJson(json);
    view->model()->addResults(list);
}

std::optional<engine::HostTarget> MainWindow::targetNamed(const QString& host) const
{
    // Exactly that host (a group of the same name would select more).
    const auto resolved = m_inventory->resolve(host);
    if (!resolved)
        return std::nullopt;
    for (const engine::HostTarget& target : resolved->hosts) {
        if (target.name == host)
            return target;
    }
    return std::nullopt;
}

void MainWindow::rerun(const engine::HistoryRun& run)
{
    const engine::Result<RerunPlan> plan = RerunPlan::from(run);
    if (!plan) {
        m_prompts->inform(tr("Cannot re-run"), plan.error().message, true);
        return;
    }
    if (!m_toolsLoaded) {
        statusBar()->showMessage(tr("The tools are still being read; try again in a moment."),
                                 8000);
        return;
    }
    // The catalog decides whether the tool exists, not what the palette's search shows.
    const std::optional<engine::MethodInfo> method =
        m_palette->catalog().method(plan->tool, plan->method);
    if (!method) {
        m_prompts->inform(tr("Cannot re-run"),
                          tr("%1 is not among the tools any more.").arg(plan->toolMethod()), true);
        return;
    }
    QStringList missing;
    for (const QString& host : plan->hosts) {
        if (!targetNamed(host))
            missing << host;
    }
    if (!missing.isEmpty()) {
        m_prompts->inform(tr("Cannot re-run"),
                          tr("These hosts of the run are not in the open inventory any more: %1")
                              .arg(missing.join(QStringLiteral(", "))),
                          true);
        return;
    }
    if (!plan->redacted.isEmpty()) {
        fillFormForRerun(*plan);
        return;
    }
    const bool changes = method->changes && !plan->check;
    if (!changes) {
        startRerun(*plan);
        return;
    }
    QString text = plan->describe();
    if (!plan->inventory.isEmpty() && plan->inventory != m_inventory->inventoryPath())
        text += tr("\n\nIt ran with the inventory %1; the hosts are taken from the open one (%2).")
                    .arg(plan->inventory, m_inventory->inventoryPath());
    text += tr("\n\nThis changes the hosts. Run it again?");
    const RerunPlan confirmed = *plan;
    m_prompts->confirm(tr("Re-run %1").arg(plan->toolMethod()), text, this,
                       [this, confirmed](bool yes) {
                           if (yes)
                               startRerun(confirmed);
                       });
}

void MainWindow::startRerun(const RerunPlan& plan)
{
    engine::RunRequest request;
    for (const QString& host : plan.hosts) {
        std::optional<engine::HostTarget> target = targetNamed(host);
        if (!target) {
            statusBar()->showMessage(tr("%1 is not in the inventory any more").arg(host), 8000);
            return;
        }
        request.targets << *target;
    }
    auto call = std::make_shared<engine::CallPlan>(plan.tool, plan.method, plan.args);
    for (auto it = plan.hostArgs.cbegin(); it != plan.hostArgs.cend(); ++it)
        call->setHostArgs(it.key(), it.value());
    request.plan = call;
    request.options.check = plan.check;
    request.options.forks = m_forks->value();
    request.options.callTimeout = std::chrono::seconds(m_callTimeout->value());
    request.options.deadline = std::chrono::seconds(m_deadline->value());
    request.options.origin = QStringLiteral("gui");
    request.pattern = plan.hosts.join(QLatin1Char(':'));
    request.inventory = m_inventory->inventoryPath();
    const int hosts = int(request.targets.size());
    RunView* view = newRunView(
        tr("#%1 re-run %2 @ %3").arg(++m_runCounter).arg(plan.toolMethod(), request.pattern),
        plan.check);
    m_currentRun = m_coordinator->start(std::move(request), view);
    m_progress->setRange(0, hosts);
    m_progress->setValue(0);
    m_counts->setText(tr("starting %n host(s)…", nullptr, hosts));
    updateActions();
    emit runStarted(m_currentRun);
}

void MainWindow::fillFormForRerun(const RerunPlan& plan)
{
    // Secrets were never stored: the form gets everything else, the user types them again.
    if (!m_palette->select(plan.tool, plan.method))
        return;
    m_form->resetToDefaults();
    m_form->setArgs(plan.args);
    m_targets->setText(plan.hosts.join(QLatin1Char(':')));
    m_formError->setText(tr("Type the secret(s) %1 again, then Run or Check.")
                             .arg(plan.redacted.join(QStringLiteral(", "))));
    if (ParameterEditor* first = m_form->editor(plan.redacted.constFirst()))
        first->inputWidget()->setFocus();
}

void MainWindow::exportRun(RunView* view)
{
    QPointer<RunView> guard(view);
    m_prompts->askSaveFile(
        tr("Export results"), QStringLiteral("results.json"), tr("JSON (*.json);;CSV (*.csv)"),
        this, [this, guard](const QString& path) {
            if (path.isEmpty() || !guard)
                return;
            // What the view shows (its filter applied), with what the run was.
            const QList<engine::HostResult> shown = guard->shownResults();
            const QJsonObject run = ResultExport::runMetadata(
                *guard->model(), guard->shownDescription(), int(shown.size()));
            const engine::Status written = ResultExport::write(shown, path, run);
            statusBar()->showMessage(
                written ? tr("Exported %n host(s) to %1", nullptr, int(shown.size())).arg(path)
                        : written.error().message,
                8000);
        });
}

} // namespace hostdeck::ui
