#include "MainWindow.h"

#include "AppServices.h"
#include "RunCoordinator.h"
#include "api/ApiToggle.h"
#include "history/HistoryRecorder.h"
#include "history/HistoryView.h"
#include "history/RunHistory.h"
#include "inventory/InventoryDock.h"
#include "prompts/Prompts.h"
#include "recipe/RecipeHooks.h"
#include "results/LogPane.h"
#include "results/ResultExport.h"
#include "results/ResultText.h"
#include "results/RunResultsModel.h"
#include "results/RunView.h"
#include "runner/CallPlan.h"
#include "runner/EngineClient.h"
#include "runner/KeychainCredentialProvider.h"
#include "template/TemplateEditorWindow.h"
#include "template/TemplatePrompts.h"
#include "tools/ParameterForm.h"
#include "tools/ToolPalette.h"
#include "transfer/TransferActions.h"

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
            &MainWindow::testConnection);
    connect(m_coordinator, &RunCoordinator::hostFinished, this, &MainWindow::onHostRecord);
    connect(m_history, &HistoryView::reopenRequested, this, &MainWindow::reopenRun);
    connect(m_history, &HistoryView::rerunRequested, this, &MainWindow::rerun);

    updateCredentialSource();
    m_describeId = m_engine->describeTools();
    statusBar()->showMessage(tr("Reading the tool descriptions…"));
    updateTargetCount();
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout()
{
    m_palette = new ToolPalette(this);
    m_form = new ParameterForm(this);
    m_form->setObjectName(QStringLiteral("parameterForm"));
    m_targets = new QLineEdit(QStringLiteral("localhost"), this);
    m_targets->setObjectName(QStringLiteral("targets"));
    m_targets->setPlaceholderText(tr("host pattern: localhost, all, web*, web:&prod, all:!db1"));
    m_targetCount = new QLabel(this);
    m_targetCount->setObjectName(QStringLiteral("targetCount"));
    m_formError = new QLabel(this);
    m_formError->setObjectName(QStringLiteral("formError"));
    m_formError->setWordWrap(true);
    applyPaletteColors();
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("runProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_counts = new QLabel(this);
    m_counts->setObjectName(QStringLiteral("runCounts"));
    auto spin = [this](const QString& name, int min, int max, int value, const QString& tip) {
        auto* box = new QSpinBox(this);
        box->setObjectName(name);
        box->setRange(min, max);
        box->setValue(value);
        box->setToolTip(tip);
        return box;
    };
    m_forks = spin(QStringLiteral("forksBox"), 1, 1000, 100, tr("Hosts at once"));
    m_callTimeout =
        spin(QStringLiteral("callTimeoutBox"), 0, 86400, 600,
             tr("Seconds a call may take unless its tool declares its own (0: no limit; a host "
                "that stops answering is still dropped after the liveness bound)"));
    m_callTimeout->setSuffix(tr(" s"));
    m_deadline = spin(QStringLiteral("deadlineBox"), 0, 86400, 0,
                      tr("Seconds the whole run may take (0: no deadline)"));
    m_deadline->setSuffix(tr(" s"));
    m_deadline->setSpecialValueText(tr("none"));

    auto* targetsLabel = new QLabel(tr("&Targets:"), this);
    targetsLabel->setBuddy(m_targets);
    auto* targetsRow = new QHBoxLayout;
    targetsRow->addWidget(targetsLabel);
    targetsRow->addWidget(m_targets, 1);
    targetsRow->addWidget(m_targetCount);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto* runButton = new QPushButton(tr("&Run"), this);
    auto* checkButton = new QPushButton(tr("C&heck"), this);
    auto* cancelButton = new QPushButton(tr("Cancel"), this);
    runButton->setObjectName(QStringLiteral("runButton"));
    checkButton->setObjectName(QStringLiteral("checkButton"));
    cancelButton->setObjectName(QStringLiteral("cancelButton"));
    runButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    checkButton->setIcon(style()->standardIcon(QStyle::SP_DialogApplyButton));
    cancelButton->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    runButton->setToolTip(tr("Run on the targets (Ctrl+Return)"));
    checkButton->setToolTip(tr("Dry run: report what would change (Ctrl+Shift+Return)"));
    connect(runButton, &QPushButton::clicked, this, [this] { run(false); });
    connect(checkButton, &QPushButton::clicked, this, [this] { run(true); });
    connect(cancelButton, &QPushButton::clicked, this, &MainWindow::cancelRun);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(runButton);
    runRow->addWidget(checkButton);
    runRow->addWidget(cancelButton);
    runRow->addWidget(m_progress, 1);
    runRow->addWidget(m_counts);

    auto* optionsRow = new QHBoxLayout;
    optionsRow->addWidget(new QLabel(tr("Forks:"), this));
    optionsRow->addWidget(m_forks);
    optionsRow->addWidget(new QLabel(tr("Call timeout:"), this));
    optionsRow->addWidget(m_callTimeout);
    optionsRow->addWidget(new QLabel(tr("Run deadline:"), this));
    optionsRow->addWidget(m_deadline);
    optionsRow->addStretch(1);

    auto* formPane = new QWidget(this);
    auto* formLayout = new QVBoxLayout(formPane);
    formLayout->addLayout(targetsRow);
    formLayout->addWidget(scroll, 1);
    formLayout->addWidget(m_formError);
    formLayout->addLayout(optionsRow);
    formLayout->addLayout(runRow);

    m_runTabs = new QTabWidget(this);
    m_runTabs->setObjectName(QStringLiteral("runTabs"));
    m_runTabs->setTabsClosable(true);
    m_runTabs->setDocumentMode(true);
    connect(m_runTabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        QWidget* page = m_runTabs->widget(index);
        m_runTabs->removeTab(index);
        page->deleteLater();
    });

    m_centerSplitter = new QSplitter(Qt::Vertical, this);
    m_centerSplitter->setObjectName(QStringLiteral("centerSplitter"));
    m_centerSplitter->addWidget(formPane);
    m_centerSplitter->addWidget(m_runTabs);
    m_centerSplitter->setStretchFactor(1, 2);

    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(m_palette);
    m_mainSplitter->addWidget(m_centerSplitter);
    m_mainSplitter->setStretchFactor(1, 3);
    m_mainSplitter->setSizes({220, 900});
    setCentralWidget(m_mainSplitter);

    m_inventory = new InventoryDock(m_prompts, m_services.store(), this);
    m_inventory->setTargetSettings(m_services.targetSettings());
    m_inventory->setObjectName(QStringLiteral("inventoryDock"));
    addDockWidget(Qt::LeftDockWidgetArea, m_inventory);

    m_history = new HistoryView(this);
    auto* historyDock = new QDockWidget(tr("History"), this);
    historyDock->setObjectName(QStringLiteral("historyDock"));
    historyDock->setWidget(m_history);
    addDockWidget(Qt::BottomDockWidgetArea, historyDock);

    m_log = new LogPane(this);
    auto* logDock = new QDockWidget(tr("Remote log"), this);
    logDock->setObjectName(QStringLiteral("logDock"));
    logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    tabifyDockWidget(historyDock, logDock);
    historyDock->raise();
    resizeDocks({historyDock}, {170}, Qt::Vertical);
    resizeDocks({m_inventory}, {300}, Qt::Horizontal);
    m_centerSplitter->setSizes({300, 500});
    resize(1280, 800);
}

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
        context.prompts = m_options.templatePrompts.get();
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
    }
    m_templateEditor->setInventory(m_inventory->inventory(), m_inventory->inventoryPath());
    m_templateEditor->show();
    m_templateEditor->raise();
    m_templateEditor->activateWindow();
}

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
    updateActions();
}

void MainWindow::updateTargetCount()
{
    const auto selection = m_inventory->resolve(m_targets->text());
    if (!selection) {
        m_targetCount->setText(tr("invalid pattern"));
        m_targetCount->setToolTip(selection.error().message);
        return;
    }
    m_targetCount->setText(tr("%n host(s)", nullptr, int(selection->hosts.size())));
    m_targetCount->setToolTip(selection->warnings.join(QLatin1Char('\n')));
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
        QStringLiteral("%1%2 @ %3")
            .arg(m_form->method().fullName(), check ? tr(" (check)") : QString(), request.pattern);
    RunView* view = newRunView(QStringLiteral("#%1 %2").arg(++m_runCounter).arg(title));
    m_currentRun = m_coordinator->start(std::move(request), view);
    m_progress->setRange(0, hosts);
    m_progress->setValue(0);
    m_counts->setText(tr("starting %n host(s)…", nullptr, hosts));
    m_settings->setValue(QStringLiteral("run/lastMethod"), m_form->method().fullName());
    updateActions();
    emit runStarted(m_currentRun);
    return true;
}

RunView* MainWindow::newRunView(const QString& title)
{
    auto* view = new RunView(m_runTabs);
    connect(view, &RunView::exportRequested, this, [this, view] { exportRun(view); });
    const QByteArray header = m_settings->value(QStringLiteral("results/header")).toByteArray();
    if (!header.isEmpty())
        view->table()->horizontalHeader()->restoreState(header);
    const QByteArray split = m_settings->value(QStringLiteral("results/splitter")).toByteArray();
    if (!split.isEmpty())
        view->splitter()->restoreState(split);
    m_runTabs->setCurrentIndex(m_runTabs->addTab(view, title));
    return view;
}

void MainWindow::testConnection(const engine::HostTarget& target)
{
    // Its own run and tab: the palette's tool and form stay as they are.
    engine::RunRequest request;
    request.targets = {target};
    request.plan =
        std::make_shared<engine::CallPlan>(QStringLiteral("Facts"), QStringLiteral("hostname"));
    request.options.callTimeout = std::chrono::seconds(60);
    request.options.origin = QStringLiteral("gui");
    request.pattern = target.name;
    request.inventory = m_inventory->inventoryPath();
    RunView* view = newRunView(tr("Test connection: %1").arg(target.name));
    m_currentRun = m_coordinator->start(std::move(request), view);
    statusBar()->showMessage(tr("Testing the connection to %1…").arg(target.name), 5000);
    updateActions();
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
    RunView* view = newRunView(title);
    QList<engine::HostResult> list;
    for (const QJsonObject& json : *results)
        list << engine::HostResult::fromJson(json);
    view->model()->setCheck(run->check);
    view->model()->addResults(list);
}

void MainWindow::rerun(const engine::HistoryRun& run)
{
    if (!m_palette->select(run.tool, run.method)) {
        statusBar()->showMessage(tr("%1 is not among the tools any more").arg(run.toolMethod()),
                                 8000);
        return;
    }
    m_form->setArgs(run.args);
    m_targets->setText(run.pattern.isEmpty() ? run.hosts.join(QLatin1Char(':')) : run.pattern);
    // Redacted secrets are left empty; the form asks for them before it runs.
    if (m_form->args())
        this->run(run.check);
    else
        m_formError->setText(
            tr("Fill in the secrets again to re-run:\n%1").arg(m_form->args().error().message));
}

void MainWindow::exportRun(RunView* view)
{
    QPointer<RunView> guard(view);
    m_prompts->askSaveFile(
        tr("Export results"), QStringLiteral("results.json"), tr("JSON (*.json);;CSV (*.csv)"),
        this, [this, guard](const QString& path) {
            if (path.isEmpty() || !guard)
                return;
            const engine::Status written = ResultExport::write(guard->model()->results(), path);
            statusBar()->showMessage(
                written ? tr("Exported to %1").arg(path) : written.error().message, 8000);
        });
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
    m_settings->setValue(QStringLiteral("inventory/last"), m_inventory->inventoryPath());
    m_settings->setValue(QStringLiteral("inventory/recent"), m_inventory->recentFiles());
    if (RunView* view = currentRunView()) {
        m_settings->setValue(QStringLiteral("results/header"),
                             view->table()->horizontalHeader()->saveState());
        m_settings->setValue(QStringLiteral("results/splitter"), view->splitter()->saveState());
    }
    m_settings->sync();
}

void MainWindow::applyPaletteColors()
{
    // From the palette, never hard-coded: the error text stays readable on light and dark themes.
    QPalette errorPalette = m_formError->palette();
    const bool dark = QWidget::palette().color(QPalette::Window).lightness() < 128;
    errorPalette.setColor(QPalette::WindowText,
                          ResultText::statusColor(ResultText::Status::Failed, dark));
    m_formError->setPalette(errorPalette);
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange && m_formError)
        applyPaletteColors();
    QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    event->accept();
}

} // namespace hostdeck::ui
