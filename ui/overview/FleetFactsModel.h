#pragma once

#include "engine/runner/HostResult.h"

#include <QAbstractTableModel>
#include <QMap>

namespace hostdeck::ui {

/// The facts of many hosts (Facts.all) as one sortable table: OS and version, kernel, uptime,
/// CPUs, memory, disk use (the fullest file system), Python. A host whose facts could not be
/// gathered keeps its row with the reason. Also groups the hosts by one of the columns, for
/// the overview's charts.
class FleetFactsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        HostColumn,
        OsColumn,
        KernelColumn,
        UptimeColumn,
        CpuColumn,
        MemoryColumn,
        DiskColumn,
        PythonColumn,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1,
        HostRole
    };

    struct Facts
    {
        QString host;
        bool gathered = false; ///< a record arrived
        bool ok = false;
        QString problem; ///< why there are no facts
        QString os;
        QString kernel;
        double uptime = -1;
        int cpus = 0;
        QString cpuModel;
        double memory = -1;    ///< total bytes
        double available = -1; ///< bytes
        double diskUse = -1;   ///< the fullest file system, 0..1
        QString diskMount;
        QString python;
        QString pythonPath;
    };

    explicit FleetFactsModel(QObject* parent = nullptr);

    /// A row per host, waiting for its facts.
    void setHosts(const QStringList& hosts);
    void addResults(const QList<engine::HostResult>& results);
    const QList<Facts>& facts() const { return m_facts; }
    static Facts fromResult(const engine::HostResult& result);
    /// The hosts by what `column` says about them ("no facts" for hosts without); the disk use
    /// is put into ranges.
    QMap<QString, QStringList> distribution(Column column) const;
    static QString valueText(const Facts& facts, Column column);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<Facts> m_facts;
};

} // namespace hostdeck::ui
