#pragma once

#include "runner/HostResult.h"
#include "util/Result.h"

#include <QByteArray>

namespace hostdeck::ui {

/// A run's results as files: JSON (the CLI's shape: a list of HostResult::toJson) and CSV.
class ResultExport
{
public:
    static QByteArray toJson(const QList<engine::HostResult>& results);
    static QByteArray toCsv(const QList<engine::HostResult>& results);
    /// Writes atomically (QSaveFile); the format follows the suffix (.csv, else JSON).
    static engine::Status write(const QList<engine::HostResult>& results, const QString& path);
};

} // namespace hostdeck::ui
