#include "ui/recipe/RecipeHooks.h"

#include "engine/recipe/RecipeWriter.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/history/HistoryView.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/recipe/DialogRecipePrompts.h"
#include "ui/recipe/RecipeEditorWindow.h"
#include "ui/tools/ToolPalette.h"

#include <QAction>
#include <QDir>
#include <QLineEdit>
#include <QMenuBar>
#include <QSaveFile>
#include <QStatusBar>
#include <QTableView>

namespace hostdeck::ui {

namespace {

engine::Status writeRecipe(const engine::Result<engine::Recipe>& recipe, const QString& path)
{
    if (!recipe)
        return recipe.error();
    QSaveFile file(path);
    const QByteArray bytes = engine::RecipeWriter::toYaml(*recipe);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return engine::makeError(engine::ErrorKind::Io,
                                 QObject::tr("cannot write %1: %2").arg(path, file.errorString()));
    return engine::Ok{};
}

} // namespace

engine::Status saveRunAsRecipe(const engine::HistoryRun& run, const QString& path)
{
    return writeRecipe(engine::RecipeWriter::fromHistory(run), path);
}

engine::Status saveRunsAsRecipe(const QList<engine::HistoryRun>& runs, const QString& path)
{
    return writeRecipe(engine::RecipeWriter::fromHistory(runs), path);
}

RecipeHooks::RecipeHooks(MainWindow* window, AppServices& services)
    : QObject(window), m_window(window), m_services(services),
      m_editorAction(new QAction(tr("&Recipe editor…"), window)),
      m_saveAction(new QAction(tr("Save as &recipe…"), window))
{
    setObjectName(QStringLiteral("recipeHooks"));
    m_editorAction->setObjectName(QStringLiteral("recipeEditorAction"));
    m_editorAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_editorAction->setToolTip(tr("Compose steps into a recipe, check and run it (Ctrl+Shift+R)"));
    connect(m_editorAction, &QAction::triggered, this, [this] { openEditor(); });
    m_saveAction->setObjectName(QStringLiteral("saveRunAsRecipeAction"));
    m_saveAction->setToolTip(
        tr("Write the selected run(s), oldest first, as one recipe file and open it"));
    connect(m_saveAction, &QAction::triggered, this, &RecipeHooks::saveCurrentRunAsRecipe);
    QMenu* menu = window->menuBar()->addMenu(tr("Re&cipes"));
    menu->addAction(m_editorAction);
    if (HistoryView* history = window->historyView()) {
        history->table()->addAction(m_saveAction);
        history->table()->setContextMenuPolicy(Qt::ActionsContextMenu);
        connect(history, &HistoryView::recipeRerunRequested, this, &RecipeHooks::rerunRecipe);
    }
}

RecipeHooks::~RecipeHooks() = default;

RecipeEditorWindow* RecipeHooks::editor() const
{
    return m_editor;
}

RecipeHooks* RecipeHooks::install(MainWindow* window, AppServices& services)
{
    return new RecipeHooks(window, services);
}

RecipeHooks* RecipeHooks::of(const MainWindow* window)
{
    return window->findChild<RecipeHooks*>(QStringLiteral("recipeHooks"),
                                           Qt::FindDirectChildrenOnly);
}

TemplatePrompts* RecipeHooks::prompts()
{
    if (m_prompts)
        return m_prompts;
    if (!m_ownPrompts)
        m_ownPrompts = std::make_unique<DialogRecipePrompts>();
    return m_ownPrompts.get();
}

RecipeEditorWindow* RecipeHooks::openEditor()
{
    if (!m_editor) {
        RecipeEditorContext context;
        context.engine = m_services.engine();
        context.prompts = prompts();
        context.targetSettings = m_services.targetSettings();
        context.recorder = m_window->historyRecorder();
        m_editor = new RecipeEditorWindow(std::move(context), m_window);
        m_editor->setWindowFlag(Qt::Window);
        m_editor->setWindowIcon(m_window->windowIcon());
        InventoryDock* inventory = m_window->inventoryDock();
        connect(inventory, &InventoryDock::inventoryChanged, m_editor, [this, inventory] {
            if (m_editor)
                m_editor->setInventory(inventory->inventory(), inventory->inventoryPath());
        });
        if (m_window->toolsLoaded())
            m_editor->setCatalog(m_window->palette()->catalog());
    }
    m_editor->setInventory(m_window->inventoryDock()->inventory(),
                           m_window->inventoryDock()->inventoryPath());
    m_editor->show();
    m_editor->raise();
    m_editor->activateWindow();
    return m_editor;
}

void RecipeHooks::saveCurrentRunAsRecipe()
{
    HistoryView* history = m_window->historyView();
    const QList<engine::HistoryRun> runs =
        history ? history->selectedRuns() : QList<engine::HistoryRun>{};
    if (runs.isEmpty())
        return;
    const QString suggestion = QDir::home().filePath(
        runs.size() == 1 ? QStringLiteral("%1.yml").arg(runs.constFirst().toolMethod().replace(
                               QLatin1Char('.'), QLatin1Char('-')))
                         : QStringLiteral("recipe.yml"));
    QPointer<RecipeHooks> self(this);
    prompts()->chooseSaveFile(m_window, suggestion, [self, runs](const QString& path) {
        if (!self || path.isEmpty())
            return;
        engine::Status saved = saveRunsAsRecipe(runs, path);
        if (saved)
            saved = self->openEditor()->openFile(path);
        if (!saved)
            self->m_window->statusBar()->showMessage(saved.error().message);
    });
}

void RecipeHooks::rerunRecipe(const engine::HistoryRun& run)
{
    const QString file = run.plan.value(QStringLiteral("file")).toString();
    if (file.isEmpty() || run.hosts.isEmpty()) {
        m_window->statusBar()->showMessage(
            tr("History run %1 did not record its recipe file or its hosts").arg(run.id));
        return;
    }
    RecipeEditorWindow* editor = openEditor();
    if (editor->isRunning()) {
        m_window->statusBar()->showMessage(tr("The recipe editor is running a recipe already"));
        return;
    }
    if (const engine::Status opened = editor->openFile(file); !opened) {
        m_window->statusBar()->showMessage(opened.error().message);
        return;
    }
    editor->targetsEdit()->setText(run.hosts.join(QLatin1Char(':')));
    editor->startRun(run.check);
}

} // namespace hostdeck::ui
