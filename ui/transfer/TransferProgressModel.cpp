#include "ui/transfer/TransferProgressModel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace hostdeck::ui {

TransferProgressModel::TransferProgressModel(QObject* parent) : QAbstractTableModel(parent) {}

void TransferProgressModel::clear()
{
    beginResetModel();
    m_list.clear();
    m_rows.clear();
    endResetModel();
}

int TransferProgressModel::ensureRow(const QString& host, QList<QString>& added)
{
    auto it = m_rows.constFind(host);
    if (it != m_rows.cend())
        return it.value();
    const int row = int(m_list.size() + added.size());
    added.append(host);
    m_rows.insert(host, row);
    return row;
}

void TransferProgressModel::addEvents(const QList<engine::RunEvent>& events)
{
    // Rows first (one insert per batch), then the values, then one dataChanged range.
    QList<QString> added;
    for (const engine::RunEvent& event : events) {
        if (event.type == engine::RunEvent::Type::RunStarted) {
            for (const QJsonValue& target : event.info.value(QStringLiteral("targets")).toArray())
                ensureRow(target.toString(), added);
        } else if (!event.host.isEmpty()) {
            ensureRow(event.host, added);
        }
    }
    if (!added.isEmpty()) {
        beginInsertRows({}, int(m_list.size()), int(m_list.size() + added.size() - 1));
        for (const QString& host : std::as_const(added)) {
            Row row;
            row.host = host;
            m_list.append(row);
        }
        endInsertRows();
    }
    int first = -1;
    int last = -1;
    for (const engine::RunEvent& event : events) {
        if (!apply(event))
            continue;
        const int row = m_rows.value(event.host);
        first = first < 0 ? row : std::min(first, row);
        last = std::max(last, row);
    }
    if (first >= 0)
        emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

bool TransferProgressModel::apply(const engine::RunEvent& event)
{
    const int at = m_rows.value(event.host, -1);
    if (at < 0)
        return false;
    Row& row = m_list[at];
    switch (event.type) {
    case engine::RunEvent::Type::HostState:
        row.phase = event.phase;
        return true;
    case engine::RunEvent::Type::StepOutput: {
        if (event.stream != QStringLiteral("progress"))
            return false;
        const QJsonObject p = event.data.toObject();
        row.bytes = std::max(row.bytes, p.value(QStringLiteral("bytes")).toInteger());
        row.total = p.value(QStringLiteral("total")).toInteger();
        row.rate = p.value(QStringLiteral("rate")).toInteger();
        row.files = p.value(QStringLiteral("files")).toInt();
        row.filesTotal = p.value(QStringLiteral("files_total")).toInt();
        return true;
    }
    case engine::RunEvent::Type::HostResult:
        row.finished = true;
        row.phase = engine::HostPhase::Done;
        row.status = event.record.status;
        row.message = event.record.error.message;
        // The last progress event may predate the end by up to its interval.
        if (event.record.ok && row.total > 0)
            row.bytes = row.total;
        return true;
    default:
        return false;
    }
}

int TransferProgressModel::finishedCount() const
{
    int count = 0;
    for (const Row& row : m_list)
        count += row.finished ? 1 : 0;
    return count;
}

qint64 TransferProgressModel::bytesOf(const QString& host) const
{
    const int at = m_rows.value(host, -1);
    return at < 0 ? 0 : m_list.at(at).bytes;
}

qint64 TransferProgressModel::totalBytes() const
{
    qint64 sum = 0;
    for (const Row& row : m_list)
        sum += row.total;
    return sum;
}

qint64 TransferProgressModel::doneBytes() const
{
    qint64 sum = 0;
    for (const Row& row : m_list)
        sum += row.bytes;
    return sum;
}

int TransferProgressModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_list.size());
}

int TransferProgressModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TransferProgressModel::formatBytes(qint64 bytes)
{
    return QLocale::system().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString TransferProgressModel::statusText(const Row& row) const
{
    if (row.finished) {
        const QString name = engine::hostStatusName(row.status);
        return row.message.isEmpty() ? name : name + QStringLiteral(": ") + row.message;
    }
    switch (row.phase) {
    case engine::HostPhase::Pending:
        return tr("waiting");
    case engine::HostPhase::Connecting:
        return tr("connecting");
    case engine::HostPhase::Running:
        return row.filesTotal > 0 ? tr("%1 of %2 files").arg(row.files).arg(row.filesTotal)
                                  : tr("comparing");
    case engine::HostPhase::Done:
        return tr("done");
    }
    return {};
}

QVariant TransferProgressModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row& row = m_list.at(index.row());
    const int percent = row.total > 0 ? int(row.bytes * 100 / row.total) : row.finished ? 100 : -1;
    switch (role) {
    case BytesRole:
        return row.bytes;
    case TotalRole:
        return row.total;
    case RateRole:
        return row.rate;
    case FinishedRole:
        return row.finished;
    case PercentRole:
        return percent;
    case Qt::DisplayRole:
        break;
    case Qt::ToolTipRole:
        return index.column() == StatusColumn ? statusText(row) : QVariant();
    default:
        return {};
    }
    switch (Column(index.column())) {
    case HostColumn:
        return row.host;
    case ProgressColumn:
        return percent < 0 ? QString() : QStringLiteral("%1%").arg(percent);
    case BytesColumn:
        return row.total > 0 ? tr("%1 of %2").arg(formatBytes(row.bytes), formatBytes(row.total))
                             : formatBytes(row.bytes);
    case RateColumn:
        return row.finished || row.rate <= 0 ? QString() : tr("%1/s").arg(formatBytes(row.rate));
    case StatusColumn:
        return statusText(row);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant TransferProgressModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case HostColumn:
        return tr("Host");
    case ProgressColumn:
        return tr("Progress");
    case BytesColumn:
        return tr("Bytes");
    case RateColumn:
        return tr("Rate");
    case StatusColumn:
        return tr("Status");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace hostdeck::ui
