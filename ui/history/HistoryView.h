#pragma once

#include "engine/history/HistoryRun.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace hostdeck::engine {
class RunHistory;
}

namespace hostdeck::ui {

class HistoryModel;

/// The history list: every stored run, newest first, searchable (tool, hosts, arguments,
/// outcome) and filterable (failed runs, dry runs, where they came from); reopen a run's results
/// or run it again.
class HistoryView : public QWidget
{
    Q_OBJECT
public:
    enum class Filter
    {
        All,
        Failed,
        Check,
        Gui,
        Cli,
        Template
    };

    explicit HistoryView(QWidget* parent = nullptr);

    /// `history` may be null; `problem` then says why (e.g. a corrupt database).
    void setHistory(engine::RunHistory* history, const QString& problem = {});
    void refresh();
    QTableView* table() const { return m_table; }
    HistoryModel* model() const { return m_model; }
    QLineEdit* searchField() const { return m_search; }
    QComboBox* filterBox() const { return m_filter; }
    QPushButton* rerunButton() const { return m_rerun; }
    /// "Re-run failed": the selected finished run again, only on its failed, unreachable and
    /// timed-out hosts (engine::FailedHosts).
    QPushButton* rerunFailedButton() const { return m_rerunFailed; }
    /// The hosts "Re-run failed" would run the current run on (empty: the button is disabled).
    QStringList failedHostsOfCurrent() const { return m_failedHosts; }
    /// Rows the search and filter show.
    int shownCount() const;
    /// The run of the current row (id 0 when none).
    engine::HistoryRun currentRun() const;
    /// The runs of the selected rows, in the order the table shows them (several rows can be
    /// selected with Ctrl/Shift, e.g. to save them as one recipe); the current run when none.
    QList<engine::HistoryRun> selectedRuns() const;
    /// Selects the stored run `id` (clearing a search that hides it); false when it is not there.
    bool selectRun(qint64 id);

signals:
    void reopenRequested(qint64 historyId);
    /// A tool call to run again (for "Re-run failed": the run limited to the hosts that failed).
    void rerunRequested(const hostdeck::engine::HistoryRun& run);
    /// A recipe run to run again on `run.hosts` (the failed hosts of a recipe run).
    void recipeRerunRequested(const hostdeck::engine::HistoryRun& run);

private:
    void updateButtons();

    engine::RunHistory* m_history = nullptr;
    HistoryModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QLineEdit* m_search;
    QComboBox* m_filter;
    QPushButton* m_rerun;
    QPushButton* m_rerunFailed;
    QStringList m_failedHosts;
    QLabel* m_status;
};

} // namespace hostdeck::ui
