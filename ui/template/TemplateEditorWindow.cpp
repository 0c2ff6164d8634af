#include "ui/template/TemplateEditorWindow.h"

#include "ui/history/HistoryRecorder.h"
#include "ui/template/DialogTemplatePrompts.h"
#include "ui/template/TemplateDeployPane.h"
#include "ui/template/TemplateDocument.h"
#include "ui/template/TemplateEditor.h"
#include "ui/template/TemplateOutcomeModel.h"
#include "ui/template/TemplatePreview.h"
#include "ui/template/TemplateService.h"
#include "ui/template/TemplateVariablesPane.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace hostdeck::ui {

using engine::HostTarget;

namespace {
constexpr int kDefaultDebounceMs = 100;
} // namespace

TemplateEditorWindow::TemplateEditorWindow(TemplateEditorContext context, QWidget* parent)
    : QMainWindow(parent), m_context(std::move(context)),
      m_service(new TemplateService(m_context.engine, this)), m_editor(new TemplateEditor(this)),
      m_preview(new TemplatePreview(this)), m_variables(new TemplateVariablesPane(this)),
      m_deploy(new TemplateDeployPane(this)), m_status(new QLabel(this))
{
    if (!m_context.prompts) {
        m_ownPrompts = std::make_unique<DialogTemplatePrompts>();
        m_context.prompts = m_ownPrompts.get();
    }
    m_document = new TemplateDocument(m_editor->document(), m_context.prompts, m_context.settings,
                                      this, this);
    setObjectName(QStringLiteral("TemplateEditorWindow"));
    m_editor->setObjectName(QStringLiteral("templateEditor"));
    m_status->setObjectName(QStringLiteral("templateStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* side = new QTabWidget(this);
    side->addTab(buildPreviewPane(), tr("Pre&view"));
    side->addTab(m_variables, tr("&Variables"));
    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(m_editor);
    top->addWidget(side);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    auto* main = new QSplitter(Qt::Vertical, this);
    main->addWidget(top);
    main->addWidget(m_deploy);
    main->setStretchFactor(0, 3);
    main->setStretchFactor(1, 1);
    setCentralWidget(main);
    statusBar()->addWidget(m_status, 1);
    buildMenus();

    m_debounce.setSingleShot(true);
    m_debounce.setTimerType(Qt::PreciseTimer); // the pause-to-preview budget is tight
    m_debounce.setInterval(kDefaultDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &TemplateEditorWindow::renderNow);
    connect(m_editor->document(), &QTextDocument::contentsChanged, this,
            &TemplateEditorWindow::onEdited);
    connect(m_service, &TemplateService::rendered, this, &TemplateEditorWindow::onRendered);
    connect(m_service, &TemplateService::renderFailed, this, &TemplateEditorWindow::onRenderFailed);
    connect(m_service, &TemplateService::factsGathered, this,
            &TemplateEditorWindow::onFactsGathered);
    connect(m_variables, &TemplateVariablesPane::currentHostChanged, this,
            &TemplateEditorWindow::onHostChanged);
    connect(m_variables, &TemplateVariablesPane::currentHostChanged, this,
            &TemplateEditorWindow::syncPreviewHost);
    connect(m_variables, &TemplateVariablesPane::renderLocationChanged, this,
            &TemplateEditorWindow::updatePreviewCaption);
    connect(m_previewHost, &QComboBox::currentIndexChanged, this,
            [this] { m_variables->setCurrentHost(m_previewHost->currentData().toString()); });
    connect(m_variables, &TemplateVariablesPane::renderLocationChanged, this,
            &TemplateEditorWindow::onEdited);
    connect(m_variables, &TemplateVariablesPane::extraVariablesChanged, this, [this] {
        refreshVariables();
        onEdited();
    });
    connect(m_variables, &TemplateVariablesPane::refreshFactsRequested, this, [this] {
        const engine::Result<HostTarget> target = targetFor(m_variables->currentHost());
        if (!target) {
            m_variables->setFactsState(target.error().message);
            return;
        }
        m_service->gatherFacts(*target);
        m_variables->setFactsState(tr("Gathering facts…"));
    });
    connect(m_deploy, &TemplateDeployPane::diffRequested, this, &TemplateEditorWindow::startDiff);
    connect(m_deploy, &TemplateDeployPane::deployRequested, this,
            &TemplateEditorWindow::startDeploy);
    connect(m_document, &TemplateDocument::filePathChanged, this,
            &TemplateEditorWindow::updateTitle);
    connect(m_document, &TemplateDocument::modifiedChanged, this,
            &TemplateEditorWindow::updateTitle);
    connect(m_document, &TemplateDocument::failed, this, &TemplateEditorWindow::showStatus);
    connect(m_document, &TemplateDocument::saved, this,
            [this](const QString& path) { showStatus(tr("Saved %1").arg(path)); });
    connect(m_document, &TemplateDocument::recentFilesChanged, this,
            &TemplateEditorWindow::rebuildRecentMenu);
    // Where the template goes is saved with it: edits mark it modified, a load fills the fields.
    connect(m_deploy, &TemplateDeployPane::specEdited, this,
            [this] { m_document->setDeploySpec(m_deploy->spec()); });
    connect(m_document, &TemplateDocument::deploySpecLoaded, this,
            [this](const TemplateDeploySpec& spec) { m_deploy->setSpec(spec); });
    connect(m_editor, &TemplateEditor::errorChanged, this,
            [this](int line, const QString& message) {
                if (line > 0)
                    showStatus(message);
            });
    rebuildRecentMenu(m_document->recentFiles());
    updateTitle();
    syncPreviewHost();
    onHostChanged(); // facts of this machine, first render
}

TemplateEditorWindow::~TemplateEditorWindow() = default;

void TemplateEditorWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New"), QKeySequence::New, m_document, &TemplateDocument::newDocument);
    file->addAction(tr("&Open…"), QKeySequence::Open, m_document, &TemplateDocument::open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("&Save"), QKeySequence::Save, m_document, [this] { m_document->save(); });
    file->addAction(tr("Save &As…"), QKeySequence::SaveAs, m_document,
                    [this] { m_document->saveAs(); });
    file->addSeparator();
    file->addAction(tr("&Close"), QKeySequence::Close, this, &QWidget::close);
    QMenu* run = menuBar()->addMenu(tr("&Template"));
    run->addAction(tr("&Render now"), QKeySequence(Qt::Key_F5), this,
                   &TemplateEditorWindow::renderNow);
    run->addAction(tr("&Diff on checked hosts"), QKeySequence(Qt::CTRL | Qt::Key_D), this,
                   &TemplateEditorWindow::startDiff);
    run->addAction(tr("De&ploy to checked hosts…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D),
                   this, &TemplateEditorWindow::startDeploy);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* syntax = help->addAction(tr("Template &syntax"), QKeySequence::HelpContents, this,
                                      [this] { emit helpRequested(QStringLiteral("templates")); });
    syntax->setObjectName(QStringLiteral("templateSyntaxAction"));
}

QWidget* TemplateEditorWindow::buildPreviewPane()
{
    auto* pane = new QWidget(this);
    m_previewHost = new QComboBox(pane);
    m_previewHost->setObjectName(QStringLiteral("previewHostBox"));
    m_previewHost->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_previewHost->setToolTip(tr("The host whose variables the preview uses"));
    m_previewCaption = new QLabel(pane);
    m_previewCaption->setObjectName(QStringLiteral("previewCaption"));
    m_previewCaption->setWordWrap(true);
    auto* label = new QLabel(tr("Preview &for:"), pane);
    label->setBuddy(m_previewHost);
    auto* row = new QHBoxLayout;
    row->addWidget(label);
    row->addWidget(m_previewHost, 1);
    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_previewCaption);
    layout->addWidget(m_preview, 1);
    return pane;
}

void TemplateEditorWindow::syncPreviewHost()
{
    // The same list and choice as the Variables tab's host box.
    const QComboBox* source = m_variables->hostBox();
    {
        const QSignalBlocker blocker(m_previewHost);
        m_previewHost->clear();
        for (int i = 0; i < source->count(); ++i)
            m_previewHost->addItem(source->itemText(i), source->itemData(i));
        m_previewHost->setCurrentIndex(source->currentIndex());
    }
    updatePreviewCaption();
}

void TemplateEditorWindow::updatePreviewCaption()
{
    const QString host = m_variables->currentHost();
    const QString name = host.isEmpty() ? tr("this machine") : host;
    m_previewCaption->setText(
        m_variables->renderOnSelectedHost()
            ? tr("Rendered on %1 with its variables and facts.").arg(name)
            : tr("Rendered for %1 with its variables and facts (by the local agent).").arg(name));
}

void TemplateEditorWindow::rebuildRecentMenu(const QStringList& files)
{
    m_recentMenu->clear();
    for (const QString& path : files) {
        m_recentMenu->addAction(QFileInfo(path).fileName() + QStringLiteral("  —  ") + path,
                                m_document, [this, path] { m_document->openPath(path); });
    }
    if (!files.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear list"), m_document, &TemplateDocument::clearRecentFiles);
    }
    m_recentMenu->setEnabled(!files.isEmpty());
}

void TemplateEditorWindow::updateTitle()
{
    setWindowTitle(tr("%1[*] — Hostdeck template").arg(m_document->displayName()));
    setWindowModified(m_document->isModified());
}

void TemplateEditorWindow::setInventory(const engine::Inventory& inventory, const QString& path)
{
    m_inventoryPath = path;
    m_inventory = inventory;
    QStringList names;
    for (const engine::Host& host : inventory.hosts())
        names << host.name();
    m_variables->setHosts(names);
    m_deploy->setHosts(names);
    QMap<QString, QStringList> groups;
    for (const QString& group : inventory.groupNames()) {
        if (group != engine::Inventory::allGroup())
            groups.insert(group, inventory.hostsOf(group));
    }
    m_deploy->setHostGroups(groups);
    syncPreviewHost();
    refreshVariables();
    onEdited();
}

void TemplateEditorWindow::setDebounceInterval(int milliseconds)
{
    m_debounce.setInterval(milliseconds);
}

QString TemplateEditorWindow::nameOf(const QString& host)
{
    return host.isEmpty() ? engine::TargetFactory::localHostName() : host;
}

engine::Result<HostTarget> TemplateEditorWindow::targetFor(const QString& host) const
{
    if (host.isEmpty() || !m_inventory.hasHost(host))
        return engine::TargetFactory::localMachine(m_context.targetSettings, nameOf(host),
                                                   m_inventory.id());
    return engine::TargetFactory::forHost(m_inventory, host, m_context.targetSettings);
}

QVariantMap TemplateEditorWindow::inventoryVarsFor(const QString& host) const
{
    QVariantMap vars =
        host.isEmpty() || !m_inventory.hasHost(host) ? QVariantMap{} : m_inventory.mergedVars(host);
    // Ansible's magic variable, so a template can name the host it is rendered for.
    vars.insert(QStringLiteral("inventory_hostname"), nameOf(host));
    return vars;
}

TemplateVariables TemplateEditorWindow::currentVariables() const
{
    const QString host = m_variables->currentHost();
    TemplateVariables vars;
    vars.facts = m_service->facts(nameOf(host));
    vars.inventory = inventoryVarsFor(host);
    const engine::Result<QVariantMap> extra = m_variables->extraVariables();
    if (extra)
        vars.extra = *extra;
    return vars;
}

void TemplateEditorWindow::refreshVariables()
{
    m_variables->setVariables(currentVariables());
}

void TemplateEditorWindow::onEdited()
{
    m_sinceEdit.start();
    m_debounce.start();
}

void TemplateEditorWindow::onHostChanged()
{
    const QString name = nameOf(m_variables->currentHost());
    const engine::Result<HostTarget> target = targetFor(m_variables->currentHost());
    if (!target) {
        m_variables->setFactsState(target.error().message);
    } else if (m_service->hasFacts(name)) {
        m_variables->setFactsState(tr("Facts cached for %1 (Refresh to gather again)").arg(name));
    } else {
        m_variables->setFactsState(tr("Gathering facts on %1…").arg(name));
        m_service->gatherFacts(*target);
    }
    refreshVariables();
    onEdited();
}

void TemplateEditorWindow::onFactsGathered(const QString& host, const QString& error)
{
    if (host != nameOf(m_variables->currentHost()))
        return;
    m_variables->setFactsState(error.isEmpty() ? tr("Facts gathered on %1").arg(host)
                                               : tr("Facts unavailable: %1").arg(error));
    refreshVariables();
    if (error.isEmpty())
        onEdited();
}

bool TemplateEditorWindow::isRendering() const
{
    return m_debounce.isActive() || m_renderId != 0;
}

void TemplateEditorWindow::renderNow()
{
    m_debounce.stop();
    const engine::Result<QVariantMap> extra = m_variables->extraVariables();
    if (!extra) {
        m_preview->markStale(extra.error().message);
        showStatus(extra.error().message);
        m_renderId = 0;
        return;
    }
    const QString host = m_variables->currentHost();
    const engine::Result<HostTarget> where =
        m_variables->renderOnSelectedHost()
            ? targetFor(host)
            : engine::TargetFactory::localMachine(m_context.targetSettings);
    if (!where) {
        m_preview->markStale(where.error().message);
        showStatus(where.error().message);
        m_renderId = 0;
        return;
    }
    m_renderClock.start();
    m_renderId = m_service->render(*where, m_editor->toPlainText(), currentVariables().toJson());
}

void TemplateEditorWindow::onRendered(quint64 id, const QString& text)
{
    if (id != m_renderId)
        return;
    m_renderId = 0;
    m_preview->setRendered(text);
    m_editor->clearError();
    m_lastLatencyMs = m_sinceEdit.isValid() ? m_sinceEdit.elapsed() : m_renderClock.elapsed();
    showStatus(tr("Rendered in %1 ms").arg(m_renderClock.elapsed()));
    emit previewUpdated(m_lastLatencyMs);
}

void TemplateEditorWindow::onRenderFailed(quint64 id, int line, const QString& message)
{
    if (id != m_renderId)
        return;
    m_renderId = 0;
    m_editor->setError(line, message);
    m_preview->markStale(message);
    showStatus(message);
    emit renderFailed(line, message);
}

void TemplateEditorWindow::startDiff()
{
    startRollout(true);
}

void TemplateEditorWindow::startDeploy()
{
    const QStringList hosts = m_deploy->checkedHosts();
    const QString dest = m_deploy->spec().dest;
    if (hosts.isEmpty() || dest.isEmpty()) {
        startRollout(false); // reports what is missing
        return;
    }
    QPointer<TemplateEditorWindow> self(this);
    m_context.prompts->confirmDeploy(
        this, tr("Write %1 to %n host(s)?", nullptr, int(hosts.size())).arg(dest), [self](bool ok) {
            if (self && ok)
                self->startRollout(false);
        });
}

bool TemplateEditorWindow::isRollingOut() const
{
    return m_rollout && !m_rollout->isFinished();
}

void TemplateEditorWindow::startRollout(bool check)
{
    if (isRollingOut())
        return;
    const TemplateDeploySpec spec = m_deploy->spec();
    const QStringList hosts = m_deploy->checkedHosts();
    const engine::Result<QVariantMap> extra = m_variables->extraVariables();
    QString problem;
    if (spec.dest.isEmpty())
        problem = tr("Enter a destination path.");
    else if (hosts.isEmpty())
        problem = tr("Check at least one host.");
    else if (!extra)
        problem = extra.error().message;
    if (!problem.isEmpty()) {
        m_deploy->setStatus(problem);
        showStatus(problem);
        return;
    }
    QList<HostTarget> targets;
    QStringList names;
    for (const QString& host : hosts) {
        engine::Result<HostTarget> target = targetFor(host);
        if (!target) {
            m_deploy->setStatus(target.error().message);
            showStatus(target.error().message);
            return;
        }
        targets << *target;
        names << target->name;
    }
    m_deploy->model()->reset(names, check);
    m_deploy->setBusy(true);
    m_deploy->setStatus(check ? tr("Comparing on %n host(s)…", nullptr, int(names.size()))
                              : tr("Deploying to %n host(s)…", nullptr, int(names.size())));
    m_rolloutCheck = check;
    m_rollout = m_service->rollout(targets, m_editor->toPlainText(), *extra, spec, check,
                                   m_deploy->forks(), m_inventoryPath);
    if (m_context.recorder)
        m_context.recorder->record(m_rollout);
    connect(m_rollout, &engine::RunHandle::events, this, &TemplateEditorWindow::onRolloutEvents);
    connect(m_rollout, &engine::RunHandle::finished, this,
            &TemplateEditorWindow::onRolloutFinished);
}

void TemplateEditorWindow::onRolloutEvents(const QList<engine::RunEvent>& events)
{
    for (const engine::RunEvent& event : events) {
        if (event.type == engine::RunEvent::Type::HostResult)
            m_deploy->model()->update(TemplateOutcome::fromRecord(event.record, m_rolloutCheck));
    }
}

void TemplateEditorWindow::onRolloutFinished()
{
    const bool check = m_rolloutCheck;
    int changed = 0;
    int failed = 0;
    const TemplateOutcomeModel* model = m_deploy->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        const TemplateOutcome* outcome = model->outcome(row);
        changed += outcome->changed() ? 1 : 0;
        failed += outcome->state == TemplateOutcome::State::Failed ? 1 : 0;
    }
    const QString summary = (check ? tr("Diff: %1 host(s), %2 would change, %3 failed")
                                   : tr("Deploy: %1 host(s), %2 changed, %3 failed"))
                                .arg(model->rowCount())
                                .arg(changed)
                                .arg(failed);
    m_deploy->setStatus(summary);
    m_deploy->setBusy(false);
    showStatus(summary);
    if (m_deploy->table()->selectionModel()->currentIndex().row() < 0 && model->rowCount() > 0)
        m_deploy->table()->selectRow(0);
    emit rolloutFinished(check);
}

void TemplateEditorWindow::showStatus(const QString& text)
{
    m_status->setText(text);
}

void TemplateEditorWindow::guardUnsaved(std::function<void(bool)> then)
{
    QPointer<TemplateEditorWindow> self(this);
    m_document->guard([self, then](bool proceed) {
        // Discarded: the changes are gone, the editor shows the template as saved.
        if (self && proceed && self->m_document->isModified())
            self->m_document->revert();
        then(proceed && self);
    });
}

void TemplateEditorWindow::closeEvent(QCloseEvent* event)
{
    if (m_closeApproved || !m_document->isModified()) {
        event->accept();
        return;
    }
    event->ignore();
    QPointer<TemplateEditorWindow> self(this);
    guardUnsaved([self](bool proceed) {
        if (!self || !proceed)
            return;
        self->m_closeApproved = true;
        // Queued: the answer may arrive inside this closeEvent, where close() would be ignored.
        QMetaObject::invokeMethod(self, &QWidget::close, Qt::QueuedConnection);
    });
}

void TemplateEditorWindow::showEvent(QShowEvent* event)
{
    m_closeApproved = false; // approved for one close only
    QMainWindow::showEvent(event);
}

} // namespace hostdeck::ui
