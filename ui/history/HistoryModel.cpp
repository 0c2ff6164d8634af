#include "ui/history/HistoryModel.h"

#include <QJsonArray>
#include <QJsonDocument>
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

QString shortValue(const QJsonValue& value)
{
    QString text;
    if (value.isString())
        text = value.toString();
    else if (value.isArray()) {
        QStringList items;
        for (const QJsonValue& item : value.toArray())
            items << (item.isString() ? item.toString() : shortValue(item));
        text = items.join(QLatin1Char(' '));
    } else
        text = QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
                   .mid(1)
                   .chopped(1);
    text.replace(QLatin1Char('\n'), QStringLiteral("⏎"));
    return text.size() > 48 ? text.left(47) + QChar(0x2026) : text;
}

bool hadFailures(const engine::HistoryRun& run)
{
    const QJsonObject& s = run.summary;
    for (const char* key : {"failed", "unreachable", "timed_out"}) {
        if (s.value(QLatin1String(key)).toInt() > 0)
            return true;
    }
    return false;
}

} // namespace

QString HistoryModel::argsText(const QJsonObject& args)
{
    QStringList parts;
    for (auto it = args.begin(); it != args.end(); ++it)
        parts << it.key() + QLatin1Char('=') + shortValue(it.value());
    return parts.join(QStringLiteral("  "));
}

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
    if (role == FailedRole)
        return hadFailures(run);
    if (role == CheckRole)
        return run.check;
    if (role == OriginRole)
        return run.origin;
    if (role == SearchTextRole)
        return QStringList{
            run.toolMethod(), run.check ? tr("check") : tr("run"), run.origin,
            run.pattern,      run.hosts.join(QLatin1Char(' ')),    argsText(run.args),
            outcome(run)}
            .join(QLatin1Char(' '));
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return QLocale().toString(run.startedAt, QLocale::ShortFormat);
    case ToolColumn:
        return run.toolMethod();
    case CheckColumn:
        if (role == Qt::ToolTipRole)
            return run.check ? tr("A dry run: nothing was changed") : tr("A real run");
        return run.check ? tr("check") : tr("run");
    case OriginColumn:
        return run.origin.isEmpty() ? tr("gui") : run.origin;
    case ArgsColumn:
        return role == Qt::ToolTipRole
                   ? QString::fromUtf8(QJsonDocument(run.args).toJson(QJsonDocument::Indented))
                   : argsText(run.args);
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
    case OriginColumn:
        return tr("From");
    case ArgsColumn:
        return tr("Arguments");
    case TargetsColumn:
        return tr("Targets");
    case OutcomeColumn:
        return tr("Outcome");
    default:
        return {};
    }
}

} // namespace hostdeck::ui
