#include "ui/overview/FleetOverview.h"

#include "engine/runner/CallPlan.h"
#include "engine/runner/EngineClient.h"
#include "ui/history/HistoryRecorder.h"

#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPieSeries>
#include <QPieSlice>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace hostdeck::ui {

const QList<FleetFactsModel::Column>& FleetOverview::chartColumns()
{
    static const QList<FleetFactsModel::Column> columns{
        FleetFactsModel::OsColumn, FleetFactsModel::KernelColumn, FleetFactsModel::PythonColumn,
        FleetFactsModel::DiskColumn};
    return columns;
}

FleetOverview::FleetOverview(engine::EngineClient* engine, HistoryRecorder* recorder,
                             QWidget* parent)
    : QWidget(parent), m_engine(engine), m_recorder(recorder), m_model(new FleetFactsModel(this)),
      m_proxy(new QSortFilterProxyModel(this)), m_table(new QTableView(this)),
      m_status(new QLabel(this)), m_refresh(new QPushButton(tr("&Gather again"), this))
{
    setObjectName(QStringLiteral("fleetOverview"));
    setWindowFlag(Qt::Window);
    setWindowTitle(tr("Fleet overview — Hostdeck"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(FleetFactsModel::SortRole);
    m_table->setObjectName(QStringLiteral("factsTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(FleetFactsModel::HostColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_status->setObjectName(QStringLiteral("overviewStatus"));
    m_status->setWordWrap(true);

    auto* charts = new QWidget(this);
    auto* grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    for (int i = 0; i < chartColumns().size(); ++i) {
        const FleetFactsModel::Column column = chartColumns().at(i);
        auto* chart = new QChart;
        chart->setTitle(m_model->headerData(column, Qt::Horizontal).toString());
        chart->legend()->setAlignment(Qt::AlignRight);
        chart->setAnimationOptions(QChart::NoAnimation);
        chart->setMargins(QMargins(2, 2, 2, 2));
        auto* series = new QPieSeries(chart);
        series->setPieSize(0.8);
        chart->addSeries(series);
        auto* view = new QChartView(chart, charts);
        view->setObjectName(QStringLiteral("chart_%1").arg(int(column)));
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumSize(260, 190);
        connect(series, &QPieSeries::clicked, this, &FleetOverview::onSliceClicked);
        connect(series, &QPieSeries::hovered, this,
                [](QPieSlice* slice, bool state) { slice->setExploded(state); });
        m_views.insert(column, view);
        m_series.insert(column, series);
        grid->addWidget(view, i / 2, i % 2);
    }
    auto* hint = new QLabel(tr("Click a slice to make those hosts the targets."), this);
    auto* top = new QHBoxLayout;
    top->addWidget(m_status, 1);
    top->addWidget(m_refresh);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(charts);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    layout->addWidget(hint);
    connect(m_refresh, &QPushButton::clicked, this,
            [this] { gather(m_targets, m_pattern, m_inventory); });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &FleetOverview::rebuildCharts);
    connect(m_model, &QAbstractItemModel::modelReset, this, &FleetOverview::rebuildCharts);
    resize(1100, 760);
}

bool FleetOverview::isGathering() const
{
    return m_run && !m_run->isFinished();
}

void FleetOverview::gather(const QList<engine::HostTarget>& targets, const QString& pattern,
                           const QString& inventory)
{
    if (isGathering() || !m_engine)
        return;
    m_targets = targets;
    m_pattern = pattern;
    m_inventory = inventory;
    QStringList hosts;
    for (const engine::HostTarget& target : targets)
        hosts << target.name;
    m_model->setHosts(hosts);
    if (targets.isEmpty()) {
        m_status->setText(tr("No hosts: choose targets in the main window first."));
        return;
    }
    m_status->setText(
        tr("Gathering the facts of %n host(s) (%1)…", nullptr, int(hosts.size())).arg(pattern));
    // One read-only run through the run service, recorded in the history like any other.
    engine::RunRequest request;
    request.targets = targets;
    request.plan =
        std::make_shared<engine::CallPlan>(QStringLiteral("Facts"), QStringLiteral("all"));
    request.options.origin = QStringLiteral("gui");
    request.pattern = pattern;
    request.inventory = inventory;
    m_run = m_engine->startRun(std::move(request));
    if (m_recorder)
        m_recorder->record(m_run);
    m_refresh->setEnabled(false);
    connect(m_run, &engine::RunHandle::events, this, [this](const QList<engine::RunEvent>& events) {
        QList<engine::HostResult> results;
        for (const engine::RunEvent& event : events) {
            if (event.type == engine::RunEvent::Type::HostResult)
                results << event.record;
        }
        if (!results.isEmpty())
            m_model->addResults(results);
    });
    connect(m_run, &engine::RunHandle::finished, this, [this](const engine::RunSummary& summary) {
        m_refresh->setEnabled(true);
        m_table->resizeColumnsToContents();
        // A long reason (a host without facts) must not push the other columns out of sight:
        // the whole text is in the cell's tooltip.
        const int widest = m_table->fontMetrics().averageCharWidth() * 40;
        for (int column = 0; column < m_table->model()->columnCount(); ++column)
            m_table->setColumnWidth(column, std::min(m_table->columnWidth(column), widest));
        m_status->setText(tr("Facts of %1 of %2 host(s) (%3), gathered in %4 s")
                              .arg(summary.ok)
                              .arg(summary.total)
                              .arg(m_pattern)
                              .arg(double(summary.elapsedMs) / 1000.0, 0, 'f', 1));
        rebuildCharts();
        emit gathered();
    });
}

void FleetOverview::rebuildCharts()
{
    m_sliceHosts.clear();
    for (const FleetFactsModel::Column column : chartColumns()) {
        QPieSeries* series = m_series.value(column);
        series->clear();
        const QMap<QString, QStringList> groups = m_model->distribution(column);
        for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
            QPieSlice* slice =
                series->append(QStringLiteral("%1 (%2)").arg(it.key()).arg(it.value().size()),
                               double(it.value().size()));
            // Not "value": that is QPieSlice's own property (the slice's size).
            slice->setProperty("fleetValue", it.key());
            m_sliceHosts.insert(slice, it.value());
        }
    }
}

void FleetOverview::onSliceClicked(QPieSlice* slice)
{
    const QStringList hosts = m_sliceHosts.value(slice);
    if (hosts.isEmpty())
        return;
    // The table shows the chosen hosts selected too.
    m_table->clearSelection();
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        if (hosts.contains(m_proxy->index(row, 0).data(FleetFactsModel::HostRole).toString()))
            m_table->selectionModel()->select(
                m_proxy->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
    emit hostsChosen(hosts, slice->property("fleetValue").toString());
}

QPoint FleetOverview::sliceCenter(FleetFactsModel::Column column, const QString& label) const
{
    const QPieSeries* series = m_series.value(column);
    const QChartView* view = m_views.value(column);
    if (!series || !view)
        return {};
    for (const QPieSlice* slice : series->slices()) {
        if (slice->property("fleetValue").toString() != label)
            continue;
        const QRectF area = view->chart()->plotArea();
        const double radius = series->pieSize() * std::min(area.width(), area.height()) / 2.0;
        // Qt's pie angles: 0 at twelve o'clock, clockwise.
        const double angle = (slice->startAngle() + slice->angleSpan() / 2.0) * M_PI / 180.0;
        const QPointF inChart(area.center().x() + 0.6 * radius * std::sin(angle),
                              area.center().y() - 0.6 * radius * std::cos(angle));
        return view->mapFromScene(view->chart()->mapToScene(inChart));
    }
    return {};
}

} // namespace hostdeck::ui
