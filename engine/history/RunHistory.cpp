#include "engine/history/RunHistory.h"

#include "engine/history/HistorySchema.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>

namespace hostdeck::engine {

namespace {

QString compact(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject objectFrom(const QString& text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

/// SQLite stores a null QString as NULL; the text columns are NOT NULL.
QString notNull(const QString& text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

QString hostsText(const QStringList& hosts)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(hosts)).toJson(QJsonDocument::Compact));
}

QStringList hostsFrom(const QString& text)
{
    QStringList hosts;
    for (const QJsonValue& value : QJsonDocument::fromJson(text.toUtf8()).array())
        hosts << value.toString();
    return hosts;
}

Error queryError(const QString& path, const QString& what, const QSqlQuery& query)
{
    return makeError(
        ErrorKind::Io,
        QStringLiteral("history database %1: %2: %3").arg(path, what, query.lastError().text()));
}

const QString kRunColumns = QStringLiteral(
    "id, started_at, tool, method, args, check_mode, hosts, summary, pattern, inventory, plan, "
    "origin");

HistoryRun runFrom(const QSqlQuery& query)
{
    HistoryRun run;
    run.id = query.value(0).toLongLong();
    run.startedAt = QDateTime::fromMSecsSinceEpoch(query.value(1).toLongLong());
    run.tool = query.value(2).toString();
    run.method = query.value(3).toString();
    run.args = objectFrom(query.value(4).toString());
    run.check = query.value(5).toBool();
    run.hosts = hostsFrom(query.value(6).toString());
    run.finished = !query.value(7).isNull();
    run.summary = run.finished ? objectFrom(query.value(7).toString()) : QJsonObject{};
    run.pattern = query.value(8).toString();
    run.inventory = query.value(9).toString();
    run.plan = objectFrom(query.value(10).toString());
    run.origin = query.value(11).toString();
    return run;
}

} // namespace

QString RunHistory::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/hostdeck/history.sqlite");
}

Result<std::unique_ptr<RunHistory>> RunHistory::open(const QString& path)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return makeError(ErrorKind::Io, QStringLiteral("cannot create the folder of %1").arg(path));
    const QString connection =
        QStringLiteral("hostdeck-history-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    std::unique_ptr<RunHistory> history(new RunHistory(path, connection));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
    db.setDatabaseName(path);
    if (!db.open())
        return makeError(
            ErrorKind::Io,
            QStringLiteral("cannot open history database %1: %2").arg(path, db.lastError().text()));
    if (Status prepared = HistorySchema::prepare(db); !prepared)
        return prepared.error();
    return history;
}

RunHistory::RunHistory(QString path, QString connection)
    : m_path(std::move(path)), m_connection(std::move(connection))
{
}

RunHistory::~RunHistory()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QJsonObject RunHistory::redact(const QJsonObject& args, const QStringList& secretParams)
{
    QJsonObject out = args;
    for (const QString& name : secretParams) {
        if (out.contains(name) && !out.value(name).isNull())
            out.insert(name, redactedMarker());
    }
    return out;
}

QStringList RunHistory::secretParams(const QJsonArray& params)
{
    QStringList names;
    for (const QJsonValue& value : params) {
        const QJsonObject param = value.toObject();
        QString type = param.value(QStringLiteral("type")).toString().simplified();
        type.remove(QLatin1Char(' '));
        if (type == QStringLiteral("Secret") || type == QStringLiteral("Optional[Secret]") ||
            type.endsWith(QStringLiteral(".Secret")))
            names << param.value(QStringLiteral("name")).toString();
    }
    return names;
}

Result<qint64> RunHistory::beginRun(const HistoryRun& run, const QStringList& secretParams)
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral(
        "INSERT INTO runs (started_at, tool, method, args, check_mode, hosts, pattern, inventory,"
        " plan, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    query.addBindValue(run.startedAt.toMSecsSinceEpoch());
    query.addBindValue(notNull(run.tool));
    query.addBindValue(notNull(run.method));
    query.addBindValue(compact(redact(run.args, secretParams)));
    query.addBindValue(run.check ? 1 : 0);
    query.addBindValue(hostsText(run.hosts));
    query.addBindValue(notNull(run.pattern));
    query.addBindValue(notNull(run.inventory));
    query.addBindValue(compact(run.plan));
    query.addBindValue(notNull(run.origin));
    if (!query.exec())
        return queryError(m_path, QStringLiteral("cannot store the run"), query);
    return query.lastInsertId().toLongLong();
}

Status RunHistory::addResults(qint64 runId, const QList<QJsonObject>& results)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    db.transaction();
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("INSERT INTO results (run_id, host, ok, changed, duration_ms, result)"
                       " VALUES (?, ?, ?, ?, ?, ?)"));
    for (const QJsonObject& result : results) {
        query.addBindValue(runId);
        query.addBindValue(notNull(result.value(QStringLiteral("host")).toString()));
        query.addBindValue(result.value(QStringLiteral("ok")).toBool() ? 1 : 0);
        query.addBindValue(result.value(QStringLiteral("changed")).toBool() ? 1 : 0);
        query.addBindValue(
            qint64(result.value(QStringLiteral("duration")).toDouble() * 1000.0 + 0.5));
        query.addBindValue(compact(result));
        if (!query.exec()) {
            const Error error = queryError(m_path, QStringLiteral("cannot store results"), query);
            db.rollback();
            return error;
        }
    }
    if (!db.commit())
        return makeError(ErrorKind::Io,
                         QStringLiteral("history database %1: cannot commit results: %2")
                             .arg(m_path, db.lastError().text()));
    return Ok{};
}

Status RunHistory::finishRun(qint64 runId, const QJsonObject& summary)
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("UPDATE runs SET summary = ? WHERE id = ?"));
    query.addBindValue(compact(summary));
    query.addBindValue(runId);
    if (!query.exec())
        return queryError(m_path, QStringLiteral("cannot finish the run"), query);
    return Ok{};
}

Status RunHistory::removeRun(qint64 runId)
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    for (const QString& statement : {QStringLiteral("DELETE FROM results WHERE run_id = ?"),
                                     QStringLiteral("DELETE FROM runs WHERE id = ?")}) {
        query.prepare(statement);
        query.addBindValue(runId);
        if (!query.exec())
            return queryError(m_path, QStringLiteral("cannot remove run %1").arg(runId), query);
    }
    return Ok{};
}

Result<QList<HistoryRun>> RunHistory::runs(int limit) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("SELECT ") + kRunColumns +
                  QStringLiteral(" FROM runs ORDER BY id DESC LIMIT ?"));
    query.addBindValue(limit);
    if (!query.exec())
        return queryError(m_path, QStringLiteral("cannot list runs"), query);
    QList<HistoryRun> list;
    while (query.next())
        list << runFrom(query);
    return list;
}

Result<HistoryRun> RunHistory::run(qint64 runId) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("SELECT ") + kRunColumns +
                  QStringLiteral(" FROM runs WHERE id = ?"));
    query.addBindValue(runId);
    if (!query.exec())
        return queryError(m_path, QStringLiteral("cannot read run %1").arg(runId), query);
    if (!query.next())
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("no run %1 in the history").arg(runId));
    return runFrom(query);
}

Result<QList<QJsonObject>> RunHistory::results(qint64 runId) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("SELECT result FROM results WHERE run_id = ? ORDER BY rowid"));
    query.addBindValue(runId);
    if (!query.exec())
        return queryError(m_path, QStringLiteral("cannot read the results of run %1").arg(runId),
                          query);
    QList<QJsonObject> list;
    while (query.next())
        list << objectFrom(query.value(0).toString());
    return list;
}

} // namespace hostdeck::engine
