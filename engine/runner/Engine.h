#pragma once

#include "engine/runner/Run.h"
#include "engine/runner/SessionPool.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>

#include <functional>
#include <memory>

namespace hostdeck::engine {

class CredentialProvider;
class DecisionClock;
class HostKeyDecider;

/// What the engine needs from its owner. Providers are called on the engine thread; GUI
/// implementations bridge to the GUI thread themselves (queued calls, no blocking).
struct EngineConfig
{
    QStringList userToolDirs; ///< default: ToolRegistry::defaultUserToolsDir()
    std::shared_ptr<CredentialProvider> credentials; ///< may be null: no passwords at all
    std::shared_ptr<HostKeyDecider> hostKeys;        ///< may be null: unknown keys refused
    SessionPool::Options pool;
    /// The interpreter that describes the tools (and the default for local hosts).
    QStringList localInterpreter{QStringLiteral("python3")};
    /// Folder for the described tools, keyed by a hash of their sources; empty: the user cache
    /// folder; "-": never cached.
    QString descriptionCache;
    /// Tests may replace the transports; default: DefaultTransportFactory.
    std::function<std::unique_ptr<TransportFactory>(std::shared_ptr<CredentialProvider>,
                                                    std::shared_ptr<HostKeyDecider>)>
        transports;
};

/// The run service (lives on the engine thread; see EngineClient for the handle other threads
/// use): the session pool, the tool registry and descriptions, and the runs. Every face — the
/// GUI, the CLI, the template editor, recipes, REST — starts its work here with a RunRequest and
/// reads one event stream back. Every method must be called on the engine thread.
class Engine final : public QObject
{
    Q_OBJECT
public:
    explicit Engine(EngineConfig config, QObject* parent = nullptr);
    ~Engine() override;

    void startRun(quint64 runId, RunRequest request);
    void cancelRun(quint64 runId);
    /// Describe every tool (built-in + user folders): from the cache, or through a local agent.
    void describeTools(quint64 requestId);
    void reloadTools(const QStringList& userToolDirs);
    void setLogLevel(int level);
    SessionPool* pool() const { return m_pool; }
    std::shared_ptr<const ToolCatalog> catalog() const { return m_catalog; }
    const QJsonArray& descriptions() const { return m_descriptions; }

signals:
    void runEvents(quint64 runId, const QList<hostdeck::engine::RunEvent>& events);
    /// `tools` = the agent's descriptions with "custom": bool added; `error` empty on success.
    void toolsDescribed(quint64 requestId, const QJsonArray& tools, const QString& error);
    void logReceived(const QString& host, const hostdeck::engine::LogRecord& record);
    void hostStateChanged(const QString& host, hostdeck::engine::HostLinkState state,
                          const hostdeck::engine::Error& error);

private:
    void assertThread() const;
    void loadDescriptions();
    void onDescribed(const CallResult& result);
    QString cachePath() const;
    void launch(quint64 runId, RunRequest request);

    EngineConfig m_config;
    std::shared_ptr<DecisionClock> m_decisions; ///< host-key waits, not counted in durations
    std::shared_ptr<const ToolRegistry> m_tools;
    SessionPool* m_pool = nullptr;
    std::shared_ptr<const ToolCatalog> m_catalog;
    QJsonArray m_descriptions;
    QString m_describeError;
    bool m_describing = false;
    bool m_described = false;
    QList<quint64> m_describeRequests;
    QList<std::pair<quint64, RunRequest>> m_waiting; ///< runs waiting for the descriptions
    QHash<quint64, QPointer<Run>> m_runs;
};

} // namespace hostdeck::engine
