#include "ui/RunCoordinator.h"

#include "ui/history/HistoryRecorder.h"
#include "ui/results/RunView.h"

namespace hostdeck::ui {

RunCoordinator::RunCoordinator(engine::EngineClient* engine, HistoryRecorder* recorder,
                               QObject* parent)
    : QObject(parent), m_engine(engine), m_recorder(recorder)
{
    if (recorder)
        connect(recorder, &HistoryRecorder::recorded, this,
                [this](quint64 runId, qint64 historyId) { m_historyIds.insert(runId, historyId); });
}

quint64 RunCoordinator::start(engine::RunRequest request, RunView* view)
{
    engine::RunHandle* run = m_engine->startRun(std::move(request));
    const quint64 runId = run->id();
    m_runs.insert(runId, run);
    if (view)
        view->attach(run);
    if (m_recorder)
        m_recorder->record(run);
    auto counts = std::make_shared<engine::RunSummary>();
    connect(run, &engine::RunHandle::events, this,
            [this, runId, counts](const QList<engine::RunEvent>& events) {
                bool changed = false;
                for (const engine::RunEvent& event : events) {
                    if (event.type == engine::RunEvent::Type::RunStarted) {
                        counts->total =
                            int(event.info.value(QStringLiteral("targets")).toArray().size());
                        changed = true;
                    } else if (event.type == engine::RunEvent::Type::HostResult) {
                        counts->add(event.record);
                        changed = true;
                        emit hostFinished(event.record);
                    }
                }
                if (changed)
                    emit progress(runId, *counts);
            });
    connect(run, &engine::RunHandle::finished, this,
            [this, runId](const engine::RunSummary& summary) {
                m_runs.remove(runId);
                emit finished(runId, summary);
            });
    return runId;
}

void RunCoordinator::cancel(quint64 runId)
{
    if (engine::RunHandle* run = m_runs.value(runId))
        run->cancel();
}

} // namespace hostdeck::ui
