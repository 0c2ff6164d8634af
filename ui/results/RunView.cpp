#include "ui/results/RunView.h"

#include "engine/runner/EngineClient.h"
#include "ui/results/GroupedResultsModel.h"
#include "ui/results/ResultDetailView.h"
#include "ui/results/ResultsFilterModel.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunTimeline.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>

namespace hostdeck::ui {

namespace {

QTableView* makeTable(QWidget* parent, const QString& name)
{
    auto* table = new QTableView(parent);
    table->setObjectName(name);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setWordWrap(false);
    table->setAlternatingRowColors(true);
    return table;
}

} // namespace

RunView::RunView(QWidget* parent)
    : QWidget(parent), m_model(new RunResultsModel(this)), m_filter(new ResultsFilterModel(this)),
      m_grouped(new GroupedResultsModel(this)), m_filterBox(new QComboBox(this)),
      m_hostFilter(new QLineEdit(this)),
      m_groupBox(new QCheckBox(tr("&Group identical results"), this)),
      m_exportButton(new QToolButton(this)), m_stack(new QStackedWidget(this)),
      m_views(new QTabWidget(this)), m_timeline(new RunTimeline(this)),
      m_table(makeTable(this, QStringLiteral("resultsTable"))),
      m_groupTable(makeTable(this, QStringLiteral("groupedTable"))),
      m_detail(new ResultDetailView(this)), m_splitter(new QSplitter(Qt::Vertical, this)),
      m_ticker(new QTimer(this))
{
    m_ticker->setInterval(1000);
    connect(m_ticker, &QTimer::timeout, m_model, &RunResultsModel::tick);
    // The colours follow the background (Base) the table inherits, and change with it
    // (changeEvent).
    m_model->setDarkPalette(palette().color(QPalette::Base).lightness() < 128);
    m_filter->setSourceModel(m_model);
    m_grouped->setActive(false);
    m_detail->setModel(m_model);
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder); // arrival order until the user sorts
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->resizeSection(RunResultsModel::HostColumn, 180);
    m_groupTable->setModel(m_grouped);

    m_filterBox->addItem(tr("All hosts"));
    m_filterBox->addItem(tr("Failed only"));
    m_filterBox->addItem(tr("Changed only"));
    m_filterBox->setObjectName(QStringLiteral("resultFilter"));
    m_hostFilter->setPlaceholderText(tr("Filter hosts"));
    m_hostFilter->setClearButtonEnabled(true);
    m_exportButton->setText(tr("&Export…"));
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_groupBox->setObjectName(QStringLiteral("groupIdentical"));

    auto* bar = new QHBoxLayout;
    auto* showLabel = new QLabel(tr("&Show:"), this);
    showLabel->setBuddy(m_filterBox);
    bar->addWidget(showLabel);
    bar->addWidget(m_filterBox);
    bar->addWidget(m_hostFilter, 1);
    bar->addWidget(m_groupBox);
    bar->addWidget(m_exportButton);

    m_stack->addWidget(m_table);
    m_stack->addWidget(m_groupTable);
    m_timeline->setModel(m_model);
    auto* timelineScroll = new QScrollArea(this);
    timelineScroll->setWidget(m_timeline);
    timelineScroll->setWidgetResizable(true);
    timelineScroll->setFrameShape(QFrame::NoFrame);
    m_views->setObjectName(QStringLiteral("runViewTabs"));
    m_views->setDocumentMode(true);
    m_views->addTab(m_stack, tr("Hosts"));
    m_views->addTab(timelineScroll, tr("Timeline"));
    m_splitter->addWidget(m_views);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setObjectName(QStringLiteral("runSplitter"));
    // The detail pane shows a value tree or output: never a sliver of three rows.
    m_detail->setMinimumHeight(fontMetrics().height() * 6);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_splitter);

    connect(m_filterBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_filter->setMode(ResultsFilterModel::Mode(index)); });
    // The grouped view groups what the filter shows.
    m_grouped->setSourceModel(m_filter);
    connect(m_timeline, &RunTimeline::hostClicked, this, [this](const QString& host) {
        m_views->setCurrentIndex(0);
        if (m_groupBox->isChecked())
            m_groupBox->setChecked(false);
        if (!selectHost(host)) { // hidden by the filter: show every host
            m_filterBox->setCurrentIndex(0);
            m_hostFilter->clear();
            selectHost(host);
        }
    });
    connect(m_hostFilter, &QLineEdit::textChanged, m_filter,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_groupBox, &QCheckBox::toggled, this, [this](bool on) {
        m_grouped->setActive(on);
        m_stack->setCurrentWidget(on ? m_groupTable : m_table);
    });
    connect(m_exportButton, &QToolButton::clicked, this, &RunView::exportRequested);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &RunView::onCurrentChanged);
    connect(m_groupTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                m_detail->showRow(current.isValid()
                                      ? current.data(GroupedResultsModel::FirstRowRole).toInt()
                                      : -1);
            });
    // The first host to arrive is shown, so a one-host run needs no click.
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_table->currentIndex().isValid() && m_filter->rowCount() > 0)
            m_table->setCurrentIndex(m_filter->index(0, 0));
    });
}

void RunView::attach(engine::RunHandle* run)
{
    m_run = run;
    m_finished = false;
    connect(run, &engine::RunHandle::events, m_model, &RunResultsModel::addEvents);
    connect(run, &engine::RunHandle::finished, m_ticker, &QTimer::stop);
    connect(run, &engine::RunHandle::finished, this, [this] {
        m_finished = true;
        m_timeline->update();
    });
    connect(m_ticker, &QTimer::timeout, m_timeline, qOverload<>(&QWidget::update));
    m_ticker->start();
}

QList<engine::HostResult> RunView::shownResults() const
{
    QList<engine::HostResult> results;
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const int source = m_filter->index(row, 0).data(RunResultsModel::RowRole).toInt();
        if (m_model->row(source).done)
            results << m_model->row(source).result;
    }
    return results;
}

QString RunView::shownDescription() const
{
    QString text = m_filterBox->currentText().toLower();
    if (!m_hostFilter->text().isEmpty())
        text += tr(", host names containing \"%1\"").arg(m_hostFilter->text());
    return text;
}

void RunView::showEvent(QShowEvent* event)
{
    if (!m_sized && m_splitter->height() > 0) {
        // First shown: the table and the detail share the height (a restored state may differ).
        m_sized = true;
        const QList<int> sizes = m_splitter->sizes();
        if (sizes.size() == 2 && sizes.at(1) < m_detail->minimumHeight() + 10) {
            const int total = sizes.at(0) + sizes.at(1);
            m_splitter->setSizes({total / 2, total - total / 2});
        }
    }
    QWidget::showEvent(event);
}

bool RunView::selectHost(const QString& host)
{
    const int row = m_model->rowOf(host);
    if (row < 0)
        return false;
    const QModelIndex index = m_filter->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    m_table->setCurrentIndex(index);
    return true;
}

void RunView::onCurrentChanged()
{
    const QModelIndex current = m_filter->mapToSource(m_table->currentIndex());
    m_detail->showRow(current.isValid() ? current.row() : -1);
}

void RunView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        m_model->setDarkPalette(palette().color(QPalette::Base).lightness() < 128);
    QWidget::changeEvent(event);
}

} // namespace hostdeck::ui
