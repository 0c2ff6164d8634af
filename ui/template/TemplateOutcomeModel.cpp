#include "ui/template/TemplateOutcomeModel.h"

#include "ui/results/ResultText.h"

#include <QColor>
#include <QGuiApplication>
#include <QPalette>

namespace hostdeck::ui {

void TemplateOutcomeModel::reset(const QStringList& hosts, bool check)
{
    beginResetModel();
    m_rows.clear();
    for (const QString& host : hosts) {
        TemplateOutcome row;
        row.host = host;
        row.check = check;
        m_rows.append(row);
    }
    endResetModel();
}

void TemplateOutcomeModel::update(const TemplateOutcome& outcome)
{
    const int row = rowOf(outcome.host);
    if (row < 0)
        return;
    m_rows[row] = outcome;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

const TemplateOutcome* TemplateOutcomeModel::outcome(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int TemplateOutcomeModel::rowOf(const QString& host) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).host == host)
            return i;
    }
    return -1;
}

int TemplateOutcomeModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TemplateOutcomeModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TemplateOutcomeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TemplateOutcome& row = m_rows.at(index.row());
    if (role == DiffRole)
        return row.diff;
    if (role == StateRole)
        return int(row.state);
    if (role == Qt::ForegroundRole && index.column() == OutcomeColumn) {
        // Chosen for the palette's background, like the run results' status colours.
        const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
        if (row.state == TemplateOutcome::State::Failed)
            return ResultText::statusColor(ResultText::Status::Failed, dark);
        if (row.changed())
            return ResultText::statusColor(ResultText::Status::Changed, dark);
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case HostColumn:
        return row.host;
    case OutcomeColumn:
        return row.stateText();
    case ChangedColumn:
        if (row.state == TemplateOutcome::State::Pending ||
            row.state == TemplateOutcome::State::Failed)
            return QString();
        return row.changed() ? tr("yes") : tr("no");
    case MessageColumn:
        return row.message;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant TemplateOutcomeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case HostColumn:
        return tr("Host");
    case OutcomeColumn:
        return tr("Outcome");
    case ChangedColumn:
        return tr("Changed");
    case MessageColumn:
        return tr("Message");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace hostdeck::ui
