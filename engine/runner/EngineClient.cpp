#include "runner/EngineClient.h"

namespace hostdeck::engine {

EngineClient::EngineClient(EngineConfig config, QObject* parent) : QObject(parent)
{
    qRegisterMetaType<HostResult>();
    qRegisterMetaType<HostOutput>();
    qRegisterMetaType<RunSummary>();
    qRegisterMetaType<QList<HostResult>>();
    qRegisterMetaType<QList<HostOutput>>();
    qRegisterMetaType<LogRecord>();
    qRegisterMetaType<RunRequest>();
    m_thread.setObjectName(QStringLiteral("hostdeck-engine"));
    m_engine = new Engine(std::move(config));
    m_engine->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_engine, &QObject::deleteLater);
    // Re-emit on our thread (queued: the engine lives on m_thread).
    connect(m_engine, &Engine::runResults, this, &EngineClient::runResults);
    connect(m_engine, &Engine::runOutput, this, &EngineClient::runOutput);
    connect(m_engine, &Engine::runProgress, this, &EngineClient::runProgress);
    connect(m_engine, &Engine::runFinished, this, &EngineClient::runFinished);
    connect(m_engine, &Engine::toolsDescribed, this, &EngineClient::toolsDescribed);
    connect(m_engine, &Engine::logReceived, this, &EngineClient::logReceived);
    connect(m_engine, &Engine::hostStateChanged, this, &EngineClient::hostStateChanged);
    m_thread.start();
}

EngineClient::~EngineClient()
{
    m_thread.quit();
    m_thread.wait(); // the engine closes its sessions on the way out
}

quint64 EngineClient::startRun(const RunRequest& request)
{
    const quint64 id = m_nextId++;
    Engine* engine = m_engine;
    QMetaObject::invokeMethod(engine, [engine, id, request] { engine->startRun(id, request); });
    return id;
}

void EngineClient::cancelRun(quint64 runId)
{
    Engine* engine = m_engine;
    QMetaObject::invokeMethod(engine, [engine, runId] { engine->cancelRun(runId); });
}

quint64 EngineClient::describeTools()
{
    const quint64 id = m_nextId++;
    Engine* engine = m_engine;
    QMetaObject::invokeMethod(engine, [engine, id] { engine->describeTools(id); });
    return id;
}

void EngineClient::reloadTools(const QStringList& userToolDirs)
{
    Engine* engine = m_engine;
    QMetaObject::invokeMethod(engine, [engine, userToolDirs] { engine->reloadTools(userToolDirs); });
}

void EngineClient::setLogLevel(int level)
{
    Engine* engine = m_engine;
    QMetaObject::invokeMethod(engine, [engine, level] { engine->setLogLevel(level); });
}

} // namespace hostdeck::engine
