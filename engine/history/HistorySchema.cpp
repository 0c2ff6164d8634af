#include "engine/history/HistorySchema.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace hostdeck::engine {

namespace {

/// Statements that take the schema from version N-1 to N (index N-1).
const QList<QStringList>& migrations()
{
    static const QList<QStringList> steps{
        // 1: runs and per-host results.
        {QStringLiteral(
             "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER NOT NULL,"
             " tool TEXT NOT NULL, method TEXT NOT NULL, args TEXT NOT NULL,"
             " check_mode INTEGER NOT NULL, hosts TEXT NOT NULL, summary TEXT)"),
         QStringLiteral(
             "CREATE TABLE results (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
             " host TEXT NOT NULL, ok INTEGER NOT NULL, changed INTEGER NOT NULL,"
             " duration_ms INTEGER NOT NULL, result TEXT NOT NULL)")},
        // 2: what the user targeted (pattern, inventory file) and an index for reopening a run.
        {QStringLiteral("ALTER TABLE runs ADD COLUMN pattern TEXT NOT NULL DEFAULT ''"),
         QStringLiteral("ALTER TABLE runs ADD COLUMN inventory TEXT NOT NULL DEFAULT ''"),
         QStringLiteral("CREATE INDEX results_by_run ON results(run_id)")},
        // 3: the plan as the run service describes it (recipes, template deploys) and who ran it.
        {QStringLiteral("ALTER TABLE runs ADD COLUMN plan TEXT NOT NULL DEFAULT '{}'"),
         QStringLiteral("ALTER TABLE runs ADD COLUMN origin TEXT NOT NULL DEFAULT ''")},
    };
    return steps;
}

Error sqlError(const QSqlDatabase& db, const QString& what, const QSqlError& error)
{
    return makeError(
        ErrorKind::Io,
        QStringLiteral("history database %1: %2: %3").arg(db.databaseName(), what, error.text()));
}

} // namespace

Result<int> HistorySchema::version(QSqlDatabase& db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return sqlError(
            db, QStringLiteral("cannot read the schema version (corrupt or not a database?)"),
            query.lastError());
    return query.value(0).toInt();
}

Status HistorySchema::prepare(QSqlDatabase& db)
{
    QSqlQuery check(db);
    if (!check.exec(QStringLiteral("PRAGMA quick_check")) || !check.next())
        return sqlError(db, QStringLiteral("the database is corrupt or not an SQLite file"),
                        check.lastError());
    const QString verdict = check.value(0).toString();
    if (verdict != QStringLiteral("ok"))
        return makeError(
            ErrorKind::Io,
            QStringLiteral("history database %1 is corrupt: %2").arg(db.databaseName(), verdict));
    const Result<int> current = version(db);
    if (!current)
        return current.error();
    if (*current > kCurrentVersion)
        return makeError(
            ErrorKind::Io,
            QStringLiteral("history database %1 has schema version %2, newer than this "
                           "Hostdeck understands (%3); it was left untouched")
                .arg(db.databaseName())
                .arg(*current)
                .arg(kCurrentVersion));
    for (int next = *current + 1; next <= kCurrentVersion; ++next) {
        if (Status step = apply(db, next); !step)
            return step;
    }
    // WAL + synchronous=NORMAL: a commit is an append without an fsync per batch, so storing a
    // batch of results on the GUI thread stays in the sub-millisecond range; still crash-safe.
    QSqlQuery pragmas(db);
    pragmas.exec(QStringLiteral("PRAGMA foreign_keys = ON"));
    pragmas.exec(QStringLiteral("PRAGMA journal_mode = WAL"));
    pragmas.exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
    return Ok{};
}

Status HistorySchema::migrateTo(QSqlDatabase& db, int target)
{
    const Result<int> current = version(db);
    if (!current)
        return current.error();
    for (int next = *current + 1; next <= target && next <= kCurrentVersion; ++next) {
        if (Status step = apply(db, next); !step)
            return step;
    }
    return Ok{};
}

Status HistorySchema::apply(QSqlDatabase& db, int toVersion)
{
    if (!db.transaction())
        return sqlError(db, QStringLiteral("cannot start a transaction"), db.lastError());
    QSqlQuery query(db);
    const QStringList statements =
        migrations().at(toVersion - 1) +
        QStringList{QStringLiteral("PRAGMA user_version = %1").arg(toVersion)};
    for (const QString& statement : statements) {
        if (!query.exec(statement)) {
            const Error error =
                sqlError(db, QStringLiteral("migration to version %1 failed").arg(toVersion),
                         query.lastError());
            db.rollback();
            return error;
        }
    }
    if (!db.commit())
        return sqlError(db, QStringLiteral("cannot commit migration %1").arg(toVersion),
                        db.lastError());
    return Ok{};
}

} // namespace hostdeck::engine
