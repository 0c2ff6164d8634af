#include "ui/overview/FleetFactsModel.h"

#include "ui/results/ResultText.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace hostdeck::ui {

namespace {

QString bytes(double n)
{
    return n < 0 ? QString()
                 : QLocale::c().formattedDataSize(qint64(n), 1, QLocale::DataSizeTraditionalFormat);
}

QString uptimeText(double seconds)
{
    if (seconds < 0)
        return {};
    const qint64 s = qint64(seconds);
    if (s >= 86400)
        return QObject::tr("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
    if (s >= 3600)
        return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
    return QObject::tr("%1 min").arg(s / 60);
}

QString diskRange(double use)
{
    if (use < 0)
        return QObject::tr("unknown");
    if (use >= 0.9)
        return QObject::tr("90 % or more");
    if (use >= 0.8)
        return QObject::tr("80–90 %");
    if (use >= 0.5)
        return QObject::tr("50–80 %");
    return QObject::tr("under 50 %");
}

} // namespace

FleetFactsModel::FleetFactsModel(QObject* parent) : QAbstractTableModel(parent) {}

void FleetFactsModel::setHosts(const QStringList& hosts)
{
    beginResetModel();
    m_facts.clear();
    for (const QString& host : hosts) {
        Facts facts;
        facts.host = host;
        m_facts << facts;
    }
    endResetModel();
}

FleetFactsModel::Facts FleetFactsModel::fromResult(const engine::HostResult& result)
{
    Facts f;
    f.host = result.host;
    f.gathered = true;
    f.ok = result.ok;
    if (!result.ok) {
        f.problem = ResultText::summary(result);
        return f;
    }
    const QJsonObject v = result.value.toObject();
    const QJsonObject os = v.value(QStringLiteral("os")).toObject();
    f.os = os.value(QStringLiteral("name")).toString();
    if (f.os.isEmpty())
        f.os = QStringLiteral("%1 %2").arg(os.value(QStringLiteral("id")).toString(),
                                           os.value(QStringLiteral("version")).toString());
    f.kernel =
        v.value(QStringLiteral("kernel")).toObject().value(QStringLiteral("release")).toString();
    f.uptime = v.value(QStringLiteral("uptime")).toDouble(-1);
    const QJsonObject cpus = v.value(QStringLiteral("cpus")).toObject();
    f.cpus = cpus.value(QStringLiteral("count")).toInt();
    f.cpuModel = cpus.value(QStringLiteral("model")).toString();
    const QJsonObject memory = v.value(QStringLiteral("memory")).toObject();
    f.memory = memory.value(QStringLiteral("total")).toDouble(-1);
    f.available = memory.value(QStringLiteral("available")).toDouble(-1);
    for (const QJsonValue& disk : v.value(QStringLiteral("disks")).toArray()) {
        const QJsonObject d = disk.toObject();
        const double size = d.value(QStringLiteral("size")).toDouble();
        if (size <= 0)
            continue;
        const double use = (size - d.value(QStringLiteral("free")).toDouble()) / size;
        if (use > f.diskUse) {
            f.diskUse = use;
            f.diskMount = d.value(QStringLiteral("mount")).toString();
        }
    }
    const QJsonObject python = v.value(QStringLiteral("python")).toObject();
    f.python = python.value(QStringLiteral("version")).toString();
    f.pythonPath = python.value(QStringLiteral("executable")).toString();
    return f;
}

void FleetFactsModel::addResults(const QList<engine::HostResult>& results)
{
    for (const engine::HostResult& result : results) {
        int row = -1;
        for (int i = 0; i < m_facts.size(); ++i) {
            if (m_facts.at(i).host == result.host)
                row = i;
        }
        if (row < 0) {
            beginInsertRows({}, int(m_facts.size()), int(m_facts.size()));
            m_facts << fromResult(result);
            endInsertRows();
            continue;
        }
        m_facts[row] = fromResult(result);
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

QString FleetFactsModel::valueText(const Facts& f, Column column)
{
    if (column == HostColumn)
        return f.host;
    if (!f.ok)
        return column == OsColumn ? (f.gathered ? QObject::tr("no facts: %1").arg(f.problem)
                                                : QObject::tr("gathering…"))
                                  : QString();
    switch (column) {
    case OsColumn:
        return f.os;
    case KernelColumn:
        return f.kernel;
    case UptimeColumn:
        return uptimeText(f.uptime);
    case CpuColumn:
        return QString::number(f.cpus);
    case MemoryColumn:
        return bytes(f.memory);
    case DiskColumn:
        return f.diskUse < 0
                   ? QString()
                   : QStringLiteral("%1 % (%2)").arg(qRound(f.diskUse * 100)).arg(f.diskMount);
    case PythonColumn:
        return f.python;
    default:
        return {};
    }
}

QMap<QString, QStringList> FleetFactsModel::distribution(Column column) const
{
    QMap<QString, QStringList> groups;
    for (const Facts& f : m_facts) {
        if (!f.gathered)
            continue;
        const QString key = !f.ok                  ? tr("no facts (unreachable or failed)")
                            : column == DiskColumn ? diskRange(f.diskUse)
                                                   : valueText(f, column);
        groups[key.isEmpty() ? tr("unknown") : key] << f.host;
    }
    return groups;
}

int FleetFactsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_facts.size());
}

int FleetFactsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FleetFactsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Facts& f = m_facts.at(index.row());
    const auto column = Column(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return valueText(f, column);
    case Qt::ToolTipRole:
        if (!f.ok)
            return f.problem;
        if (column == CpuColumn)
            return f.cpuModel;
        if (column == MemoryColumn)
            return tr("%1 available").arg(bytes(f.available));
        if (column == PythonColumn)
            return f.pythonPath;
        return valueText(f, column);
    case HostRole:
        return f.host;
    case SortRole:
        switch (column) {
        case UptimeColumn:
            return f.uptime;
        case CpuColumn:
            return f.cpus;
        case MemoryColumn:
            return f.memory;
        case DiskColumn:
            return f.diskUse;
        default:
            return valueText(f, column);
        }
    case Qt::TextAlignmentRole:
        if (column == CpuColumn || column == MemoryColumn || column == DiskColumn ||
            column == UptimeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant FleetFactsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case HostColumn:
        return tr("Host");
    case OsColumn:
        return tr("OS and version");
    case KernelColumn:
        return tr("Kernel");
    case UptimeColumn:
        return tr("Uptime");
    case CpuColumn:
        return tr("CPUs");
    case MemoryColumn:
        return tr("Memory");
    case DiskColumn:
        return tr("Disk use");
    case PythonColumn:
        return tr("Python");
    default:
        return {};
    }
}

} // namespace hostdeck::ui
