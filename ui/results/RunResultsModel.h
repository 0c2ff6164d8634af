#pragma once

#include "results/ResultText.h"
#include "runner/HostResult.h"

#include <QAbstractTableModel>
#include <QHash>

namespace hostdeck::ui {

/// The hosts of one run as table rows. Rows appear when a host first sends output or its
/// result; every batch from the engine is one beginInsertRows (new hosts) plus one coalesced
/// dataChanged (hosts already shown).
class RunResultsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        HostColumn,
        StatusColumn,
        ChangedColumn,
        DurationColumn,
        SummaryColumn,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1,
        StatusRole,
        HostRole
    };

    struct Row
    {
        engine::HostResult result;
        bool done = false;
        QString stdoutText;
        QString stderrText;
        QList<QJsonValue> progress;
    };

    explicit RunResultsModel(QObject* parent = nullptr);

    void addResults(const QList<engine::HostResult>& results);
    void addOutput(const QList<engine::HostOutput>& output);
    void clear();
    /// Status colours for a dark (true) or light background; repaints the status column.
    void setDarkPalette(bool dark);
    bool isDarkPalette() const { return m_dark; }

    const Row& row(int index) const { return m_rows.at(index); }
    int rowOf(const QString& host) const { return m_byHost.value(host, -1); }
    QList<engine::HostResult> results() const; ///< finished hosts, in row order

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    /// Output arrived for a host (the detail pane follows the selected one live).
    void outputAppended(const QString& host);

private:
    /// Rows for the hosts not shown yet, in one insert.
    void ensureRows(const QStringList& hosts);
    void emitChanged(int first, int last);

    QList<Row> m_rows;
    QHash<QString, int> m_byHost;
    bool m_dark = false;
};

} // namespace hostdeck::ui
