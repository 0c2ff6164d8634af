#include "runner/Engine.h"

#include "runner/DefaultTransportFactory.h"
#include "ssh/CredentialProvider.h"
#include "ssh/HostKeyDecider.h"

#include <QJsonArray>

namespace hostdeck::engine {

namespace {
const QString kLocalDescribeHost = QStringLiteral("localhost");
}

Engine::Engine(EngineConfig config, QObject* parent) : QObject(parent), m_config(std::move(config))
{
    const QStringList dirs = m_config.userToolDirs.isEmpty()
                                 ? QStringList{ToolRegistry::defaultUserToolsDir()}
                                 : m_config.userToolDirs;
    m_tools = std::make_shared<ToolRegistry>(ToolRegistry::load(dirs));
    auto factory =
        std::make_unique<DefaultTransportFactory>(m_config.credentials, m_config.hostKeys);
    m_pool = new SessionPool(std::move(factory), m_tools, m_config.pool, this);
    connect(m_pool, &SessionPool::logReceived, this, &Engine::logReceived);
    connect(m_pool, &SessionPool::hostStateChanged, this, &Engine::hostStateChanged);
}

Engine::~Engine()
{
    for (const QPointer<FanOutRun>& run : std::as_const(m_runs)) {
        if (run)
            run->cancel();
    }
}

void Engine::startRun(quint64 runId, const RunRequest& request)
{
    FanOutRun::Options options;
    options.concurrency = request.concurrency;
    auto* run = new FanOutRun(m_pool, request.hosts, request.call, options, this);
    m_runs.insert(runId, run);
    connect(run, &FanOutRun::resultsReady, this,
            [this, runId](const QList<HostResult>& r) { emit runResults(runId, r); });
    connect(run, &FanOutRun::outputReady, this,
            [this, runId](const QList<HostOutput>& o) { emit runOutput(runId, o); });
    connect(run, &FanOutRun::progress, this,
            [this, runId](const RunSummary& s) { emit runProgress(runId, s); });
    connect(run, &FanOutRun::finished, this, [this, runId, run](const RunSummary& s) {
        m_runs.remove(runId);
        run->deleteLater();
        emit runFinished(runId, s);
    });
    run->start();
}

void Engine::cancelRun(quint64 runId)
{
    if (FanOutRun* run = m_runs.value(runId))
        run->cancel();
}

void Engine::describeTools(quint64 requestId)
{
    HostTarget local = HostTarget::local(kLocalDescribeHost);
    local.interpreter = m_config.localInterpreter;
    CallRequest request;
    request.tool = QStringLiteral("_agent");
    request.method = QStringLiteral("describe");
    QJsonArray modules;
    for (const QString& name : m_tools->moduleNames()) {
        if (!name.startsWith(QLatin1Char('_'))) {
            modules.append(name);
            request.syncModules << name;
        }
    }
    request.args = {{QStringLiteral("modules"), modules}};
    const auto tools = m_tools;
    AgentCall* call = m_pool->acquire(local)->call(request);
    connect(call, &AgentCall::finished, this, [this, requestId, tools](const CallResult& result) {
        if (!result.ok) {
            emit toolsDescribed(requestId, {}, result.error.message);
            return;
        }
        QJsonArray described = result.value.toArray();
        for (auto entry : described) {
            QJsonObject tool = entry.toObject();
            const ToolModule* mod = tools->module(tool.value(QStringLiteral("module")).toString());
            tool.insert(QStringLiteral("custom"), mod && mod->custom);
            entry = tool;
        }
        emit toolsDescribed(requestId, described, QString());
    });
}

void Engine::reloadTools(const QStringList& userToolDirs)
{
    m_config.userToolDirs = userToolDirs;
    const QStringList dirs =
        userToolDirs.isEmpty() ? QStringList{ToolRegistry::defaultUserToolsDir()} : userToolDirs;
    m_tools = std::make_shared<ToolRegistry>(ToolRegistry::load(dirs));
    m_pool->setTools(m_tools);
}

void Engine::setLogLevel(int level)
{
    m_config.pool.logLevel = level;
}

} // namespace hostdeck::engine
