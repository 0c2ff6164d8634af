#pragma once

#include "engine/agent/ToolCatalog.h"
#include "engine/inventory/Inventory.h"
#include "engine/recipe/Recipe.h"
#include "engine/runner/EngineClient.h"
#include "engine/runner/TargetFactory.h"

#include <QMainWindow>
#include <QPointer>
#include <QTimer>

#include <memory>

class QLabel;
class QLineEdit;
class QPushButton;

namespace hostdeck::ui {

class HistoryRecorder;
class RecipeFile;
class RecipeStepsPane;
class RunView;
class TemplateEditor;
class TemplatePrompts;

/// What the recipe editor needs from the application; nothing here is owned by the window.
struct RecipeEditorContext
{
    engine::EngineClient* engine = nullptr; ///< required; shared with the main window
    TemplatePrompts* prompts = nullptr;     ///< null: real dialogs (DialogRecipePrompts)
    engine::TargetSettings targetSettings;  ///< how inventory hosts become targets
    HistoryRecorder* recorder = nullptr;    ///< null: runs are not recorded
};

/// The recipe editor: the steps as a list with each step's generated tool form, and the YAML
/// view, kept in sync both ways (an edit of either rewrites the other; the YAML is what is
/// saved). Load and check errors are shown at their line and step. Run and Check go through the
/// run service (a RecipePlan on the hosts a pattern selects) into a results view.
class RecipeEditorWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit RecipeEditorWindow(RecipeEditorContext context, QWidget* parent = nullptr);
    ~RecipeEditorWindow() override;

    void setInventory(const engine::Inventory& inventory, const QString& path = {});
    void setCatalog(const engine::ToolCatalog& catalog);
    bool hasCatalog() const { return !m_catalog.isEmpty(); }
    engine::Status openFile(const QString& path);
    /// Reads the YAML view now (as after a typing pause).
    void syncFromYamlNow();
    /// The recipe as last read from the YAML view or edited in the steps.
    const engine::Recipe& recipe() const { return m_recipe; }
    /// The problem of the YAML view ("" when it loads and checks); its line, 0 when none.
    QString problem() const { return m_problem; }
    int problemLine() const { return m_problemLine; }

    void startRun(bool check); ///< a real run asks for confirmation through the prompts
    void cancelRun();
    bool isRunning() const { return m_run && !m_run->isFinished(); }
    engine::RunHandle* currentRun() const { return m_run; }

    RecipeStepsPane* stepsPane() const { return m_steps; }
    TemplateEditor* yamlEditor() const { return m_yaml; }
    RecipeFile* file() const { return m_file; }
    RunView* runView() const { return m_runView; }
    QLineEdit* targetsEdit() const { return m_targets; }
    QLabel* problemLabel() const { return m_problemLabel; }
    QLabel* statusLabel() const { return m_status; }

signals:
    void toolsReady();
    void synced();
    void runFinished(const hostdeck::engine::RunSummary& summary);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void onYamlEdited();
    void onStepsEdited();
    void setYamlText(const QString& text);
    void showProblem(const QString& message);
    QString recipePath() const;
    void launch(bool check, QList<engine::HostTarget> targets);
    void updateActions();
    void updateTitle();

    RecipeEditorContext m_context;
    std::unique_ptr<TemplatePrompts> m_ownPrompts;
    engine::Inventory m_inventory;
    QString m_inventoryPath;
    engine::ToolCatalog m_catalog;
    quint64 m_describeId = 0;
    engine::Recipe m_recipe;
    QString m_problem;
    int m_problemLine = 0;
    bool m_writingYaml = false;
    bool m_closeApproved = false;
    RecipeStepsPane* m_steps;
    TemplateEditor* m_yaml;
    RecipeFile* m_file;
    RunView* m_runView;
    QLineEdit* m_targets;
    QPushButton* m_runButton;
    QPushButton* m_checkButton;
    QPushButton* m_cancelButton;
    QLabel* m_problemLabel;
    QLabel* m_status;
    QTimer m_parseTimer;
    QPointer<engine::RunHandle> m_run;
};

} // namespace hostdeck::ui
