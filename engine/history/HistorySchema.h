#pragma once

#include "engine/util/Result.h"

#include <QSqlDatabase>

namespace hostdeck::engine {

/// The history database's schema and its forward migrations. The version lives in SQLite's
/// `PRAGMA user_version`; each migration runs in its own transaction, so a failure leaves the
/// database at the last good version.
class HistorySchema
{
public:
    static constexpr int kCurrentVersion = 3;

    /// Checks the file is a sound SQLite database and migrates it to kCurrentVersion. A database
    /// that is corrupt, not SQLite, or newer than this program is reported and left untouched.
    static Status prepare(QSqlDatabase& db);
    static Result<int> version(QSqlDatabase& db);
    /// Creates exactly version `target` from scratch (tests of the migrations use it).
    static Status migrateTo(QSqlDatabase& db, int target);

private:
    static Status apply(QSqlDatabase& db, int toVersion);
};

} // namespace hostdeck::engine
