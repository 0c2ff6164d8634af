#include "ui/recipe/RecipeEditorWindow.h"

#include "engine/recipe/RecipeLoader.h"
#include "engine/recipe/RecipePlan.h"
#include "engine/recipe/RecipeWriter.h"
#include "ui/history/HistoryRecorder.h"
#include "ui/recipe/DialogRecipePrompts.h"
#include "ui/recipe/RecipeFile.h"
#include "ui/recipe/RecipeStepsPane.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunView.h"
#include "ui/template/TemplateEditor.h"

#include <QCloseEvent>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTextCursor>
#include <QVBoxLayout>

namespace hostdeck::ui {

using engine::HostTarget;
using engine::Recipe;

namespace {
constexpr int kParseDelayMs = 300;
} // namespace

RecipeEditorWindow::RecipeEditorWindow(RecipeEditorContext context, QWidget* parent)
    : QMainWindow(parent), m_context(std::move(context)), m_steps(new RecipeStepsPane(this)),
      m_yaml(new TemplateEditor(this)), m_runView(new RunView(this)),
      m_targets(new QLineEdit(this)), m_runButton(new QPushButton(tr("&Run"), this)),
      m_checkButton(new QPushButton(tr("&Check"), this)),
      m_cancelButton(new QPushButton(tr("Ca&ncel"), this)), m_problemLabel(new QLabel(this)),
      m_status(new QLabel(this))
{
    if (!m_context.prompts) {
        m_ownPrompts = std::make_unique<DialogRecipePrompts>();
        m_context.prompts = m_ownPrompts.get();
    }
    m_file = new RecipeFile(m_yaml->document(), m_context.prompts, this, this);
    setObjectName(QStringLiteral("RecipeEditorWindow"));
    m_yaml->setObjectName(QStringLiteral("recipeYaml"));
    m_targets->setObjectName(QStringLiteral("recipeTargets"));
    m_targets->setPlaceholderText(tr("Hosts: a pattern of the inventory, e.g. web:&prod"));
    m_runButton->setObjectName(QStringLiteral("recipeRun"));
    m_checkButton->setObjectName(QStringLiteral("recipeCheck"));
    m_cancelButton->setObjectName(QStringLiteral("recipeCancel"));
    m_problemLabel->setObjectName(QStringLiteral("recipeProblem"));
    m_problemLabel->setWordWrap(true);
    m_problemLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problemLabel->setStyleSheet(QStringLiteral("color: #c62828"));
    m_status->setObjectName(QStringLiteral("recipeStatus"));
    m_checkButton->setToolTip(tr("Dry run: show what would change, change nothing"));

    auto* tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("recipeTabs"));
    tabs->addTab(m_steps, tr("&Steps"));
    tabs->addTab(m_yaml, tr("&YAML"));
    auto* editors = new QWidget(this);
    auto* editorsLayout = new QVBoxLayout(editors);
    editorsLayout->setContentsMargins(0, 0, 0, 0);
    editorsLayout->addWidget(tabs, 1);
    editorsLayout->addWidget(m_problemLabel);
    auto* runBar = new QHBoxLayout;
    runBar->addWidget(new QLabel(tr("Hosts:"), this));
    runBar->addWidget(m_targets, 1);
    runBar->addWidget(m_checkButton);
    runBar->addWidget(m_runButton);
    runBar->addWidget(m_cancelButton);
    editorsLayout->addLayout(runBar);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(editors);
    split->addWidget(m_runView);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    setCentralWidget(split);
    statusBar()->addWidget(m_status, 1);
    buildMenus();

    m_parseTimer.setSingleShot(true);
    m_parseTimer.setInterval(kParseDelayMs);
    connect(&m_parseTimer, &QTimer::timeout, this, &RecipeEditorWindow::syncFromYamlNow);
    connect(m_yaml, &QPlainTextEdit::textChanged, this, &RecipeEditorWindow::onYamlEdited);
    connect(m_steps, &RecipeStepsPane::stepsEdited, this, &RecipeEditorWindow::onStepsEdited);
    connect(m_file, &RecipeFile::failed, m_status, &QLabel::setText);
    connect(m_file, &RecipeFile::saved, this,
            [this](const QString& path) { m_status->setText(tr("Saved %1").arg(path)); });
    connect(m_file, &RecipeFile::pathChanged, this, &RecipeEditorWindow::updateTitle);
    connect(m_file, &RecipeFile::loaded, this, &RecipeEditorWindow::syncFromYamlNow);
    connect(m_yaml->document(), &QTextDocument::modificationChanged, this,
            &RecipeEditorWindow::updateTitle);
    connect(m_runButton, &QPushButton::clicked, this, [this] { startRun(false); });
    connect(m_checkButton, &QPushButton::clicked, this, [this] { startRun(true); });
    connect(m_cancelButton, &QPushButton::clicked, this, &RecipeEditorWindow::cancelRun);

    if (m_context.engine) {
        connect(m_context.engine, &engine::EngineClient::toolsDescribed, this,
                [this](quint64 id, const QJsonArray& tools, const QString& error) {
                    if (id != m_describeId)
                        return;
                    if (!error.isEmpty()) {
                        m_status->setText(tr("Could not read the tools: %1").arg(error));
                        return;
                    }
                    setCatalog(engine::ToolCatalog::fromJson(tools));
                });
        m_describeId = m_context.engine->describeTools();
    }
    setYamlText(QString::fromUtf8(engine::RecipeWriter::toYaml(m_recipe)));
    m_yaml->document()->setModified(false);
    syncFromYamlNow();
    updateTitle();
    resize(1100, 800);
}

RecipeEditorWindow::~RecipeEditorWindow() = default;

void RecipeEditorWindow::buildMenus()
{
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    QAction* open = fileMenu->addAction(tr("&Open…"), this, [this] { m_file->open(); });
    open->setShortcut(QKeySequence::Open);
    QAction* save = fileMenu->addAction(tr("&Save"), this, [this] { m_file->save(); });
    save->setShortcut(QKeySequence::Save);
    QAction* saveAs = fileMenu->addAction(tr("Save &as…"), this, [this] { m_file->saveAs(); });
    saveAs->setShortcut(QKeySequence::SaveAs);
    fileMenu->addSeparator();
    fileMenu->addAction(tr("&Close"), this, &QWidget::close);
}

void RecipeEditorWindow::setInventory(const engine::Inventory& inventory, const QString& path)
{
    m_inventory = inventory;
    m_inventoryPath = path;
}

void RecipeEditorWindow::setCatalog(const engine::ToolCatalog& catalog)
{
    m_catalog = catalog;
    m_steps->setCatalog(catalog);
    syncFromYamlNow(); // the parameters can be checked now
    updateActions();
    emit toolsReady();
}

engine::Status RecipeEditorWindow::openFile(const QString& path)
{
    return m_file->load(path);
}

QString RecipeEditorWindow::recipePath() const
{
    return m_file->path().isEmpty() ? QDir::current().absoluteFilePath(m_file->displayName())
                                    : m_file->path();
}

void RecipeEditorWindow::onYamlEdited()
{
    if (!m_writingYaml)
        m_parseTimer.start();
}

void RecipeEditorWindow::syncFromYamlNow()
{
    m_parseTimer.stop();
    const engine::Result<Recipe> parsed =
        engine::RecipeLoader::parse(m_yaml->toPlainText().toUtf8(), recipePath());
    if (!parsed) {
        showProblem(parsed.error().message);
        emit synced();
        return;
    }
    m_recipe = *parsed;
    m_steps->setSteps(m_recipe.steps);
    const bool included = m_recipe.files.size() > 1;
    m_steps->setReadOnly(included, included ? tr("This recipe includes other files: edit it in "
                                                 "the YAML view.")
                                            : QString());
    if (m_targets->text().isEmpty() && !m_recipe.hosts.isEmpty())
        m_targets->setText(m_recipe.hosts);
    QString problem;
    if (!m_catalog.isEmpty() && !m_recipe.steps.isEmpty()) {
        if (const engine::Status checked = engine::RecipePlan(m_recipe).validate(m_catalog);
            !checked)
            problem = checked.error().message;
    }
    showProblem(problem);
    emit synced();
}

void RecipeEditorWindow::showProblem(const QString& message)
{
    m_problem = message;
    m_problemLine = 0;
    int stepRow = -1;
    QString shown = message;
    static const QRegularExpression located(QStringLiteral("^(.+?):(\\d+): (.*)$"),
                                            QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch match = located.match(message);
    if (match.hasMatch() && match.captured(1) == recipePath()) {
        m_problemLine = match.captured(2).toInt();
        shown = tr("Line %1: %2").arg(m_problemLine).arg(match.captured(3));
        // The step the line belongs to: the last step starting at or before it.
        for (qsizetype i = 0; i < m_recipe.steps.size(); ++i) {
            const engine::SourceLocation& where = m_recipe.steps.at(i).where;
            if (where.file == recipePath() && where.line <= m_problemLine)
                stepRow = int(i);
        }
        if (stepRow >= 0)
            shown = tr("Line %1, step %2: %3")
                        .arg(m_problemLine)
                        .arg(stepRow + 1)
                        .arg(match.captured(3));
    }
    m_yaml->setError(m_problemLine, message);
    m_steps->markError(stepRow, message);
    m_problemLabel->setText(shown);
    m_problemLabel->setVisible(!message.isEmpty());
    updateActions();
}

void RecipeEditorWindow::setYamlText(const QString& text)
{
    m_writingYaml = true;
    // One undoable edit that marks the document modified (setPlainText would clear undo).
    QTextCursor cursor(m_yaml->document());
    cursor.beginEditBlock();
    cursor.select(QTextCursor::Document);
    cursor.insertText(text);
    cursor.endEditBlock();
    m_writingYaml = false;
}

void RecipeEditorWindow::onStepsEdited()
{
    m_recipe.steps = m_steps->steps();
    setYamlText(QString::fromUtf8(engine::RecipeWriter::toYaml(m_recipe)));
    // Read it back: new step lines, and the check of the parameters.
    const int row = m_steps->currentRow();
    const engine::Result<Recipe> parsed =
        engine::RecipeLoader::parse(m_yaml->toPlainText().toUtf8(), recipePath());
    if (parsed) {
        for (qsizetype i = 0; i < m_recipe.steps.size() && i < parsed->steps.size(); ++i)
            m_recipe.steps[i].where = parsed->steps.at(i).where;
    }
    QString problem = parsed ? QString() : parsed.error().message;
    if (parsed && !m_catalog.isEmpty() && !m_recipe.steps.isEmpty()) {
        if (const engine::Status checked = engine::RecipePlan(*parsed).validate(m_catalog);
            !checked)
            problem = checked.error().message;
    }
    showProblem(problem);
    if (row >= 0 && m_steps->currentRow() != row)
        m_steps->setCurrentRow(row);
    emit synced();
}

void RecipeEditorWindow::startRun(bool check)
{
    if (isRunning())
        return;
    if (m_parseTimer.isActive())
        syncFromYamlNow();
    if (!m_problem.isEmpty()) {
        m_status->setText(tr("Fix the recipe first: %1").arg(m_problemLabel->text()));
        return;
    }
    if (m_recipe.steps.isEmpty()) {
        m_status->setText(tr("The recipe has no steps."));
        return;
    }
    const QString pattern =
        m_targets->text().trimmed().isEmpty() ? m_recipe.hosts : m_targets->text().trimmed();
    if (pattern.isEmpty()) {
        m_status->setText(tr("Enter the hosts to run on."));
        return;
    }
    const engine::Result<engine::ResolvedTargets> resolved =
        engine::TargetFactory::resolve(m_inventory, pattern, m_context.targetSettings);
    if (!resolved) {
        m_status->setText(resolved.error().message);
        return;
    }
    if (resolved->hosts.isEmpty()) {
        m_status->setText(tr("%1 matches no host.").arg(pattern));
        return;
    }
    if (check) {
        launch(true, resolved->hosts);
        return;
    }
    QPointer<RecipeEditorWindow> self(this);
    const QList<HostTarget> targets = resolved->hosts;
    m_context.prompts->confirmDeploy(
        this, tr("Run %1 on %n host(s)?", nullptr, int(targets.size())).arg(m_file->displayName()),
        [self, targets](bool ok) {
            if (self && ok)
                self->launch(false, targets);
        });
}

void RecipeEditorWindow::launch(bool check, QList<HostTarget> targets)
{
    if (!m_context.engine || isRunning())
        return;
    engine::RunRequest request;
    request.targets = std::move(targets);
    request.plan = std::make_shared<engine::RecipePlan>(m_recipe);
    request.options.check = check;
    request.options.origin = QStringLiteral("recipe");
    request.options.serial = m_recipe.serial;
    request.options.maxFailPercentage = m_recipe.maxFailPercentage;
    request.pattern = m_targets->text().trimmed();
    request.inventory = m_inventoryPath;
    m_runView->model()->clear();
    m_run = m_context.engine->startRun(request);
    m_runView->attach(m_run);
    if (m_context.recorder)
        m_context.recorder->record(m_run);
    connect(m_run, &engine::RunHandle::finished, this, [this](const engine::RunSummary& summary) {
        m_status->setText(tr("%1 finished: %2 ok, %3 changed, %4 failed, %5 unreachable")
                              .arg(m_file->displayName())
                              .arg(summary.ok)
                              .arg(summary.changed)
                              .arg(summary.failed)
                              .arg(summary.unreachable));
        updateActions();
        emit runFinished(summary);
    });
    m_status->setText(check ? tr("Checking on %n host(s)…", nullptr, int(request.targets.size()))
                            : tr("Running on %n host(s)…", nullptr, int(request.targets.size())));
    updateActions();
}

void RecipeEditorWindow::cancelRun()
{
    if (isRunning())
        m_run->cancel();
}

void RecipeEditorWindow::updateActions()
{
    const bool running = isRunning();
    const bool runnable = m_context.engine && !running;
    m_runButton->setEnabled(runnable);
    m_checkButton->setEnabled(runnable);
    m_cancelButton->setEnabled(running);
}

void RecipeEditorWindow::updateTitle()
{
    setWindowTitle(
        tr("%1%2 — Recipe editor")
            .arg(m_file->displayName(), m_file->isModified() ? QStringLiteral(" *") : QString()));
}

void RecipeEditorWindow::closeEvent(QCloseEvent* event)
{
    if (m_closeApproved || !m_file->isModified()) {
        event->accept();
        return;
    }
    event->ignore();
    QPointer<RecipeEditorWindow> self(this);
    m_file->guard([self](bool proceed) {
        if (self && proceed) {
            self->m_closeApproved = true;
            self->close();
            self->m_closeApproved = false;
        }
    });
}

} // namespace hostdeck::ui
