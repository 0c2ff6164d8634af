#pragma once

#include "engine/runner/HostTarget.h"
#include "ui/overview/FleetFactsModel.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QChartView;
class QLabel;
class QPieSeries;
class QPieSlice;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace hostdeck::engine {
class EngineClient;
class RunHandle;
} // namespace hostdeck::engine

namespace hostdeck::ui {

class HistoryRecorder;

/// The fleet at a glance: the facts of the chosen hosts (gathered as one run of Facts.all through
/// the run service) in one sortable table, and pie charts of how OS, kernel, Python and disk use
/// are spread. Clicking a slice asks for those hosts as targets (hostsChosen).
class FleetOverview : public QWidget
{
    Q_OBJECT
public:
    /// The dimensions charted, in order.
    static const QList<FleetFactsModel::Column>& chartColumns();

    FleetOverview(engine::EngineClient* engine, HistoryRecorder* recorder,
                  QWidget* parent = nullptr);

    /// Gathers the facts of `targets` (what `pattern` selected in `inventory`).
    void gather(const QList<engine::HostTarget>& targets, const QString& pattern,
                const QString& inventory);
    bool isGathering() const;
    FleetFactsModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QChartView* chartView(FleetFactsModel::Column column) const { return m_views.value(column); }
    QPieSeries* series(FleetFactsModel::Column column) const { return m_series.value(column); }
    /// Where the slice `label` of a chart is drawn, in its view's viewport (a click lands there).
    QPoint sliceCenter(FleetFactsModel::Column column, const QString& label) const;
    QLabel* statusLabel() const { return m_status; }

signals:
    void hostsChosen(const QStringList& hosts, const QString& what);
    void gathered();

private:
    void rebuildCharts();
    void onSliceClicked(QPieSlice* slice);

    QPointer<engine::EngineClient> m_engine;
    QPointer<HistoryRecorder> m_recorder;
    FleetFactsModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QLabel* m_status;
    QPushButton* m_refresh;
    QHash<int, QChartView*> m_views;
    QHash<int, QPieSeries*> m_series;
    QHash<QPieSlice*, QStringList> m_sliceHosts;
    QPointer<engine::RunHandle> m_run;
    QList<engine::HostTarget> m_targets;
    QString m_pattern;
    QString m_inventory;
};

} // namespace hostdeck::ui
