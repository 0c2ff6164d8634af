#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

namespace hostdeck::engine {

/// One stored run: what was called, on what, and how it went. Arguments are stored with secrets
/// redacted; results are kept in the CLI's JSON shape (HostResult::toJson), the summary in
/// RunSummary::toJson's shape.
struct HistoryRun
{
    qint64 id = 0;
    QDateTime startedAt;
    QString tool;
    QString method;
    QJsonObject args; ///< secrets replaced by RunHistory::redactedMarker()
    bool check = false;
    QString pattern;     ///< what the user typed or selected
    QStringList hosts;   ///< the resolved targets
    QString inventory;   ///< inventory file path, empty for the local machine only
    QJsonObject plan;    ///< the run service's plan description (Plan::toJson), secrets redacted
    QString origin;      ///< gui, cli, rest, template, recipe
    QJsonObject summary; ///< RunSummary::toJson(); empty while the run is going
    bool finished = false;

    QString toolMethod() const { return tool + QLatin1Char('.') + method; }
};

} // namespace hostdeck::engine
