#pragma once

#include "engine/inventory/Inventory.h"
#include "engine/runner/EngineClient.h"
#include "engine/runner/HostResult.h"
#include "engine/runner/TargetFactory.h"
#include "ui/template/TemplateVariables.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QMenu;
class QSettings;

namespace hostdeck::ui {

class HistoryRecorder;
class TemplateDeployPane;
class TemplateDocument;
class TemplateEditor;
class TemplatePreview;
class TemplatePrompts;
class TemplateService;
class TemplateVariablesPane;
struct TemplateOutcome;

/// What the template editor needs from the application. Nothing here is owned by the window.
struct TemplateEditorContext
{
    engine::EngineClient* engine = nullptr; ///< required; shared with the main window
    TemplatePrompts* prompts = nullptr;     ///< null: real dialogs (DialogTemplatePrompts)
    QSettings* settings = nullptr;          ///< null: the default QSettings (recent files)
    /// How inventory hosts become targets (TargetFactory; the main window's settings).
    engine::TargetSettings targetSettings;
    HistoryRecorder* recorder = nullptr; ///< null: diffs and deploys are not recorded
};

/// The template editor: an editor with live preview for a chosen host's variables, per-host
/// diff against the files on the hosts, and deploy as one run of the run service. A QMainWindow
/// that can be shown alone or embedded as a tab.
class TemplateEditorWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit TemplateEditorWindow(TemplateEditorContext context, QWidget* parent = nullptr);
    ~TemplateEditorWindow() override;

    /// `path` (the inventory file) is recorded with diff and deploy runs in the history.
    void setInventory(const engine::Inventory& inventory, const QString& path = {});
    /// `then(true)` when the window may close: no unsaved template, or the user saved it or
    /// threw the changes away (the document then goes back to what is saved); `then(false)` when
    /// they cancelled. The question goes through the window's TemplatePrompts.
    void guardUnsaved(std::function<void(bool)> then);
    void setDebounceInterval(int milliseconds);
    int debounceInterval() const { return m_debounce.interval(); }
    /// Render at once (as after a typing pause).
    void renderNow();
    void startDiff();
    void startDeploy(); ///< asks for confirmation through the prompts seam
    /// True while a render is scheduled or running.
    bool isRendering() const;
    bool isRollingOut() const;
    TemplateVariables currentVariables() const;
    /// Where `host` is reached (TargetFactory, as every face); empty or unknown = this machine.
    engine::Result<engine::HostTarget> targetFor(const QString& host) const;
    /// The diff or deploy running now (null when none): its events, for tests and the history.
    engine::RunHandle* currentRollout() const { return m_rollout; }
    /// From the last edit to the preview update of the last successful render, in ms.
    qint64 lastPauseToPreviewMs() const { return m_lastLatencyMs; }

    TemplateEditor* editor() const { return m_editor; }
    TemplatePreview* preview() const { return m_preview; }
    /// The preview tab's own choice of the host it renders for (the same choice as the
    /// Variables tab's, kept in step).
    QComboBox* previewHostBox() const { return m_previewHost; }
    QLabel* previewCaption() const { return m_previewCaption; }
    TemplateVariablesPane* variablesPane() const { return m_variables; }
    TemplateDeployPane* deployPane() const { return m_deploy; }
    TemplateDocument* document() const { return m_document; }
    QLabel* statusLabel() const { return m_status; }

signals:
    void previewUpdated(qint64 pauseToPreviewMs);
    void renderFailed(int line, const QString& message);
    void rolloutFinished(bool check);
    /// F1 or Help > Template syntax: the application shows its help on `topic`.
    void helpRequested(const QString& topic);

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void buildMenus();
    void rebuildRecentMenu(const QStringList& files);
    void updateTitle();
    void onEdited();
    void onHostChanged();
    void onFactsGathered(const QString& host, const QString& error);
    void onRendered(quint64 id, const QString& text);
    void onRenderFailed(quint64 id, int line, const QString& message);
    void startRollout(bool check);
    void onRolloutEvents(const QList<engine::RunEvent>& events);
    void onRolloutFinished();
    static QString nameOf(const QString& host); ///< empty = "localhost"
    QVariantMap inventoryVarsFor(const QString& host) const;
    void refreshVariables();
    void showStatus(const QString& text);
    QWidget* buildPreviewPane();
    void syncPreviewHost();
    void updatePreviewCaption();

    TemplateEditorContext m_context;
    std::unique_ptr<TemplatePrompts> m_ownPrompts;
    engine::Inventory m_inventory;
    QString m_inventoryPath;
    TemplateService* m_service;
    TemplateEditor* m_editor;
    TemplatePreview* m_preview;
    QComboBox* m_previewHost = nullptr;
    QLabel* m_previewCaption = nullptr;
    TemplateVariablesPane* m_variables;
    TemplateDeployPane* m_deploy;
    TemplateDocument* m_document;
    QLabel* m_status;
    QMenu* m_recentMenu = nullptr;
    QTimer m_debounce;
    QElapsedTimer m_sinceEdit;
    QElapsedTimer m_renderClock;
    quint64 m_renderId = 0;
    qint64 m_lastLatencyMs = -1;
    QPointer<engine::RunHandle> m_rollout;
    bool m_rolloutCheck = false;
    bool m_closeApproved = false;
};

} // namespace hostdeck::ui
