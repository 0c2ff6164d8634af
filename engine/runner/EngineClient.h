#pragma once

#include "engine/runner/Engine.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QThread>

namespace hostdeck::engine {

class EngineClient;

/// A run as the thread that started it sees it (lives on that thread): its events in batches,
/// then finished(). Deletes itself (deleteLater) after finished(); keep a QPointer.
class RunHandle final : public QObject
{
    Q_OBJECT
public:
    quint64 id() const { return m_id; }
    bool isFinished() const { return m_finished; }
    const RunSummary& summary() const { return m_summary; }
    void cancel();

signals:
    void events(const QList<hostdeck::engine::RunEvent>& events);
    void finished(const hostdeck::engine::RunSummary& summary);

private:
    friend class EngineClient;
    RunHandle(EngineClient* client, quint64 id);
    void deliver(const QList<RunEvent>& events);

    QPointer<EngineClient> m_client;
    quint64 m_id;
    RunSummary m_summary;
    bool m_finished = false;
};

/// The handle other threads have on the engine: starts the engine thread, forwards requests to
/// it (QMetaObject::invokeMethod) and hands each run's events to its RunHandle on the caller's
/// thread. Never blocks the caller. app/ makes one and gives it to every face.
class EngineClient final : public QObject
{
    Q_OBJECT
public:
    explicit EngineClient(EngineConfig config, QObject* parent = nullptr);
    ~EngineClient() override; ///< stops the thread (closes sessions)

    RunHandle* startRun(RunRequest request);
    void cancelRun(quint64 runId);
    quint64 describeTools();
    void reloadTools(const QStringList& userToolDirs);
    void setLogLevel(int level);
    /// Runs `work` on the engine thread with the engine (tests, diagnostics).
    void post(std::function<void(Engine*)> work);

signals:
    void toolsDescribed(quint64 requestId, const QJsonArray& tools, const QString& error);
    void logReceived(const QString& host, const hostdeck::engine::LogRecord& record);
    void hostStateChanged(const QString& host, hostdeck::engine::HostLinkState state,
                          const hostdeck::engine::Error& error);

private:
    void onRunEvents(quint64 runId, const QList<RunEvent>& events);

    QThread m_thread;
    QObject* m_context = nullptr; ///< lives on m_thread; owns the engine; deleted there
    Engine* m_engine = nullptr;   ///< created and used only on m_thread
    QHash<quint64, QPointer<RunHandle>> m_handles;
    quint64 m_nextId = 1;
};

} // namespace hostdeck::engine
