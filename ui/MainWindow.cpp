#include "ui/MainWindow.h"

#include "engine/history/RunHistory.h"
#include "engine/runner/CallPlan.h"
#include "engine/runner/EngineClient.h"
#include "engine/runner/KeychainCredentialProvider.h"
#include "ui/AppServices.h"
#include "ui/RunCoordinator.h"
#include "ui/api/ApiToggle.h"
#include "ui/help/HelpCenter.h"
#include "ui/history/HistoryRecorder.h"
#include "ui/history/HistoryView.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/overview/FleetOverview.h"
#include "ui/prompts/Prompts.h"
#include "ui/recipe/RecipeHooks.h"
#include "ui/results/LogPane.h"
#include "ui/results/ResultExport.h"
#include "ui/results/ResultText.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunTabs.h"
#include "ui/results/RunView.h"
#include "ui/template/TemplateEditorWindow.h"
#include "ui/template/TemplatePrompts.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"
#include "ui/transfer/TransferActions.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>

namespace hostdeck::ui {

MainWindow::MainWindow(AppServices& services, MainWindowOptions options, QWidget* parent)
    : QMainWindow(parent), m_services(services), m_options(std::move(options)),
      m_prompts(services.prompts()), m_engine(services.engine())
{
    m_prompts->setWindow(this);
    setWindowTitle(tr("Hostdeck"));
    setObjectName(QStringLiteral("mainWindow"));
    m_settings = m_options.settingsPath.isEmpty()
                     ? std::make_unique<QSettings>()
                     : std::make_unique<QSettings>(m_options.settingsPath, QSettings::IniFormat);
    m_recorder = new HistoryRecorder(this);
    m_coordinator = new RunCoordinator(m_engine, m_recorder, this);

    buildLayout();
    buildActions();
    new TransferActions({m_engine, m_recorder, m_inventory, m_runTabs}, this); // ui/transfer
    RecipeHooks::install(this, m_services); // recipe editor menu, history "Save as recipe"
    openHistory();
    restoreSettings();

    connect(m_engine, &engine::EngineClient::toolsDescribed, this, &MainWindow::onToolsDescribed);
    connect(m_engine, &engine::EngineClient::logReceived, m_log, &LogPane::append);
    connect(m_engine, &engine::EngineClient::hostStateChanged, this, &MainWindow::onHostState);
    connect(m_coordinator, &RunCoordinator::progress, this, &MainWindow::onProgress);
    connect(m_coordinator, &RunCoordinator::finished, this, &MainWindow::onFinished);
    connect(m_recorder, &HistoryRecorder::historyChanged, m_history, &HistoryView::refresh);
    connect(m_recorder, &HistoryRecorder::historyError, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10000); });
    connect(m_palette, &ToolPalette::methodChosen, this, &MainWindow::onMethodChosen);
    connect(m_targets, &QLineEdit::textChanged, this, &MainWindow::updateTargetCount);
    connect(m_inventory, &InventoryDock::selectionPatternChanged, this,
            [this](const QString& pattern) {
                if (!pattern.isEmpty())
                    m_targets->setText(pattern);
            });
    connect(m_inventory, &InventoryDock::inventoryChanged, this, &MainWindow::updateTargetCount);
    connect(m_inventory, &InventoryDock::inventoryChanged, this,
            &MainWindow::updateCredentialSource);
    connect(m_inventory, &InventoryDock::statusMessage, this,
            [this](const QString& message) { statusBar()->showMessage(message, 8000); });
    connect(m_inventory, &InventoryDock::testConnectionRequested, this,
            [this](const engine::HostTarget& target) { testConnection(target); });
    connect(m_coordinator, &RunCoordinator::hostFinished, this, &MainWindow::onHostRecord);
    connect(m_history, &HistoryView::reopenRequested, this, &MainWindow::reopenRun);
    connect(m_history, &HistoryView::rerunRequested, this, &MainWindow::rerun);
    wireWorkflows();

    updateCredentialSource();
    m_describeId = m_engine->describeTools();
    statusBar()->showMessage(tr("Reading the tool descriptions…"));
    updateTargetCount();
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions()
{
    m_runAction = new QAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Run"), this);
    m_runAction->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    m_checkAction = new QAction(style()->standardIcon(QStyle::SP_DialogApplyButton),
                                tr("C&heck (dry run)"), this);
    m_checkAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return));
    m_cancelAction =
        new QAction(style()->standardIcon(QStyle::SP_MediaStop), tr("&Cancel run"), this);
    m_cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    connect(m_runAction, &QAction::triggered, this, [this] { run(false); });
    connect(m_checkAction, &QAction::triggered, this, [this] { run(true); });
    connect(m_cancelAction, &QAction::triggered, this, &MainWindow::cancelRun);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addActions(m_inventory->fileActions());
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* runMenu = menuBar()->addMenu(tr("&Run"));
    runMenu->addAction(m_runAction);
    runMenu->addAction(m_checkAction);
    runMenu->addAction(m_cancelAction);

    m_templateAction = new QAction(QIcon(QStringLiteral(":/hostdeck/icons/template-editor.svg")),
                                   tr("&Template editor…"), this);
    m_templateAction->setObjectName(QStringLiteral("templateEditorAction"));
    m_templateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_templateAction->setToolTip(
        tr("Edit a config template with a live preview, diff and deploy it (Ctrl+T)"));
    connect(m_templateAction, &QAction::triggered, this, &MainWindow::openTemplateEditor);
    QMenu* tools = menuBar()->addMenu(tr("T&ools"));
    tools->addAction(m_templateAction);
    // Tools > Serve REST API (off by default): ui/api/ApiToggle.
    auto* api = new ApiToggle(m_services, m_inventory, m_options.historyPath, m_prompts, this);
    connect(api, &ApiToggle::statusMessage, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10000); });
    tools->addSeparator();
    tools->addAction(api->action());

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    QAction* search = view->addAction(tr("Search &tools"));
    search->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    connect(search, &QAction::triggered, this, [this] {
        m_palette->searchField()->setFocus();
        m_palette->searchField()->selectAll();
    });
    QAction* targets = view->addAction(tr("Edit t&argets"));
    targets->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(targets, &QAction::triggered, this, [this] {
        m_targets->setFocus();
        m_targets->selectAll();
    });
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());

    QToolBar* bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("runToolBar"));
    bar->addAction(m_runAction);
    bar->addAction(m_checkAction);
    bar->addAction(m_cancelAction);
    bar->addSeparator();
    bar->addAction(m_templateAction);
    addWorkflowActions();
}

TemplateEditorWindow* MainWindow::templateEditor() const
{
    return m_templateEditor;
}

void MainWindow::openTemplateEditor()
{
    if (!m_templateEditor) {
        TemplateEditorContext context;
        context.engine = m_engine;
        context.prompts = templatePrompts().get();
        context.settings = m_settings.get();
        context.recorder = m_recorder;
        // The same mapping as a run from this window (TargetFactory with the same settings).
        context.targetSettings = m_services.targetSettings();
        m_templateEditor = new TemplateEditorWindow(std::move(context), this);
        m_templateEditor->setWindowFlag(Qt::Window);
        m_templateEditor->setWindowIcon(windowIcon());
        // A new inventory reaches an open editor at once.
        connect(m_inventory, &InventoryDock::inventoryChanged, m_templateEditor, [this] {
            if (m_templateEditor)
                m_templateEditor->setInventory(m_inventory->inventory(),
                                               m_inventory->inventoryPath());
        });
        connect(m_templateEditor, &TemplateEditorWindow::helpRequested, m_help,
                [this](const QString& topic) { m_help->showTopic(topic); });
    }
    m_templateEditor->setInventory(m_inventory->inventory(), m_inventory->inventoryPath());
    m_templateEditor->show();
    m_templateEditor->raise();
    m_templateEditor->activateWindow();
}

QTabWidget* MainWindow::runTabs() const
{
    return m_runTabs;
}

void MainWindow::applyPaletteColors()
{
    // From the palette, never hard-coded: the error text stays readable on light and dark themes.
    QPalette errorPalette = m_formError->palette();
    const bool dark = QWidget::palette().color(QPalette::Window).lightness() < 128;
    errorPalette.setColor(QPalette::WindowText,
                          ResultText::statusColor(ResultText::Status::Failed, dark));
    m_formError->setPalette(errorPalette);
    m_targetWarning->setPalette(errorPalette);
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange && m_formError)
        applyPaletteColors();
    QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    // Unsaved work is asked about first (through the prompts seam); the answer comes later, and
    // the window closes then.
    if (!m_closeApproved && hasUnsavedWork()) {
        event->ignore();
        if (m_closing)
            return;
        m_closing = true;
        QPointer<MainWindow> self(this);
        guardUnsavedWork([self](bool proceed) {
            if (!self)
                return;
            self->m_closing = false;
            if (!proceed)
                return;
            self->m_closeApproved = true;
            // Queued: the answer may come inside this closeEvent, where close() is ignored.
            QMetaObject::invokeMethod(self, &QWidget::close, Qt::QueuedConnection);
        });
        return;
    }
    m_closeApproved = false;
    saveSettings();
    event->accept();
}

} // namespace hostdeck::ui
