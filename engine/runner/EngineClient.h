#pragma once

#include "runner/Engine.h"

#include <QObject>
#include <QThread>

namespace hostdeck::engine {

/// The UI's handle on the engine: starts the engine thread, forwards requests to it with
/// QMetaObject::invokeMethod and re-emits its signals (queued) on the owner's thread.
/// Never blocks the caller.
class EngineClient final : public QObject
{
    Q_OBJECT
public:
    explicit EngineClient(EngineConfig config, QObject* parent = nullptr);
    ~EngineClient() override; ///< stops the thread (closes sessions)

    quint64 startRun(const RunRequest& request);
    void cancelRun(quint64 runId);
    quint64 describeTools();
    void reloadTools(const QStringList& userToolDirs);
    void setLogLevel(int level);

signals:
    void runResults(quint64 runId, const QList<hostdeck::engine::HostResult>& results);
    void runOutput(quint64 runId, const QList<hostdeck::engine::HostOutput>& output);
    void runProgress(quint64 runId, const hostdeck::engine::RunSummary& summary);
    void runFinished(quint64 runId, const hostdeck::engine::RunSummary& summary);
    void toolsDescribed(quint64 requestId, const QJsonArray& tools, const QString& error);
    void logReceived(const QString& host, const hostdeck::engine::LogRecord& record);
    void hostStateChanged(const QString& host, bool connected, const QString& message);

private:
    /// Runs `work` on the engine thread, after the engine was created there.
    template <typename Work> void post(Work work);

    QThread m_thread;
    QObject* m_context = nullptr; ///< lives on m_thread; owns the engine; deleted there
    Engine* m_engine = nullptr;   ///< created and used only on m_thread
    quint64 m_nextId = 1;
};

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::RunRequest)
