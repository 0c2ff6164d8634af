#include "ui/results/StepResultsModel.h"

#include "ui/results/ResultText.h"

#include <QApplication>
#include <QPalette>

namespace hostdeck::ui {

StepResultsModel::StepResultsModel(QObject* parent) : QAbstractTableModel(parent) {}

void StepResultsModel::setSteps(const QList<engine::HostResult>& steps)
{
    if (steps.size() == m_steps.size()) {
        bool same = true;
        for (qsizetype i = 0; i < steps.size() && same; ++i)
            same = steps.at(i).toJson() == m_steps.at(i).toJson();
        if (same)
            return;
        m_steps = steps;
        if (!m_steps.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_steps.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_steps = steps;
    endResetModel();
}

int StepResultsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_steps.size());
}

int StepResultsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StepResultsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const engine::HostResult& step = m_steps.at(index.row());
    const ResultText::Status status = ResultText::status(step);
    if (role == Qt::DisplayRole) {
        switch (Column(index.column())) {
        case StepColumn:
            return step.step.isEmpty() ? tr("step %1").arg(index.row() + 1) : step.step;
        case StatusColumn: {
            QString text = ResultText::statusName(status, step.check);
            if (step.ignored)
                text += tr(" (ignored)");
            if (step.attempts > 1)
                text += tr(", %n attempt(s)", nullptr, step.attempts);
            return text;
        }
        case ChangedColumn:
            return step.changed ? tr("yes") : tr("no");
        case DurationColumn:
            return ResultText::duration(step.durationMs);
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == Qt::ForegroundRole && index.column() == StatusColumn) {
        const QPalette palette = QApplication::palette();
        const bool dark = palette.color(QPalette::Window).lightness() < 128;
        return ResultText::statusColor(status, dark);
    }
    if (role == Qt::ToolTipRole && !step.ok && !step.error.message.isEmpty())
        return step.error.message;
    return {};
}

QVariant StepResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case StepColumn:
        return tr("Step");
    case StatusColumn:
        return tr("Status");
    case ChangedColumn:
        return tr("Changed");
    case DurationColumn:
        return tr("Duration");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace hostdeck::ui
