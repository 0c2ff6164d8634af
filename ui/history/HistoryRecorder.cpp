#include "ui/history/HistoryRecorder.h"

#include "engine/history/RunHistory.h"
#include "engine/runner/EngineClient.h"

#include <QJsonArray>
#include <QPointer>

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

void HistoryRecorder::record(engine::RunHandle* run)
{
    if (!m_history)
        return;
    const quint64 runId = run->id();
    auto historyId = std::make_shared<qint64>(0);
    connect(run, &engine::RunHandle::events, this,
            [this, runId, historyId](const QList<engine::RunEvent>& events) {
                QList<engine::HostResult> results;
                for (const engine::RunEvent& event : events) {
                    switch (event.type) {
                    case engine::RunEvent::Type::RunStarted: {
                        *historyId = begin(engine::HistoryRun::fromStarted(event.info), {});
                        if (*historyId > 0)
                            emit recorded(runId, *historyId);
                        break;
                    }
                    case engine::RunEvent::Type::HostResult:
                        results << event.record;
                        break;
                    case engine::RunEvent::Type::RunFinished:
                        addResults(*historyId, std::exchange(results, {}));
                        finish(*historyId, event.summary);
                        break;
                    default:
                        break;
                    }
                }
                addResults(*historyId, results);
            });
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
