#include "ui/results/LogModel.h"

#include <QDateTime>

namespace hostdeck::ui {

LogModel::LogModel(int capacity, QObject* parent)
    : QAbstractTableModel(parent), m_capacity(capacity)
{
}

QString LogModel::levelName(int level)
{
    if (level >= 50)
        return QStringLiteral("CRITICAL");
    if (level >= 40)
        return QStringLiteral("ERROR");
    if (level >= 30)
        return QStringLiteral("WARNING");
    if (level >= 20)
        return QStringLiteral("INFO");
    return QStringLiteral("DEBUG");
}

void LogModel::append(const QString& host, const engine::LogRecord& record)
{
    if (m_entries.size() >= m_capacity) {
        const int drop = int(m_entries.size()) - m_capacity + 1;
        beginRemoveRows({}, 0, drop - 1);
        m_entries.remove(0, drop);
        endRemoveRows();
    }
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries << Entry{host, record};
    endInsertRows();
}

void LogModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

int LogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int LogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& entry = m_entries.at(index.row());
    if (role == LevelRole)
        return entry.record.level;
    if (role == HostRole)
        return entry.host;
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return QDateTime::fromMSecsSinceEpoch(qint64(entry.record.time * 1000.0))
            .toString(QStringLiteral("HH:mm:ss.zzz"));
    case HostColumn:
        return entry.host;
    case LevelColumn:
        return levelName(entry.record.level);
    case LoggerColumn:
        return entry.record.logger;
    case MessageColumn:
        return role == Qt::ToolTipRole ? QStringLiteral("%1:%2\n%3")
                                             .arg(entry.record.file)
                                             .arg(entry.record.line)
                                             .arg(entry.record.message)
                                       : entry.record.message;
    default:
        return {};
    }
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case HostColumn:
        return tr("Host");
    case LevelColumn:
        return tr("Level");
    case LoggerColumn:
        return tr("Logger");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

LogFilterModel::LogFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {}

void LogFilterModel::setMinimumLevel(int level)
{
    m_minLevel = level;
    invalidateRowsFilter();
}

void LogFilterModel::setHost(const QString& host)
{
    m_host = host;
    invalidateRowsFilter();
}

bool LogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (index.data(LogModel::LevelRole).toInt() < m_minLevel)
        return false;
    return m_host.isEmpty() ||
           index.data(LogModel::HostRole).toString().contains(m_host, Qt::CaseInsensitive);
}

} // namespace hostdeck::ui
