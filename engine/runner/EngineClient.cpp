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
    // The engine is built on its own thread so that it and everything it makes (timers, the
    // transport factory, connections) belong to that thread; calls posted later run after this.
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    QMetaObject::invokeMethod(m_context, [this, config = std::move(config)]() mutable {
        m_engine = new Engine(std::move(config), m_context);
        // Re-emitted on the client's thread (queued: the engine lives on m_thread).
        connect(m_engine, &Engine::runResults, this, &EngineClient::runResults);
        connect(m_engine, &Engine::runOutput, this, &EngineClient::runOutput);
        connect(m_engine, &Engine::runProgress, this, &EngineClient::runProgress);
        connect(m_engine, &Engine::runFinished, this, &EngineClient::runFinished);
        connect(m_engine, &Engine::toolsDescribed, this, &EngineClient::toolsDescribed);
        connect(m_engine, &Engine::logReceived, this, &EngineClient::logReceived);
        connect(m_engine, &Engine::hostStateChanged, this, &EngineClient::hostStateChanged);
    });
    m_thread.start();
}

EngineClient::~EngineClient()
{
    m_thread.quit();
    m_thread.wait(); // the engine closes its sessions on the way out
}

template <typename Work> void EngineClient::post(Work work)
{
    QMetaObject::invokeMethod(m_context,
                              [this, work = std::move(work)]() mutable { work(m_engine); });
}

quint64 EngineClient::startRun(const RunRequest& request)
{
    const quint64 id = m_nextId++;
    post([id, request](Engine* engine) { engine->startRun(id, request); });
    return id;
}

void EngineClient::cancelRun(quint64 runId)
{
    post([runId](Engine* engine) { engine->cancelRun(runId); });
}

quint64 EngineClient::describeTools()
{
    const quint64 id = m_nextId++;
    post([id](Engine* engine) { engine->describeTools(id); });
    return id;
}

void EngineClient::reloadTools(const QStringList& userToolDirs)
{
    post([userToolDirs](Engine* engine) { engine->reloadTools(userToolDirs); });
}

void EngineClient::setLogLevel(int level)
{
    post([level](Engine* engine) { engine->setLogLevel(level); });
}

} // namespace hostdeck::engine
