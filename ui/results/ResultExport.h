#pragma once

#include "engine/runner/HostResult.h"
#include "engine/util/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>

namespace hostdeck::ui {

class RunResultsModel;

/// A run's results as files. JSON: `{"run": {...}, "results": [...]}` where each result is the
/// CLI's record (HostResult::toJson) and `run` says what ran: tool, method, arguments (secrets
/// redacted), targets, pattern, inventory, origin, mode (run or check), start time, options and
/// which hosts the view showed. CSV: the same run information as `# key: value` lines, then one
/// row per host.
class ResultExport
{
public:
    /// The run information of `model`'s run; `shown` describes the view's filter.
    static QJsonObject runMetadata(const RunResultsModel& model, const QString& shown,
                                   int exported);
    static QByteArray toJson(const QList<engine::HostResult>& results, const QJsonObject& run = {});
    static QByteArray toCsv(const QList<engine::HostResult>& results, const QJsonObject& run = {});
    /// Writes atomically (QSaveFile); the format follows the suffix (.csv, else JSON).
    static engine::Status write(const QList<engine::HostResult>& results, const QString& path,
                                const QJsonObject& run = {});
};

} // namespace hostdeck::ui
