#include "history/HistoryView.h"

#include "history/HistoryModel.h"
#include "history/RunHistory.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>

namespace hostdeck::ui {

HistoryView::HistoryView(QWidget* parent)
    : QWidget(parent), m_model(new HistoryModel(this)), m_table(new QTableView(this)),
      m_status(new QLabel(this))
{
    m_table->setModel(m_model);
    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("historyStatus"));
    auto* open = new QPushButton(tr("&Open results"), this);
    auto* rerun = new QPushButton(tr("Re-&run"), this);
    auto* remove = new QPushButton(tr("&Delete"), this);
    open->setObjectName(QStringLiteral("historyOpen"));
    rerun->setObjectName(QStringLiteral("historyRerun"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(open);
    buttons->addWidget(rerun);
    buttons->addWidget(remove);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
    layout->addLayout(buttons);
    connect(open, &QPushButton::clicked, this, [this] {
        if (const auto run = currentRun(); run.id)
            emit reopenRequested(run.id);
    });
    connect(m_table, &QTableView::activated, this, [this] {
        if (const auto run = currentRun(); run.id)
            emit reopenRequested(run.id);
    });
    connect(rerun, &QPushButton::clicked, this, [this] {
        if (const auto run = currentRun(); run.id)
            emit rerunRequested(run);
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (const auto run = currentRun(); run.id && m_history) {
            if (engine::Status removed = m_history->removeRun(run.id); !removed)
                m_status->setText(removed.error().message);
            refresh();
        }
    });
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
    auto runs = m_history->runs();
    if (!runs) {
        m_status->setText(runs.error().message);
        return;
    }
    m_model->setRuns(*runs);
    m_status->setText(tr("%n run(s) in %1", nullptr, int(runs->size())).arg(m_history->path()));
    const int row = m_model->rowOfId(current);
    if (row >= 0)
        m_table->selectRow(row);
}

engine::HistoryRun HistoryView::currentRun() const
{
    const QModelIndex index = m_table->currentIndex();
    return index.isValid() ? m_model->run(index.row()) : engine::HistoryRun{};
}

} // namespace hostdeck::ui
