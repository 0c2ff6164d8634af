#pragma once

#include "engine/history/HistoryRun.h"
#include "engine/util/Result.h"

#include <QObject>
#include <QPointer>

#include <memory>

class QAction;

namespace hostdeck::ui {

class AppServices;
class MainWindow;
class RecipeEditorWindow;
class TemplatePrompts;

/// Writes a history entry as a recipe file (RecipeWriter::fromHistory, atomically).
engine::Status saveRunAsRecipe(const engine::HistoryRun& run, const QString& path);
/// Writes several history entries as one recipe file, oldest first.
engine::Status saveRunsAsRecipe(const QList<engine::HistoryRun>& runs, const QString& path);

/// The recipe editor's place in the main window, installed by one call from it: a Recipes menu
/// with "Recipe editor…" (Ctrl+Shift+R), and "Save as recipe…" in the history's context menu,
/// which writes the selected run(s) as a recipe and opens it in the editor. The editor shares the
/// window's engine, history recorder, inventory and target settings.
class RecipeHooks final : public QObject
{
    Q_OBJECT
public:
    static RecipeHooks* install(MainWindow* window, AppServices& services);
    static RecipeHooks* of(const MainWindow* window);
    ~RecipeHooks() override;

    /// Opens (or raises) the editor; `prompts` (tests) replaces the real dialogs.
    RecipeEditorWindow* openEditor();
    RecipeEditorWindow* editor() const;
    QAction* editorAction() const { return m_editorAction; }
    QAction* saveAsRecipeAction() const { return m_saveAction; }
    void setPrompts(TemplatePrompts* prompts) { m_prompts = prompts; }
    /// Saves the history view's selected runs (oldest first) as one recipe (asks for the file),
    /// then opens it.
    void saveCurrentRunAsRecipe();
    /// Runs a recorded recipe run again on `run.hosts` (the history's "Re-run failed"): its
    /// recipe file opens in the editor with those hosts as the targets, and runs (a real run
    /// asks first, a check does not).
    void rerunRecipe(const engine::HistoryRun& run);

private:
    RecipeHooks(MainWindow* window, AppServices& services);
    TemplatePrompts* prompts();

    MainWindow* m_window;
    AppServices& m_services;
    std::unique_ptr<TemplatePrompts> m_ownPrompts;
    TemplatePrompts* m_prompts = nullptr;
    QPointer<RecipeEditorWindow> m_editor;
    QAction* m_editorAction;
    QAction* m_saveAction;
};

} // namespace hostdeck::ui
