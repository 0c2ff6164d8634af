#pragma once

#include "engine/history/HistoryRun.h"
#include "engine/util/Result.h"

#include <QJsonArray>
#include <QList>
#include <QString>

#include <memory>

namespace hostdeck::engine {

/// The run history in an SQLite database (Qt SQL). Every run is stored with its arguments
/// (secrets redacted), its targets and its per-host results. The database is opened on the
/// calling thread and used only there. A corrupt database is reported, never replaced.
class RunHistory
{
public:
    /// $XDG_DATA_HOME/hostdeck/history.sqlite (beside the user tools folder).
    static QString defaultPath();
    static QString redactedMarker() { return QStringLiteral("<redacted>"); }

    static Result<std::unique_ptr<RunHistory>> open(const QString& path);
    ~RunHistory();
    RunHistory(const RunHistory&) = delete;
    RunHistory& operator=(const RunHistory&) = delete;

    const QString& path() const { return m_path; }

    /// `args` with the value of every name in `secretParams` replaced by redactedMarker().
    static QJsonObject redact(const QJsonObject& args, const QStringList& secretParams);
    /// Names of the parameters of a method description (PROTOCOL.md §5) whose type is a Secret.
    static QStringList secretParams(const QJsonArray& params);

    /// Stores a new run (its args redacted with `secretParams`); returns its id.
    Result<qint64> beginRun(const HistoryRun& run, const QStringList& secretParams);
    /// Appends results in the HostResult::toJson shape, in one transaction.
    Status addResults(qint64 runId, const QList<QJsonObject>& results);
    Status finishRun(qint64 runId, const QJsonObject& summary);
    Status removeRun(qint64 runId);

    /// Newest first.
    Result<QList<HistoryRun>> runs(int limit = 1000) const;
    Result<HistoryRun> run(qint64 runId) const;
    Result<QList<QJsonObject>> results(qint64 runId) const;

private:
    RunHistory(QString path, QString connection);

    QString m_path;
    QString m_connection;
};

} // namespace hostdeck::engine
