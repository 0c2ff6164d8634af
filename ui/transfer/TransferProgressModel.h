#pragma once

#include "engine/runner/RunEvent.h"

#include <QAbstractTableModel>
#include <QHash>

namespace hostdeck::ui {

/// One row per host of a transfer run: its phase, the bytes and files moved against the totals,
/// the rate, and the host's final status. Fed with the run's event batches (the `progress`
/// step.output events CopyPlan/FetchPlan/SyncPlan send); one dataChanged range per batch.
class TransferProgressModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        HostColumn,
        ProgressColumn,
        BytesColumn,
        RateColumn,
        StatusColumn,
        ColumnCount
    };
    enum Role
    {
        BytesRole = Qt::UserRole + 1, ///< qint64
        TotalRole,                    ///< qint64 (0: not known yet)
        RateRole,                     ///< qint64 bytes/s
        FinishedRole,                 ///< bool: the host's record arrived
        PercentRole                   ///< int 0..100, -1 while the total is unknown
    };

    explicit TransferProgressModel(QObject* parent = nullptr);

    /// Starts over (a new run).
    void clear();
    void addEvents(const QList<engine::RunEvent>& events);

    int rowOf(const QString& host) const { return m_rows.value(host, -1); }
    int finishedCount() const;
    /// The most bytes any progress event reported, per host (tests and the summary line).
    qint64 bytesOf(const QString& host) const;
    qint64 totalBytes() const;
    qint64 doneBytes() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static QString formatBytes(qint64 bytes);

private:
    struct Row
    {
        QString host;
        engine::HostPhase phase = engine::HostPhase::Pending;
        qint64 bytes = 0;
        qint64 total = 0;
        qint64 rate = 0;
        int files = 0;
        int filesTotal = 0;
        bool finished = false;
        engine::HostStatus status = engine::HostStatus::Ok;
        QString message;
    };
    int ensureRow(const QString& host, QList<QString>& added);
    bool apply(const engine::RunEvent& event);
    QString statusText(const Row& row) const;

    QList<Row> m_list;
    QHash<QString, int> m_rows;
};

} // namespace hostdeck::ui
