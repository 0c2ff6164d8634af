#pragma once

#include "engine/agent/AgentSession.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

namespace hostdeck::ui {

/// Log records forwarded by the agents, newest last; capped so a chatty fleet cannot grow it
/// without bound.
class LogModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,
        HostColumn,
        LevelColumn,
        LoggerColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role
    {
        LevelRole = Qt::UserRole + 1,
        HostRole
    };

    explicit LogModel(int capacity = 5000, QObject* parent = nullptr);

    void append(const QString& host, const engine::LogRecord& record);
    void clear();
    static QString levelName(int level);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Entry
    {
        QString host;
        engine::LogRecord record;
    };
    QList<Entry> m_entries;
    int m_capacity;
};

/// Filters log records by host (text) and minimum level.
class LogFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit LogFilterModel(QObject* parent = nullptr);
    void setMinimumLevel(int level);
    void setHost(const QString& host);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    int m_minLevel = 0;
    QString m_host;
};

} // namespace hostdeck::ui
