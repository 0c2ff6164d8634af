#include "ui/transfer/TransferPanel.h"

#include "engine/runner/EngineClient.h"
#include "ui/transfer/TransferProgressDelegate.h"
#include "ui/transfer/TransferProgressModel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

namespace hostdeck::ui {

TransferPanel::TransferPanel(QWidget* parent)
    : QWidget(parent), m_model(new TransferProgressModel(this)), m_table(new QTableView(this)),
      m_title(new QLabel(this)), m_summary(new QLabel(this)),
      m_cancel(new QPushButton(tr("Cancel transfer"), this))
{
    setObjectName(QStringLiteral("transferPanel"));
    m_table->setObjectName(QStringLiteral("transferTable"));
    m_table->setModel(m_model);
    m_table->setItemDelegate(new TransferProgressDelegate(m_table));
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->resizeSection(TransferProgressModel::ProgressColumn, 160);
    m_summary->setObjectName(QStringLiteral("transferSummary"));
    m_cancel->setObjectName(QStringLiteral("transferCancel"));
    m_cancel->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_cancel->setEnabled(false);
    m_title->setText(tr("No transfer yet: Files > Copy files to hosts, or drop files on hosts."));
    m_title->setWordWrap(true);
    connect(m_cancel, &QPushButton::clicked, this, &TransferPanel::cancel);

    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_summary, 1);
    bottom->addWidget(m_cancel);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_table, 1);
    layout->addLayout(bottom);
}

void TransferPanel::attach(engine::RunHandle* run, const QString& title)
{
    if (m_run)
        disconnect(m_run, nullptr, this, nullptr);
    m_run = run;
    m_end.clear();
    m_model->clear();
    m_title->setText(title);
    m_cancel->setEnabled(true);
    connect(run, &engine::RunHandle::events, this, [this](const QList<engine::RunEvent>& events) {
        m_model->addEvents(events);
        updateSummary();
    });
    connect(run, &engine::RunHandle::finished, this, [this](const engine::RunSummary& summary) {
        m_cancel->setEnabled(false);
        m_end = tr("finished: %1 ok, %2 changed, %3 failed, %4 unreachable, %5 cancelled")
                    .arg(summary.ok)
                    .arg(summary.changed)
                    .arg(summary.failed)
                    .arg(summary.unreachable)
                    .arg(summary.cancelled);
        updateSummary();
        emit runFinished(summary);
    });
    updateSummary();
}

bool TransferPanel::isRunning() const
{
    return m_run && !m_run->isFinished();
}

void TransferPanel::cancel()
{
    if (isRunning())
        m_run->cancel();
}

void TransferPanel::updateSummary()
{
    const int hosts = m_model->rowCount();
    QString text = tr("%1 of %2 host(s) done, %3 of %4")
                       .arg(m_model->finishedCount())
                       .arg(hosts)
                       .arg(TransferProgressModel::formatBytes(m_model->doneBytes()),
                            TransferProgressModel::formatBytes(m_model->totalBytes()));
    if (!m_end.isEmpty())
        text += QStringLiteral(" — ") + m_end;
    m_summary->setText(text);
}

} // namespace hostdeck::ui
