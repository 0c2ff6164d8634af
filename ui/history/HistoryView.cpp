#include "ui/history/HistoryView.h"

#include "engine/history/FailedHosts.h"
#include "engine/history/RunHistory.h"
#include "ui/history/HistoryModel.h"
#include "ui/history/RerunPlan.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>

#include <algorithm>

namespace hostdeck::ui {

namespace {

/// The search (words anywhere in tool, mode, origin, hosts, arguments, outcome) and the filter.
class HistoryFilterModel final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setFilter(HistoryView::Filter filter)
    {
        m_filter = filter;
        invalidateRowsFilter();
    }
    void setWords(const QString& text)
    {
        m_words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        invalidateRowsFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        const QModelIndex index = sourceModel()->index(row, 0, parent);
        const QString text = index.data(HistoryModel::SearchTextRole).toString();
        for (const QString& word : m_words) {
            if (!text.contains(word, Qt::CaseInsensitive))
                return false;
        }
        const QString origin = index.data(HistoryModel::OriginRole).toString();
        switch (m_filter) {
        case HistoryView::Filter::All:
            return true;
        case HistoryView::Filter::Failed:
            return index.data(HistoryModel::FailedRole).toBool();
        case HistoryView::Filter::Check:
            return index.data(HistoryModel::CheckRole).toBool();
        case HistoryView::Filter::Gui:
            return origin.isEmpty() || origin == QLatin1String("gui");
        case HistoryView::Filter::Cli:
            return origin == QLatin1String("cli");
        case HistoryView::Filter::Template:
            return origin == QLatin1String("template");
        }
        return true;
    }

private:
    HistoryView::Filter m_filter = HistoryView::Filter::All;
    QStringList m_words;
};

} // namespace

HistoryView::HistoryView(QWidget* parent)
    : QWidget(parent), m_model(new HistoryModel(this)), m_proxy(new HistoryFilterModel(this)),
      m_table(new QTableView(this)), m_search(new QLineEdit(this)), m_filter(new QComboBox(this)),
      m_rerun(new QPushButton(tr("Re-&run…"), this)),
      m_rerunFailed(new QPushButton(tr("Re-run &failed…"), this)), m_status(new QLabel(this))
{
    m_proxy->setSourceModel(m_model);
    m_table->setModel(m_proxy);
    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_search->setObjectName(QStringLiteral("historySearch"));
    m_search->setPlaceholderText(tr("Search runs: tool, host, argument, outcome"));
    m_search->setClearButtonEnabled(true);
    m_filter->setObjectName(QStringLiteral("historyFilter"));
    m_filter->addItems({tr("All runs"), tr("Failed runs"), tr("Dry runs (check)"),
                        tr("From this app"), tr("From the command line"), tr("Template deploys")});
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("historyStatus"));
    auto* open = new QPushButton(tr("&Open results"), this);
    auto* remove = new QPushButton(tr("&Delete"), this);
    open->setObjectName(QStringLiteral("historyOpen"));
    m_rerun->setObjectName(QStringLiteral("historyRerun"));
    m_rerunFailed->setObjectName(QStringLiteral("historyRerunFailed"));
    remove->setObjectName(QStringLiteral("historyDelete"));
    auto* top = new QHBoxLayout;
    top->addWidget(m_search, 1);
    top->addWidget(m_filter);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(open);
    buttons->addWidget(m_rerun);
    buttons->addWidget(m_rerunFailed);
    buttons->addWidget(remove);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_table);
    layout->addLayout(buttons);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        static_cast<HistoryFilterModel*>(m_proxy)->setWords(text);
        updateButtons();
    });
    connect(m_filter, &QComboBox::currentIndexChanged, this, [this](int index) {
        static_cast<HistoryFilterModel*>(m_proxy)->setFilter(Filter(index));
        updateButtons();
    });
    connect(open, &QPushButton::clicked, this, [this] {
        if (const auto run = currentRun(); run.id)
            emit reopenRequested(run.id);
    });
    connect(m_table, &QTableView::activated, this, [this] {
        if (const auto run = currentRun(); run.id)
            emit reopenRequested(run.id);
    });
    connect(m_rerun, &QPushButton::clicked, this, [this] {
        if (const auto run = currentRun(); run.id)
            emit rerunRequested(run);
    });
    connect(m_rerunFailed, &QPushButton::clicked, this, [this] {
        const engine::HistoryRun run = currentRun();
        if (!run.id || m_failedHosts.isEmpty())
            return;
        const engine::HistoryRun again = engine::FailedHosts::limitedTo(run, m_failedHosts);
        if (run.plan.value(QStringLiteral("kind")).toString() == QLatin1String("recipe"))
            emit recipeRerunRequested(again);
        else
            emit rerunRequested(again);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &HistoryView::updateButtons);
    connect(remove, &QPushButton::clicked, this, [this] {
        if (const auto run = currentRun(); run.id && m_history) {
            if (engine::Status removed = m_history->removeRun(run.id); !removed)
                m_status->setText(removed.error().message);
            refresh();
        }
    });
    updateButtons();
}

void HistoryView::setHistory(engine::RunHistory* history, const QString& problem)
{
    m_history = history;
    m_status->setText(problem);
    refresh();
}

void HistoryView::refresh()
{
    if (!m_history) {
        m_model->setRuns({});
        return;
    }
    const qint64 current = currentRun().id;
    QList<qint64> selected;
    for (const QModelIndex& row : m_table->selectionModel()->selectedRows())
        selected << m_model->run(m_proxy->mapToSource(row).row()).id;
    auto runs = m_history->runs();
    if (!runs) {
        m_status->setText(runs.error().message);
        return;
    }
    m_model->setRuns(*runs);
    m_status->setText(tr("%n run(s) in %1", nullptr, int(runs->size())).arg(m_history->path()));
    // Short columns fit their text; the arguments and outcome take the rest.
    for (int column : {HistoryModel::TimeColumn, HistoryModel::ToolColumn,
                       HistoryModel::CheckColumn, HistoryModel::OriginColumn})
        m_table->resizeColumnToContents(column);
    const QAbstractItemView* view = m_table; // sizeHintForColumn is public there
    m_table->setColumnWidth(HistoryModel::TargetsColumn,
                            std::min(260, view->sizeHintForColumn(HistoryModel::TargetsColumn)));
    m_table->setColumnWidth(HistoryModel::ArgsColumn,
                            std::min(320, view->sizeHintForColumn(HistoryModel::ArgsColumn)));
    if (current)
        selectRun(current);
    // A refresh (a run recorded meanwhile) keeps a selection of several runs.
    if (selected.size() > 1) {
        QItemSelection rows;
        for (qint64 id : std::as_const(selected)) {
            const int row = m_model->rowOfId(id);
            const QModelIndex index =
                row < 0 ? QModelIndex() : m_proxy->mapFromSource(m_model->index(row, 0));
            if (index.isValid())
                rows.select(index, index);
        }
        m_table->selectionModel()->select(rows,
                                          QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
    updateButtons();
}

int HistoryView::shownCount() const
{
    return m_proxy->rowCount();
}

bool HistoryView::selectRun(qint64 id)
{
    const int row = m_model->rowOfId(id);
    if (row < 0)
        return false;
    QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid()) {
        m_search->clear();
        m_filter->setCurrentIndex(0);
        index = m_proxy->mapFromSource(m_model->index(row, 0));
    }
    m_table->selectRow(index.row());
    return true;
}

engine::HistoryRun HistoryView::currentRun() const
{
    const QModelIndex index = m_proxy->mapToSource(m_table->currentIndex());
    return index.isValid() ? m_model->run(index.row()) : engine::HistoryRun{};
}

QList<engine::HistoryRun> HistoryView::selectedRuns() const
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QList<engine::HistoryRun> runs;
    for (const QModelIndex& row : std::as_const(rows)) {
        const QModelIndex index = m_proxy->mapToSource(row);
        if (index.isValid())
            runs << m_model->run(index.row());
    }
    if (runs.isEmpty()) {
        if (engine::HistoryRun run = currentRun(); run.id)
            runs << run;
    }
    return runs;
}

void HistoryView::updateButtons()
{
    const engine::HistoryRun run = currentRun();
    const auto plan = run.id ? RerunPlan::from(run) : engine::Result<RerunPlan>(RerunPlan{});
    m_rerun->setEnabled(run.id && plan.ok());
    m_rerun->setToolTip(!run.id     ? tr("Select a run to run it again")
                        : plan.ok() ? tr("Run the same tool with the same arguments on the same "
                                         "hosts again (asks first)")
                                    : plan.error().message);
    // Re-run failed: a finished call or recipe run with hosts that failed, were unreachable or
    // timed out.
    m_failedHosts.clear();
    QString why = tr("Select a finished run to run it again on the hosts that failed");
    const QString kind = run.plan.value(QStringLiteral("kind")).toString();
    const bool recipe = kind == QLatin1String("recipe");
    if (run.id && run.finished && m_history) {
        const engine::Result<QStringList> failed = engine::FailedHosts::of(*m_history, run.id);
        const auto again = [&run, &failed] {
            return RerunPlan::from(engine::FailedHosts::limitedTo(run, *failed));
        };
        if (!failed)
            why = failed.error().message;
        else if (failed->isEmpty())
            why = tr("No host of this run failed");
        else if (recipe && run.plan.value(QStringLiteral("file")).toString().isEmpty())
            why = tr("This recipe run did not record its file");
        else if (const auto callPlan = recipe ? engine::Result<RerunPlan>(RerunPlan{}) : again();
                 !callPlan)
            why = callPlan.error().message;
        else
            m_failedHosts = *failed;
    }
    m_rerunFailed->setEnabled(!m_failedHosts.isEmpty());
    m_rerunFailed->setToolTip(
        m_failedHosts.isEmpty()
            ? why
            : tr("Run it again only on the %n host(s) that failed, were unreachable or timed "
                 "out: %1",
                 nullptr, int(m_failedHosts.size()))
                  .arg(m_failedHosts.join(QStringLiteral(", "))));
}

} // namespace hostdeck::ui
