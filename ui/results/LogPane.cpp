#include "ui/results/LogPane.h"

#include "ui/results/LogModel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>

namespace hostdeck::ui {

LogPane::LogPane(QWidget* parent)
    : QWidget(parent), m_model(new LogModel(5000, this)), m_filter(new LogFilterModel(this)),
      m_table(new QTableView(this))
{
    m_filter->setSourceModel(m_model);
    m_table->setModel(m_filter);
    m_table->setObjectName(QStringLiteral("logTable"));
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto* host = new QLineEdit(this);
    host->setPlaceholderText(tr("Filter by host"));
    host->setClearButtonEnabled(true);
    auto* level = new QComboBox(this);
    for (int value : {0, 20, 30, 40, 50})
        level->addItem(
            value == 0 ? tr("All levels") : LogModel::levelName(value) + tr(" and above"), value);
    auto* clear = new QPushButton(tr("C&lear"), this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(host, 1);
    bar->addWidget(level);
    bar->addWidget(clear);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_table);
    connect(host, &QLineEdit::textChanged, m_filter, &LogFilterModel::setHost);
    connect(level, &QComboBox::currentIndexChanged, this,
            [this, level] { m_filter->setMinimumLevel(level->currentData().toInt()); });
    connect(clear, &QPushButton::clicked, m_model, &LogModel::clear);
}

void LogPane::append(const QString& host, const engine::LogRecord& record)
{
    m_model->append(host, record);
    m_table->scrollToBottom();
}

} // namespace hostdeck::ui
