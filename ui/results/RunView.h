#pragma once

#include "engine/runner/HostResult.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTimer;
class QToolButton;

namespace hostdeck::engine {
class RunHandle;
}

namespace hostdeck::ui {

class GroupedResultsModel;
class ResultDetailView;
class ResultsFilterModel;
class RunResultsModel;
class RunTimeline;

/// One run's results: the filterable, sortable host table (or the grouped view), the run's
/// timeline, and the detail pane of the selected host. Owns the run's model.
class RunView : public QWidget
{
    Q_OBJECT
public:
    explicit RunView(QWidget* parent = nullptr);

    RunResultsModel* model() const { return m_model; }
    ResultsFilterModel* filter() const { return m_filter; }
    GroupedResultsModel* grouped() const { return m_grouped; }
    QTableView* table() const { return m_table; }
    QTableView* groupTable() const { return m_groupTable; }
    ResultDetailView* detail() const { return m_detail; }
    QSplitter* splitter() const { return m_splitter; }
    QComboBox* filterBox() const { return m_filterBox; }
    QCheckBox* groupBox() const { return m_groupBox; }
    QLineEdit* hostFilter() const { return m_hostFilter; }
    QTabWidget* viewTabs() const { return m_views; }
    RunTimeline* timeline() const { return m_timeline; }
    /// The finished hosts the view shows (the filter applied), in the table's order.
    QList<engine::HostResult> shownResults() const;
    /// What the filter shows, in words ("failed only", "all hosts, names matching web").
    QString shownDescription() const;
    bool isRunning() const { return m_run && !m_finished; }

    /// Shows `run`'s events as they arrive (rows from the start, elapsed time while it runs).
    void attach(engine::RunHandle* run);

    /// Selects the host's row and shows its detail; false when the host has no row.
    bool selectHost(const QString& host);

signals:
    void exportRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    void onCurrentChanged();
    void showEvent(QShowEvent* event) override;

    RunResultsModel* m_model;
    ResultsFilterModel* m_filter;
    GroupedResultsModel* m_grouped;
    QComboBox* m_filterBox;
    QLineEdit* m_hostFilter;
    QCheckBox* m_groupBox;
    QToolButton* m_exportButton;
    QStackedWidget* m_stack;
    QTabWidget* m_views;
    RunTimeline* m_timeline;
    QPointer<QObject> m_run;
    bool m_finished = false;
    bool m_sized = false;
    QTableView* m_table;
    QTableView* m_groupTable;
    ResultDetailView* m_detail;
    QSplitter* m_splitter;
    QTimer* m_ticker;
};

} // namespace hostdeck::ui
