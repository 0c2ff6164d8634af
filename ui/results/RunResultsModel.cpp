#include "ui/results/RunResultsModel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

#include <algorithm>

namespace hostdeck::ui {

RunResultsModel::RunResultsModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunResultsModel::ensureRows(const QStringList& hosts)
{
    QStringList fresh;
    QSet<QString> seen;
    for (const QString& host : hosts) {
        if (!m_byHost.contains(host) && !seen.contains(host)) {
            seen.insert(host);
            fresh << host;
        }
    }
    if (fresh.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(fresh.size()) - 1);
    for (const QString& host : std::as_const(fresh)) {
        Row row;
        row.result.host = host;
        m_byHost.insert(host, int(m_rows.size()));
        m_rows << row;
    }
    endInsertRows();
}

void RunResultsModel::emitChanged(int first, int last)
{
    if (first <= last)
        emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

void RunResultsModel::addEvents(const QList<engine::RunEvent>& events)
{
    using Type = engine::RunEvent::Type;
    QList<engine::HostOutput> output;
    QList<engine::HostResult> results;
    int first = int(m_rows.size());
    int last = -1;
    auto flushResults = [&] {
        // In stream order: a result after output of the same batch lands after it.
        addOutput(std::exchange(output, {}));
        addResults(std::exchange(results, {}));
    };
    for (const engine::RunEvent& event : events) {
        switch (event.type) {
        case Type::RunStarted: {
            m_runClock.start();
            m_startedAt = QDateTime::currentDateTime();
            m_info = event.info;
            m_check = event.info.value(QStringLiteral("options"))
                          .toObject()
                          .value(QStringLiteral("check"))
                          .toBool();
            QStringList hosts;
            for (const QJsonValue& host : event.info.value(QStringLiteral("targets")).toArray())
                hosts << host.toString();
            ensureRows(hosts);
            break;
        }
        case Type::HostState: {
            if (event.phase == engine::HostPhase::Done)
                break; // the result says more
            ensureRows({event.host});
            const int at = m_byHost.value(event.host);
            m_rows[at].phase = event.phase;
            m_rows[at].phaseAtMs = event.timeMs;
            if (event.phase == engine::HostPhase::Connecting && m_rows[at].connectAtMs < 0)
                m_rows[at].connectAtMs = event.timeMs;
            if (event.phase == engine::HostPhase::Running && m_rows[at].runAtMs < 0)
                m_rows[at].runAtMs = event.timeMs;
            if (event.phase != engine::HostPhase::Pending && m_rows[at].startedAtMs < 0)
                m_rows[at].startedAtMs = event.timeMs;
            first = std::min(first, at);
            last = std::max(last, at);
            break;
        }
        case Type::StepOutput:
            output << engine::HostOutput{event.host, event.stream, event.data, event.step};
            break;
        case Type::HostResult:
            results << event.record;
            // Every target has its row from run.started.
            if (const int at = m_byHost.value(event.host, -1); at >= 0)
                m_rows[at].endAtMs = event.timeMs;
            break;
        case Type::StepResult:
        case Type::RunFinished:
            break;
        }
    }
    emitChanged(first, last);
    flushResults();
}

void RunResultsModel::addResults(const QList<engine::HostResult>& results)
{
    if (results.isEmpty())
        return;
    // Rows already shown change in place (one dataChanged); new hosts arrive complete, in one
    // insert, so views and proxies never see a half-filled row.
    int first = int(m_rows.size());
    int last = -1;
    QList<Row> fresh;
    QHash<QString, int> freshIndex;
    for (const engine::HostResult& result : results) {
        if (const int at = m_byHost.value(result.host, -1); at >= 0) {
            m_rows[at].result = result;
            m_rows[at].done = true;
            first = std::min(first, at);
            last = std::max(last, at);
        } else if (const int f = freshIndex.value(result.host, -1); f >= 0) {
            fresh[f].result = result;
        } else {
            freshIndex.insert(result.host, int(fresh.size()));
            Row row;
            row.result = result;
            row.done = true;
            fresh << row;
        }
    }
    emitChanged(first, last);
    if (fresh.isEmpty())
        return;
    const int begin = int(m_rows.size());
    beginInsertRows({}, begin, begin + int(fresh.size()) - 1);
    for (Row& row : fresh) {
        m_byHost.insert(row.result.host, int(m_rows.size()));
        m_rows << std::move(row);
    }
    endInsertRows();
}

void RunResultsModel::addOutput(const QList<engine::HostOutput>& output)
{
    if (output.isEmpty())
        return;
    QStringList hosts;
    for (const engine::HostOutput& item : output)
        hosts << item.host;
    ensureRows(hosts);
    for (const QString& host : std::as_const(hosts)) {
        Row& row = m_rows[m_byHost.value(host)];
        if (!row.done)
            row.phase = engine::HostPhase::Running; // output means it runs
    }
    QStringList touched;
    QSet<QString> seen;
    for (const engine::HostOutput& item : output) {
        Row& row = m_rows[m_byHost.value(item.host)];
        const QString text = item.data.isString() ? item.data.toString() : QString();
        if (item.stream == QStringLiteral("stdout"))
            row.stdoutText += text;
        else if (item.stream == QStringLiteral("stderr"))
            row.stderrText += text;
        else
            row.progress << item.data;
        if (!seen.contains(item.host)) {
            seen.insert(item.host);
            touched << item.host;
        }
    }
    for (const QString& host : std::as_const(touched))
        emit outputAppended(host);
}

void RunResultsModel::setRunInfo(const QJsonObject& info, const QDateTime& startedAt)
{
    m_info = info;
    m_startedAt = startedAt;
    m_check = info.value(QStringLiteral("options"))
                  .toObject()
                  .value(QStringLiteral("check"))
                  .toBool(m_check);
}

QString RunResultsModel::toolMethod() const
{
    const QJsonObject plan = m_info.value(QStringLiteral("plan")).toObject();
    const QString tool = plan.value(QStringLiteral("tool")).toString();
    const QString method = plan.value(QStringLiteral("method")).toString();
    return tool.isEmpty() || method.isEmpty() ? QString() : tool + QLatin1Char('.') + method;
}

qint64 RunResultsModel::spanMs() const
{
    qint64 span = 0;
    for (const Row& row : m_rows)
        span = std::max({span, row.endAtMs, row.runAtMs, row.connectAtMs});
    if (m_runClock.isValid())
        for (const Row& row : m_rows)
            if (!row.done && row.startedAtMs >= 0)
                span = std::max(span, m_runClock.elapsed());
    return span;
}

void RunResultsModel::setDarkPalette(bool dark)
{
    if (dark == m_dark)
        return;
    m_dark = dark;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, StatusColumn), index(int(m_rows.size()) - 1, StatusColumn),
                         {Qt::ForegroundRole});
}

void RunResultsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_byHost.clear();
    endResetModel();
}

void RunResultsModel::tick()
{
    int first = int(m_rows.size());
    int last = -1;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (!m_rows.at(i).done && m_rows.at(i).startedAtMs >= 0) {
            first = std::min(first, i);
            last = std::max(last, i);
        }
    }
    if (first <= last)
        emit dataChanged(index(first, DurationColumn), index(last, DurationColumn),
                         {Qt::DisplayRole});
}

QList<engine::HostResult> RunResultsModel::results() const
{
    QList<engine::HostResult> list;
    for (const Row& row : m_rows) {
        if (row.done)
            list << row.result;
    }
    return list;
}

int RunResultsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunResultsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunResultsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const ResultText::Status status =
        row.done ? ResultText::status(row.result) : ResultText::status(row.phase);
    if (role == StatusRole)
        return int(status);
    if (role == HostRole)
        return row.result.host;
    if (role == RowRole)
        return index.row();
    const bool display = role == Qt::DisplayRole || role == Qt::ToolTipRole;
    switch (index.column()) {
    case HostColumn:
        if (display || role == SortRole)
            return row.result.host;
        break;
    case StatusColumn:
        if (display)
            return ResultText::statusName(status, m_check || row.result.check);
        if (role == SortRole)
            return int(status);
        if (role == Qt::ForegroundRole) {
            const QColor color = ResultText::statusColor(status, m_dark);
            return color.isValid() ? QVariant(color) : QVariant();
        }
        break;
    case ChangedColumn:
        if (display)
            return row.done && row.result.ok ? (row.result.changed ? tr("yes") : tr("no"))
                                             : QString();
        if (role == SortRole)
            return row.result.changed;
        break;
    case DurationColumn:
        if (display) {
            if (row.done)
                return ResultText::duration(row.result.durationMs);
            if (row.startedAtMs >= 0 && m_runClock.isValid())
                return ResultText::duration(
                    std::max<qint64>(0, m_runClock.elapsed() - row.startedAtMs) / 1000 * 1000);
            return QString();
        }
        if (role == SortRole)
            return row.result.durationMs;
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case SummaryColumn:
        if (display || role == SortRole)
            return row.done ? ResultText::summary(row.result, toolMethod())
                            : row.stdoutText.trimmed().section(QLatin1Char('\n'), -1);
        break;
    default:
        break;
    }
    return {};
}

QVariant RunResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case HostColumn:
        return tr("Host");
    case StatusColumn:
        return tr("Status");
    case ChangedColumn:
        return tr("Changed");
    case DurationColumn:
        return tr("Duration");
    case SummaryColumn:
        return tr("Summary");
    default:
        return {};
    }
}

} // namespace hostdeck::ui
