#include "engine/runner/Engine.h"

#include "engine/runner/DecisionClock.h"
#include "engine/runner/DefaultTransportFactory.h"
#include "engine/ssh/CredentialProvider.h"
#include "engine/ssh/HostKeyDecider.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QStandardPaths>
#include <QThread>

namespace hostdeck::engine {

namespace {
Q_LOGGING_CATEGORY(lcEngine, "hostdeck.engine")
const QString kDescribeHost = QStringLiteral("localhost");
} // namespace

Engine::Engine(EngineConfig config, QObject* parent) : QObject(parent), m_config(std::move(config))
{
    const QStringList dirs = m_config.userToolDirs.isEmpty()
                                 ? QStringList{ToolRegistry::defaultUserToolsDir()}
                                 : m_config.userToolDirs;
    m_tools = std::make_shared<ToolRegistry>(ToolRegistry::load(dirs));
    m_decisions = std::make_shared<DecisionClock>();
    std::shared_ptr<HostKeyDecider> hostKeys =
        m_config.hostKeys ? std::make_shared<TimedHostKeyDecider>(m_config.hostKeys, m_decisions)
                          : nullptr;
    std::unique_ptr<TransportFactory> factory =
        m_config.transports
            ? m_config.transports(m_config.credentials, hostKeys)
            : std::make_unique<DefaultTransportFactory>(m_config.credentials, hostKeys);
    m_pool =
        new SessionPool(std::move(factory), m_tools, m_config.credentials, m_config.pool, this);
    connect(m_pool, &SessionPool::logReceived, this, &Engine::logReceived);
    connect(m_pool, &SessionPool::hostStateChanged, this, &Engine::hostStateChanged);
}

Engine::~Engine()
{
    for (const QPointer<Run>& run : std::as_const(m_runs)) {
        if (run)
            run->cancel();
    }
}

void Engine::assertThread() const
{
    Q_ASSERT_X(QThread::currentThread() == thread(), "Engine",
               "engine entry points run on the engine thread");
}

void Engine::startRun(quint64 runId, RunRequest request)
{
    assertThread();
    if (!m_described) {
        m_waiting.append({runId, std::move(request)});
        loadDescriptions();
        return;
    }
    launch(runId, std::move(request));
}

void Engine::launch(quint64 runId, RunRequest request)
{
    auto* run = new Run(runId, std::move(request), m_pool, m_catalog, this);
    run->setDecisionClock(m_decisions);
    m_runs.insert(runId, run);
    connect(run, &Run::events, this,
            [this, runId](const QList<RunEvent>& events) { emit runEvents(runId, events); });
    connect(run, &Run::finished, this, [this, runId, run] {
        m_runs.remove(runId);
        run->deleteLater();
    });
    run->start();
}

void Engine::cancelRun(quint64 runId)
{
    assertThread();
    if (Run* run = m_runs.value(runId)) {
        run->cancel();
        return;
    }
    for (qsizetype i = 0; i < m_waiting.size(); ++i) {
        if (m_waiting.at(i).first == runId) {
            // Not started yet: it starts and ends at once, so it still has its events.
            auto [id, request] = m_waiting.takeAt(i);
            launch(id, std::move(request));
            if (Run* run = m_runs.value(id))
                run->cancel();
            return;
        }
    }
}

QString Engine::cachePath() const
{
    if (m_config.descriptionCache == QStringLiteral("-"))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArrayLiteral(HOSTDECK_VERSION));
    for (const QString& name : m_tools->moduleNames()) {
        const ToolModule* module = m_tools->module(name);
        hash.addData(name.toUtf8());
        hash.addData(module->custom ? QByteArrayLiteral("+") : QByteArrayLiteral("-"));
        hash.addData(module->source);
    }
    const QString dir =
        m_config.descriptionCache.isEmpty()
            ? QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
                  QStringLiteral("/hostdeck")
            : m_config.descriptionCache;
    return dir + QStringLiteral("/tools-") + QString::fromLatin1(hash.result().toHex().left(24)) +
           QStringLiteral(".json");
}

void Engine::loadDescriptions()
{
    if (m_described || m_describing)
        return;
    const QString path = cachePath();
    if (!path.isEmpty()) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly)) {
            const QJsonDocument cached = QJsonDocument::fromJson(file.readAll());
            if (cached.isArray()) {
                CallResult result;
                result.ok = true;
                result.value = cached.array();
                onDescribed(result);
                return;
            }
        }
    }
    m_describing = true;
    HostTarget local = HostTarget::local(kDescribeHost);
    local.interpreter = m_config.localInterpreter;
    CallRequest request = CallRequest::of(QStringLiteral("_agent"), QStringLiteral("describe"));
    QJsonArray modules;
    for (const QString& name : m_tools->moduleNames()) {
        if (!name.startsWith(QLatin1Char('_'))) {
            modules.append(name);
            request.syncModules << name;
        }
    }
    request.args = {{QStringLiteral("modules"), modules}};
    request.timeout = std::chrono::seconds(60);
    AgentCall* call = m_pool->acquire(local)->call(request);
    connect(call, &AgentCall::finished, this, &Engine::onDescribed);
}

void Engine::onDescribed(const CallResult& result)
{
    m_describing = false;
    m_described = true;
    if (!result.ok) {
        m_describeError = result.error.message;
        m_descriptions = {};
        m_catalog = std::make_shared<ToolCatalog>();
        qCWarning(lcEngine).noquote() << "cannot describe the tools:" << result.error.message;
    } else {
        QJsonArray described = result.value.toArray();
        for (auto entry : described) {
            QJsonObject tool = entry.toObject();
            const ToolModule* mod =
                m_tools->module(tool.value(QStringLiteral("module")).toString());
            tool.insert(QStringLiteral("custom"), mod && mod->custom);
            entry = tool;
        }
        m_describeError.clear();
        m_descriptions = described;
        auto catalog = std::make_shared<ToolCatalog>(ToolCatalog::fromJson(described));
        for (auto it = catalog->brokenModules().begin(); it != catalog->brokenModules().end();
             ++it) {
            if (const ToolModule* module = m_tools->module(it.key())) {
                for (const QString& tool : module->tools)
                    catalog->addBrokenTool(tool, it.key());
            }
        }
        m_catalog = catalog;
        const QString path = cachePath();
        if (!path.isEmpty() && !QFile::exists(path)) {
            QDir().mkpath(QFileInfo(path).absolutePath());
            QSaveFile file(path);
            if (file.open(QIODevice::WriteOnly)) {
                file.write(QJsonDocument(result.value.toArray()).toJson(QJsonDocument::Compact));
                file.commit();
            }
        }
    }
    for (quint64 id : std::exchange(m_describeRequests, {}))
        emit toolsDescribed(id, m_descriptions, m_describeError);
    for (auto& [id, request] : std::exchange(m_waiting, {}))
        launch(id, std::move(request));
}

void Engine::describeTools(quint64 requestId)
{
    assertThread();
    if (m_described) {
        emit toolsDescribed(requestId, m_descriptions, m_describeError);
        return;
    }
    m_describeRequests.append(requestId);
    loadDescriptions();
}

void Engine::reloadTools(const QStringList& userToolDirs)
{
    assertThread();
    m_config.userToolDirs = userToolDirs;
    const QStringList dirs =
        userToolDirs.isEmpty() ? QStringList{ToolRegistry::defaultUserToolsDir()} : userToolDirs;
    m_tools = std::make_shared<ToolRegistry>(ToolRegistry::load(dirs));
    m_pool->setTools(m_tools);
    m_described = false;
}

void Engine::setLogLevel(int level)
{
    assertThread();
    m_pool->setLogLevel(level);
}

} // namespace hostdeck::engine
