#pragma once

#include "engine/util/Result.h"

#include <QObject>
#include <QPointer>

#include <memory>

class QAction;
class QDockWidget;
class QMainWindow;
class QModelIndex;
class QTabWidget;

namespace hostdeck::engine {
class EngineClient;
class Plan;
class RunHandle;
} // namespace hostdeck::engine

namespace hostdeck::ui {

class HistoryRecorder;
class InventoryDock;
class InventoryDropHandler;
class RunView;
class TransferDialog;
class TransferPanel;
class TransferPicker;

/// What the transfer actions use of the main window; all outlive them.
struct TransferServices
{
    engine::EngineClient* engine = nullptr;
    HistoryRecorder* recorder = nullptr; ///< may be null (no history)
    InventoryDock* inventory = nullptr;  ///< targets resolve through it; files drop on its view
    QTabWidget* runTabs = nullptr;       ///< each transfer gets a results tab here
};

/// The desktop app's files to and from hosts: "Copy files to hosts" and "Fetch from hosts"
/// (Files menu), files dropped on hosts or a group of the inventory, the Transfers dock with
/// per-host progress and Cancel. Each transfer is a run of the run service (CopyPlan/FetchPlan,
/// the same plans as `hostdeck-cli copy/fetch`) with its own results tab and history entry.
/// Installs itself into `window` (a menu, a dock, a drop handler on the inventory view).
class TransferActions final : public QObject
{
    Q_OBJECT
public:
    TransferActions(const TransferServices& services, QMainWindow* window);
    ~TransferActions() override;

    QAction* copyAction() const { return m_copyAction; }
    QAction* fetchAction() const { return m_fetchAction; }
    TransferPanel* panel() const { return m_panel; }
    QDockWidget* dock() const { return m_dock; }
    TransferPicker* picker() const { return m_picker; }
    InventoryDropHandler* dropHandler() const { return m_drop; }
    /// The open copy or fetch dialog, if any.
    TransferDialog* dialog() const;
    RunView* lastRunView() const;

    /// Opens the copy dialog with `sources` and `pattern` filled in (the selection's hosts when
    /// `pattern` is empty).
    TransferDialog* openCopyDialog(const QStringList& sources = {}, const QString& pattern = {});
    TransferDialog* openFetchDialog(const QString& pattern = {});

signals:
    void transferStarted(quint64 runId);

private:
    TransferDialog* openDialog(bool copy, const QString& pattern);
    void submit(TransferDialog* dialog);
    engine::Result<engine::RunHandle*> start(std::shared_ptr<const engine::Plan> plan,
                                             const QString& pattern, bool check,
                                             const QString& title);
    QString patternAt(const QModelIndex& index) const;

    TransferServices m_services;
    QMainWindow* m_window;
    TransferPicker* m_picker;
    TransferPanel* m_panel;
    QDockWidget* m_dock;
    InventoryDropHandler* m_drop = nullptr;
    QAction* m_copyAction;
    QAction* m_fetchAction;
    QPointer<TransferDialog> m_dialog;
    QPointer<RunView> m_lastView;
    int m_count = 0;
};

} // namespace hostdeck::ui
