#pragma once

#include "engine/agent/ToolCatalog.h"
#include "engine/runner/HostTarget.h"
#include "ui/MainWindowOptions.h"
#include "ui/inventory/HostState.h"

#include <QMainWindow>
#include <QPointer>
#include <QSettings>

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSettings;
class QSpinBox;
class QSplitter;
class QTabWidget;

namespace hostdeck::engine {
class EngineClient;
class RunHandle;
class RunHistory;
struct HistoryRun;
struct HostResult;
struct RunSummary;
struct Error;
enum class HostLinkState;
} // namespace hostdeck::engine

namespace hostdeck::ui {

class AppServices;
class FleetOverview;
class HelpCenter;
class HistoryRecorder;
class HistoryView;
class InventoryDock;
class LogPane;
class ParameterForm;
class Prompts;
class RunCoordinator;
class RunTabs;
class RunView;
class TemplateEditorWindow;
class TemplatePrompts;
class ToolPalette;
struct RerunPlan;

/// The main window: inventory dock, tool palette, generated form, targets, Run/Check/Cancel, a
/// results tab per run, the history and the remote log. Wiring and layout only: the work is in
/// the engine (its own thread), the models and the coordinator. Its code is split by concern:
/// MainWindow.cpp (construction, menus, template editor), MainWindowLayout.cpp (widgets),
/// MainWindowRuns.cpp (starting runs, progress, connection tests), MainWindowHistory.cpp
/// (reopen, re-run, export), MainWindowSession.cpp (settings, closing with unsaved work),
/// MainWindowActions.cpp (Help, fleet overview, keyboard order).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /// `services` (the engine, credentials, prompts) outlive the window; app/ builds them.
    explicit MainWindow(AppServices& services, MainWindowOptions options = {},
                        QWidget* parent = nullptr);
    ~MainWindow() override;

    Prompts* prompts() const { return m_prompts; }
    ToolPalette* palette() const { return m_palette; }
    ParameterForm* form() const { return m_form; }
    QLineEdit* targetsField() const { return m_targets; }
    QLabel* targetsCount() const { return m_targetCount; }
    /// Says under the targets what a pattern does not match (or why it is invalid).
    QLabel* targetsWarning() const { return m_targetWarning; }
    QLabel* formError() const { return m_formError; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* countsLabel() const { return m_counts; }
    QSpinBox* forksBox() const { return m_forks; }
    QSpinBox* callTimeoutBox() const { return m_callTimeout; }
    QSpinBox* deadlineBox() const { return m_deadline; }
    QTabWidget* runTabs() const;
    RunTabs* resultTabs() const { return m_runTabs; }
    RunView* currentRunView() const;
    HistoryView* historyView() const { return m_history; }
    InventoryDock* inventoryDock() const { return m_inventory; }
    LogPane* logPane() const { return m_log; }
    QAction* runAction() const { return m_runAction; }
    QAction* checkAction() const { return m_checkAction; }
    QAction* cancelAction() const { return m_cancelAction; }
    QAction* templateEditorAction() const { return m_templateAction; }
    QAction* fleetOverviewAction() const { return m_overviewAction; }
    HelpCenter* helpCenter() const { return m_help; }
    /// The template editor, once opened (it shares this window's engine and history).
    TemplateEditorWindow* templateEditor() const;
    /// The fleet overview, once opened.
    FleetOverview* fleetOverview() const;
    HistoryRecorder* historyRecorder() const { return m_recorder; }
    bool toolsLoaded() const { return m_toolsLoaded; }
    bool isRunning() const;
    /// The last run's id in the history database (0 when none was stored).
    qint64 lastHistoryId() const;

    /// Starts the current method on the current targets; false (with formError set) when the
    /// form or the targets are not valid.
    bool run(bool check = false);
    void cancelRun();
    /// Opens (or raises) the template editor on the current inventory.
    void openTemplateEditor();
    /// Opens (or raises) the fleet overview on the current targets.
    void openFleetOverview();

signals:
    void toolsReady();
    void runStarted(quint64 runId);
    void runFinished(quint64 runId);

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void buildActions();
    void applyPaletteColors();
    void buildLayout();
    void openHistory();
    void onToolsDescribed(quint64 requestId, const QJsonArray& tools, const QString& error);
    void onMethodChosen(const engine::MethodInfo& method);
    void updateTargetCount();
    void onProgress(quint64 runId, const engine::RunSummary& summary);
    void onFinished(quint64 runId, const engine::RunSummary& summary);
    void onHostState(const QString& host, engine::HostLinkState state, const engine::Error& error);
    void onHostRecord(const engine::HostResult& record);
    engine::RunHandle* testConnection(const engine::HostTarget& target);
    RunView* newRunView(const QString& title, bool check = false);
    void reopenRun(qint64 historyId);
    void rerun(const engine::HistoryRun& run);
    void exportRun(RunView* view);
    void restoreSettings();
    void saveSettings();
    void updateActions();
    void updateCredentialSource();

    // Added concerns (their own source files).
    void addWorkflowActions();
    void wireWorkflows();
    void onNoMethodChosen();
    void updateTabOrder();
    void updateTitle();
    void startRerun(const RerunPlan& plan);
    std::optional<engine::HostTarget> targetNamed(const QString& host) const;
    void fillFormForRerun(const RerunPlan& plan);
    /// Asks about every unsaved piece of work (inventory, template), one after the other;
    /// `then(true)` when the window may close.
    void guardUnsavedWork(std::function<void(bool)> then);
    bool hasUnsavedWork() const;
    void persistRunOptions();
    std::shared_ptr<TemplatePrompts> templatePrompts();

    AppServices& m_services;
    MainWindowOptions m_options;
    std::unique_ptr<QSettings> m_settings;
    Prompts* m_prompts;
    std::unique_ptr<engine::RunHistory> m_historyDb;
    engine::EngineClient* m_engine = nullptr;
    HistoryRecorder* m_recorder = nullptr;
    RunCoordinator* m_coordinator = nullptr;
    QPointer<TemplateEditorWindow> m_templateEditor;
    ToolPalette* m_palette = nullptr;
    ParameterForm* m_form = nullptr;
    QLineEdit* m_targets = nullptr;
    QLabel* m_targetCount = nullptr;
    QLabel* m_formError = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_counts = nullptr;
    QSpinBox* m_forks = nullptr;
    QSpinBox* m_callTimeout = nullptr;
    QSpinBox* m_deadline = nullptr;
    RunTabs* m_runTabs = nullptr;
    QSplitter* m_mainSplitter = nullptr;
    QSplitter* m_centerSplitter = nullptr;
    HistoryView* m_history = nullptr;
    InventoryDock* m_inventory = nullptr;
    LogPane* m_log = nullptr;
    QAction* m_runAction = nullptr;
    QAction* m_checkAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_templateAction = nullptr;
    quint64 m_describeId = 0;
    quint64 m_currentRun = 0;
    bool m_toolsLoaded = false;
    int m_runCounter = 0;

    QLabel* m_targetWarning = nullptr;
    QAction* m_overviewAction = nullptr;
    HelpCenter* m_help = nullptr;
    QPointer<FleetOverview> m_overview;
    std::shared_ptr<TemplatePrompts> m_templatePrompts;
    QList<QWidget*> m_formTail; ///< what Tab reaches after the form: options, Run, Check
    bool m_closeApproved = false;
    bool m_closing = false;
};

} // namespace hostdeck::ui
