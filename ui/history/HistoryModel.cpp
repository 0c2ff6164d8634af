#include "history/HistoryModel.h"

#include <QJsonObject>
#include <QLocale>

namespace hostdeck::ui {

namespace {

QString outcome(const engine::HistoryRun& run)
{
    if (!run.finished)
        return QObject::tr("running or interrupted");
    const QJsonObject& s = run.summary;
    QStringList parts;
    auto count = [&s](const char* key) { return s.value(QLatin1String(key)).toInt(); };
    parts << QObject::tr("%1 ok").arg(count("ok"));
    if (count("changed"))
        parts << QObject::tr("%1 changed").arg(count("changed"));
    if (count("failed"))
        parts << QObject::tr("%1 failed").arg(count("failed"));
    if (count("unreachable"))
        parts << QObject::tr("%1 unreachable").arg(count("unreachable"));
    if (count("cancelled"))
        parts << QObject::tr("%1 cancelled").arg(count("cancelled"));
    return parts.join(QStringLiteral(", ")) +
           QObject::tr(" in %1 s").arg(s.value(QStringLiteral("elapsed")).toDouble(), 0, 'f', 2);
}

} // namespace

HistoryModel::HistoryModel(QObject* parent) : QAbstractTableModel(parent) {}

void HistoryModel::setRuns(const QList<engine::HistoryRun>& runs)
{
    beginResetModel();
    m_runs = runs;
    endResetModel();
}

int HistoryModel::rowOfId(qint64 id) const
{
    for (int row = 0; row < m_runs.size(); ++row) {
        if (m_runs.at(row).id == id)
            return row;
    }
    return -1;
}

int HistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int HistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const engine::HistoryRun& run = m_runs.at(index.row());
    if (role == RunIdRole)
        return run.id;
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return QLocale().toString(run.startedAt, QLocale::ShortFormat);
    case ToolColumn:
        return run.toolMethod();
    case CheckColumn:
        return run.check ? tr("check") : QString();
    case TargetsColumn: {
        const QString pattern =
            run.pattern.isEmpty() ? run.hosts.join(QLatin1Char(',')) : run.pattern;
        return role == Qt::ToolTipRole
                   ? run.hosts.join(QLatin1Char('\n'))
                   : tr("%1 (%n host(s))", nullptr, int(run.hosts.size())).arg(pattern);
    }
    case OutcomeColumn:
        return outcome(run);
    default:
        return {};
    }
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Started");
    case ToolColumn:
        return tr("Tool");
    case CheckColumn:
        return tr("Mode");
    case TargetsColumn:
        return tr("Targets");
    case OutcomeColumn:
        return tr("Outcome");
    default:
        return {};
    }
}

} // namespace hostdeck::ui
