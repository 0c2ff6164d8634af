#pragma once

#include "runner/FanOutRun.h"
#include "runner/HostTarget.h"
#include "runner/SessionPool.h"

#include <QJsonArray>
#include <QObject>

#include <memory>

namespace hostdeck::engine {

class CredentialProvider;
class HostKeyDecider;

/// What the engine needs from its owner. Providers are called on the engine thread; GUI
/// implementations must bridge to the GUI thread themselves (queued signals, no blocking).
struct EngineConfig
{
    QStringList userToolDirs; ///< default: ToolRegistry::defaultUserToolsDir()
    std::shared_ptr<CredentialProvider> credentials; ///< may be null: password auth disabled
    std::shared_ptr<HostKeyDecider> hostKeys;        ///< may be null: unknown keys refused (strict)
    SessionPool::Options pool;
    QStringList localInterpreter{QStringLiteral("python3")};
};

/// A run as the UI asks for it.
struct RunRequest
{
    QList<HostTarget> hosts;
    CallRequest call;
    int concurrency = 100;
};

/// The engine: session pool + runs + tool descriptions. Lives on its own thread (see
/// EngineClient); every method must be called on that thread.
class Engine final : public QObject
{
    Q_OBJECT
public:
    explicit Engine(EngineConfig config, QObject* parent = nullptr);
    ~Engine() override;

    void startRun(quint64 runId, const RunRequest& request);
    void cancelRun(quint64 runId);
    /// Describe every tool (built-in + user folders) through the local agent.
    void describeTools(quint64 requestId);
    void reloadTools(const QStringList& userToolDirs);
    void setLogLevel(int level);
    SessionPool* pool() const { return m_pool; }

signals:
    void runResults(quint64 runId, const QList<hostdeck::engine::HostResult>& results);
    void runOutput(quint64 runId, const QList<hostdeck::engine::HostOutput>& output);
    void runProgress(quint64 runId, const hostdeck::engine::RunSummary& summary);
    void runFinished(quint64 runId, const hostdeck::engine::RunSummary& summary);
    /// `tools` = the agent's descriptions with "custom": bool added; `error` empty on success.
    void toolsDescribed(quint64 requestId, const QJsonArray& tools, const QString& error);
    void logReceived(const QString& host, const hostdeck::engine::LogRecord& record);
    void hostStateChanged(const QString& host, bool connected, const QString& message);

private:
    EngineConfig m_config;
    std::shared_ptr<const ToolRegistry> m_tools;
    SessionPool* m_pool = nullptr;
    QHash<quint64, QPointer<FanOutRun>> m_runs;
};

} // namespace hostdeck::engine
