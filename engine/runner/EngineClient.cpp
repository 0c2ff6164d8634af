#include "engine/runner/EngineClient.h"

namespace hostdeck::engine {

RunHandle::RunHandle(EngineClient* client, quint64 id) : QObject(client), m_client(client), m_id(id)
{
}

void RunHandle::cancel()
{
    if (m_client && !m_finished)
        m_client->cancelRun(m_id);
}

void RunHandle::deliver(const QList<RunEvent>& events)
{
    emit this->events(events);
    for (const RunEvent& event : events) {
        if (event.type == RunEvent::Type::RunFinished) {
            m_finished = true;
            m_summary = event.summary;
            emit finished(m_summary);
            deleteLater();
        }
    }
}

EngineClient::EngineClient(EngineConfig config, QObject* parent) : QObject(parent)
{
    qRegisterMetaType<RunEvent>();
    qRegisterMetaType<QList<RunEvent>>();
    qRegisterMetaType<RunSummary>();
    qRegisterMetaType<LogRecord>();
    qRegisterMetaType<HostLinkState>();
    qRegisterMetaType<Error>();
    m_thread.setObjectName(QStringLiteral("hostdeck-engine"));
    // The engine is built on its own thread so that it and everything it makes (timers, the
    // transports, connections) belong to that thread; calls posted later run after this.
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    QMetaObject::invokeMethod(m_context, [this, config = std::move(config)]() mutable {
        m_engine = new Engine(std::move(config), m_context);
        // Queued to this object's thread: the one relay from the engine to the faces.
        connect(m_engine, &Engine::runEvents, this, &EngineClient::onRunEvents);
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

void EngineClient::post(std::function<void(Engine*)> work)
{
    QMetaObject::invokeMethod(m_context,
                              [this, work = std::move(work)]() mutable { work(m_engine); });
}

RunHandle* EngineClient::startRun(RunRequest request)
{
    const quint64 id = m_nextId++;
    auto* handle = new RunHandle(this, id);
    m_handles.insert(id, handle);
    post([id, request = std::move(request)](Engine* engine) mutable {
        engine->startRun(id, std::move(request));
    });
    return handle;
}

void EngineClient::onRunEvents(quint64 runId, const QList<RunEvent>& events)
{
    const QPointer<RunHandle> handle = m_handles.value(runId);
    bool done = false;
    for (const RunEvent& event : events)
        done = done || event.type == RunEvent::Type::RunFinished;
    if (done)
        m_handles.remove(runId);
    if (handle)
        handle->deliver(events);
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
