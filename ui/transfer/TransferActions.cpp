#include "ui/transfer/TransferActions.h"

#include "engine/runner/EngineClient.h"
#include "engine/transfer/CopyPlan.h"
#include "engine/transfer/FetchPlan.h"
#include "ui/history/HistoryRecorder.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/inventory/InventoryModel.h"
#include "ui/results/RunView.h"
#include "ui/transfer/InventoryDropHandler.h"
#include "ui/transfer/TransferDialog.h"
#include "ui/transfer/TransferPanel.h"
#include "ui/transfer/TransferPicker.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QItemSelectionModel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QStyle>
#include <QTabWidget>
#include <QTreeView>

namespace hostdeck::ui {

TransferActions::TransferActions(const TransferServices& services, QMainWindow* window)
    : QObject(window), m_services(services), m_window(window), m_picker(new TransferPicker(this)),
      m_panel(new TransferPanel(window)), m_dock(new QDockWidget(tr("Transfers"), window)),
      m_copyAction(new QAction(tr("&Copy Files to Hosts…"), this)),
      m_fetchAction(new QAction(tr("&Fetch from Hosts…"), this))
{
    setObjectName(QStringLiteral("transferActions"));
    m_copyAction->setObjectName(QStringLiteral("copyFilesAction"));
    m_copyAction->setIcon(window->style()->standardIcon(QStyle::SP_ArrowUp));
    m_copyAction->setToolTip(tr("Copy local files and folders to the selected hosts"));
    m_fetchAction->setObjectName(QStringLiteral("fetchFilesAction"));
    m_fetchAction->setIcon(window->style()->standardIcon(QStyle::SP_ArrowDown));
    m_fetchAction->setToolTip(tr("Fetch a file or folder from the selected hosts, one local "
                                 "subfolder per host"));
    connect(m_copyAction, &QAction::triggered, this, [this] { openCopyDialog(); });
    connect(m_fetchAction, &QAction::triggered, this, [this] { openFetchDialog(); });

    m_dock->setObjectName(QStringLiteral("transferDock"));
    m_dock->setWidget(m_panel);
    window->addDockWidget(Qt::BottomDockWidgetArea, m_dock);
    m_dock->hide();

    QMenu* menu = window->menuBar()->addMenu(tr("F&iles"));
    menu->setObjectName(QStringLiteral("filesMenu"));
    menu->addAction(m_copyAction);
    menu->addAction(m_fetchAction);
    menu->addSeparator();
    menu->addAction(m_dock->toggleViewAction());

    if (m_services.inventory && m_services.inventory->view()) {
        m_drop = new InventoryDropHandler(
            m_services.inventory->view(),
            [this](const QModelIndex& index) { return patternAt(index); }, this);
        connect(m_drop, &InventoryDropHandler::filesDropped, this,
                [this](const QStringList& paths, const QString& pattern) {
                    openCopyDialog(paths, pattern);
                });
    }
}

TransferActions::~TransferActions() = default;

TransferDialog* TransferActions::dialog() const
{
    return m_dialog;
}

RunView* TransferActions::lastRunView() const
{
    return m_lastView;
}

QString TransferActions::patternAt(const QModelIndex& index) const
{
    const QModelIndex first = index.siblingAtColumn(0);
    // Dropped on one of several selected rows: the whole selection is meant.
    QTreeView* view = m_services.inventory->view();
    if (view->selectionModel() &&
        view->selectionModel()->isRowSelected(first.row(), first.parent()))
        if (const QString selection = m_services.inventory->selectionPattern();
            !selection.isEmpty())
            return selection;
    return first.data(InventoryModel::NameRole).toString();
}

TransferDialog* TransferActions::openCopyDialog(const QStringList& sources, const QString& pattern)
{
    TransferDialog* dialog = openDialog(true, pattern);
    dialog->addSources(sources);
    return dialog;
}

TransferDialog* TransferActions::openFetchDialog(const QString& pattern)
{
    return openDialog(false, pattern);
}

TransferDialog* TransferActions::openDialog(bool copy, const QString& pattern)
{
    if (m_dialog)
        m_dialog->close();
    auto* dialog = new TransferDialog(
        copy ? TransferDialog::Mode::Copy : TransferDialog::Mode::Fetch, m_picker, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString targets = !pattern.isEmpty() || !m_services.inventory
                                ? pattern
                                : m_services.inventory->selectionPattern();
    dialog->setTargets(targets);
    connect(dialog, &TransferDialog::submitted, this, [this, dialog] { submit(dialog); });
    m_dialog = dialog;
    dialog->open();
    return dialog;
}

void TransferActions::submit(TransferDialog* dialog)
{
    const bool check = dialog->checkOnly();
    std::shared_ptr<const engine::Plan> plan;
    QString what;
    if (dialog->mode() == TransferDialog::Mode::Copy) {
        engine::Result<engine::CopyOptions> options = dialog->copyOptions();
        if (!options)
            return dialog->showError(options.error().message);
        // Scanned here, once, before the run (a few ms for thousands of files).
        auto created = engine::CopyPlan::create(dialog->sources(), *options);
        if (!created)
            return dialog->showError(created.error().message);
        plan = *created;
        what = tr("Copy to %1").arg(dialog->remote());
    } else {
        engine::FetchJob job;
        job.remote = dialog->remote();
        job.localDir = QDir::cleanPath(QDir::current().absoluteFilePath(dialog->localDir()));
        job.checksum = dialog->checksum();
        auto created = engine::FetchPlan::create(std::move(job));
        if (!created)
            return dialog->showError(created.error().message);
        plan = *created;
        what = tr("Fetch %1").arg(dialog->remote());
    }
    const QString title = QStringLiteral("#T%1 %2%3 @ %4")
                              .arg(++m_count)
                              .arg(what, check ? tr(" (check)") : QString(), dialog->targets());
    engine::Result<engine::RunHandle*> run = start(plan, dialog->targets(), check, title);
    if (!run)
        return dialog->showError(run.error().message);
    dialog->accept();
}

engine::Result<engine::RunHandle*> TransferActions::start(std::shared_ptr<const engine::Plan> plan,
                                                          const QString& pattern, bool check,
                                                          const QString& title)
{
    if (!m_services.engine || !m_services.inventory)
        return engine::makeError(engine::ErrorKind::Closed, tr("The engine is not running."));
    engine::Result<engine::ResolvedTargets> selection = m_services.inventory->resolve(pattern);
    if (!selection)
        return selection.error();
    if (selection->hosts.isEmpty())
        return engine::makeError(engine::ErrorKind::Usage,
                                 tr("Targets: '%1' selects no host.").arg(pattern));
    engine::RunRequest request;
    request.targets = selection->hosts;
    request.plan = std::move(plan);
    request.options.check = check;
    request.options.origin = QStringLiteral("gui");
    request.pattern = pattern;
    request.inventory = m_services.inventory->inventoryPath();
    engine::RunHandle* run = m_services.engine->startRun(std::move(request));
    if (m_services.runTabs) {
        auto* view = new RunView(m_services.runTabs);
        m_services.runTabs->setCurrentIndex(m_services.runTabs->addTab(view, title));
        view->attach(run);
        m_lastView = view;
    }
    if (m_services.recorder)
        m_services.recorder->record(run);
    m_panel->attach(run, title);
    m_dock->show();
    m_dock->raise();
    emit transferStarted(run->id());
    return run;
}

} // namespace hostdeck::ui
