#include "history/HistoryRecorder.h"

#include "history/RunHistory.h"

namespace hostdeck::ui {

HistoryRecorder::HistoryRecorder(QObject* parent) : QObject(parent) {}

qint64 HistoryRecorder::begin(const engine::HistoryRun& run, const QStringList& secretParams)
{
    if (!m_history)
        return 0;
    const auto id = m_history->beginRun(run, secretParams);
    if (!id) {
        emit historyError(id.error().message);
        return 0;
    }
    emit historyChanged();
    return *id;
}

void HistoryRecorder::addResults(qint64 historyId, const QList<engine::HostResult>& results)
{
    if (!m_history || historyId <= 0 || results.isEmpty())
        return;
    QList<QJsonObject> json;
    json.reserve(results.size());
    for (const engine::HostResult& result : results)
        json << result.toJson();
    if (engine::Status stored = m_history->addResults(historyId, json); !stored)
        emit historyError(stored.error().message);
}

void HistoryRecorder::finish(qint64 historyId, const engine::RunSummary& summary)
{
    if (!m_history || historyId <= 0)
        return;
    if (engine::Status stored = m_history->finishRun(historyId, summary.toJson()); !stored)
        emit historyError(stored.error().message);
    emit historyChanged();
}

} // namespace hostdeck::ui
