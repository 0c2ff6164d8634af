#include "RunCoordinator.h"

#include "history/HistoryRecorder.h"
#include "results/RunResultsModel.h"
#include "results/RunView.h"

namespace hostdeck::ui {

RunCoordinator::RunCoordinator(engine::EngineClient* engine, HistoryRecorder* recorder,
                               QObject* parent)
    : QObject(parent), m_engine(engine), m_recorder(recorder)
{
    connect(engine, &engine::EngineClient::runResults, this, &RunCoordinator::onResults);
    connect(engine, &engine::EngineClient::runOutput, this, &RunCoordinator::onOutput);
    connect(engine, &engine::EngineClient::runProgress, this, &RunCoordinator::progress);
    connect(engine, &engine::EngineClient::runFinished, this, &RunCoordinator::onFinished);
}

quint64 RunCoordinator::start(const RunLaunch& launch, RunView* view)
{
    engine::RunRequest request;
    request.hosts = launch.hosts;
    request.call.tool = launch.method.tool;
    request.call.method = launch.method.name;
    request.call.args = launch.args;
    request.call.check = launch.check;
    request.concurrency = launch.concurrency;
    const quint64 runId = m_engine->startRun(request);
    m_runs.insert(runId, view);
    if (m_recorder) {
        engine::HistoryRun run;
        run.startedAt = QDateTime::currentDateTime();
        run.tool = launch.method.tool;
        run.method = launch.method.name;
        run.args = launch.args;
        run.check = launch.check;
        run.pattern = launch.pattern;
        run.inventory = launch.inventory;
        for (const engine::HostTarget& host : launch.hosts)
            run.hosts << host.name;
        if (const qint64 id = m_recorder->begin(run, launch.method.secretParams()))
            m_historyIds.insert(runId, id);
    }
    return runId;
}

void RunCoordinator::cancel(quint64 runId)
{
    if (m_engine && m_runs.contains(runId))
        m_engine->cancelRun(runId);
}

void RunCoordinator::onResults(quint64 runId, const QList<engine::HostResult>& results)
{
    if (RunView* view = m_runs.value(runId))
        view->model()->addResults(results);
    if (m_recorder)
        m_recorder->addResults(m_historyIds.value(runId), results);
}

void RunCoordinator::onOutput(quint64 runId, const QList<engine::HostOutput>& output)
{
    if (RunView* view = m_runs.value(runId))
        view->model()->addOutput(output);
}

void RunCoordinator::onFinished(quint64 runId, const engine::RunSummary& summary)
{
    if (!m_runs.contains(runId))
        return;
    m_runs.remove(runId);
    if (m_recorder)
        m_recorder->finish(m_historyIds.value(runId), summary);
    emit finished(runId, summary);
}

} // namespace hostdeck::ui
