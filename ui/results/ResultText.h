#pragma once

#include "engine/runner/HostResult.h"
#include "engine/runner/RunEvent.h"

#include <QColor>
#include <QString>

namespace hostdeck::ui {

/// How a host result reads in tables, exports and the grouped view (presentation only).
class ResultText
{
public:
    /// A row's status: the host's phase while it runs, then its record's status.
    enum class Status
    {
        Pending,
        Connecting,
        Running,
        Ok,
        Changed,
        Failed,
        Unreachable,
        Skipped,
        TimedOut,
        Cancelled
    };

    static Status status(const engine::HostResult& result);
    static Status status(engine::HostPhase phase);
    /// "ok", "changed" ("would change" in check mode), "failed", "unreachable", "timed out", ...
    static QString statusName(Status status, bool check = false);
    static bool isFailure(Status status);
    static QColor statusColor(Status status, bool darkPalette);
    /// One line: the tool method's summary rule (SummaryRules) when `toolMethod` has one, else
    /// the first line of stdout, a scalar value, the path or message, compact JSON; for a
    /// failure "kind: message".
    static QString summary(const engine::HostResult& result, int maxLength = 200);
    static QString summary(const engine::HostResult& result, const QString& toolMethod,
                           int maxLength = 200);
    /// What makes two results "identical" for grouping: what the user reads — status and value
    /// (without timings such as `duration`, at any depth) or the error.
    static QString signature(const engine::HostResult& result);
    static QString duration(qint64 ms);
    /// Unified diffs found in a value: strings under a "diff" key, or strings that look like one.
    static QString diffs(const QJsonValue& value, const QString& key = {});
    /// An error as the detail pane shows it: kind (type): message, the remote traceback, details.
    static QString errorText(const engine::CallError& error);
};

} // namespace hostdeck::ui
