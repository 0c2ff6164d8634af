#include "ui/results/StepsPane.h"

#include "ui/results/ResultText.h"
#include "ui/results/StepResultsModel.h"
#include "ui/template/DiffHighlighter.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace hostdeck::ui {

StepsPane::StepsPane(QWidget* parent)
    : QWidget(parent), m_model(new StepResultsModel(this)), m_table(new QTableView(this)),
      m_hint(new QLabel(tr("Select a step to see its output, diff and error."), this)),
      m_detail(new QPlainTextEdit(this))
{
    m_table->setObjectName(QStringLiteral("stepsTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(StepResultsModel::StepColumn,
                                                      QHeaderView::ResizeToContents);
    m_table->setWordWrap(false);
    m_detail->setObjectName(QStringLiteral("stepDetail"));
    m_detail->setReadOnly(true);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detail->setLineWrapMode(QPlainTextEdit::NoWrap);
    new DiffHighlighter(m_detail->document());
    m_hint->setObjectName(QStringLiteral("stepHint"));
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    auto* below = new QWidget(splitter);
    auto* belowLayout = new QVBoxLayout(below);
    belowLayout->setContentsMargins(0, 0, 0, 0);
    belowLayout->addWidget(m_hint);
    belowLayout->addWidget(m_detail);
    splitter->addWidget(below);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &StepsPane::showCurrent);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &StepsPane::showCurrent);
    connect(m_model, &QAbstractItemModel::modelReset, this, &StepsPane::showCurrent);
}

void StepsPane::setSteps(const QList<engine::HostResult>& steps)
{
    m_model->setSteps(steps);
}

void StepsPane::showCurrent()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid() || current.row() >= m_model->rowCount()) {
        m_hint->setText(m_model->rowCount() ? tr("Select a step to see its output, diff and error.")
                                            : tr("No step ran on this host."));
        m_detail->clear();
        return;
    }
    const engine::HostResult& step = m_model->step(current.row());
    m_hint->setText(tr("<b>%1</b> — %2, %3")
                        .arg(m_model->index(current.row(), StepResultsModel::StepColumn)
                                 .data()
                                 .toString()
                                 .toHtmlEscaped(),
                             ResultText::statusName(ResultText::status(step), step.check),
                             ResultText::duration(step.durationMs)));
    const QString text = detailText(step);
    if (m_detail->toPlainText() != text)
        m_detail->setPlainText(text);
}

QString StepsPane::detailText(const engine::HostResult& step)
{
    QStringList sections;
    const QJsonObject value = step.value.toObject();
    const QString out = value.value(QStringLiteral("stdout")).toString();
    const QString err = value.value(QStringLiteral("stderr")).toString();
    if (!out.isEmpty())
        sections << tr("--- output ---\n%1").arg(out);
    if (!err.isEmpty())
        sections << tr("--- stderr ---\n%1").arg(err);
    if (const QString diff = step.ok ? ResultText::diffs(step.value) : QString(); !diff.isEmpty())
        sections << diff;
    if (!step.ok && step.status != engine::HostStatus::Skipped)
        sections << tr("--- error ---\n%1").arg(ResultText::errorText(step.error));
    if (step.status == engine::HostStatus::Skipped && !step.error.message.isEmpty())
        sections << tr("--- skipped ---\n%1").arg(step.error.message);
    if (!step.value.isNull() && !step.value.isUndefined())
        sections << tr("--- value ---\n%1")
                        .arg(QString::fromUtf8(
                            step.value.isObject() || step.value.isArray()
                                ? QJsonDocument::fromVariant(step.value.toVariant())
                                      .toJson(QJsonDocument::Indented)
                                : QJsonDocument(QJsonObject{{QStringLiteral("value"), step.value}})
                                      .toJson(QJsonDocument::Indented)));
    return sections.join(QLatin1Char('\n'));
}

} // namespace hostdeck::ui
