#include "engine/api/ApiHost.h"

#include "engine/api/ApiServer.h"
#include "engine/api/ApiToken.h"

namespace hostdeck::engine::api {

ApiHost::ApiHost(ApiContext context, QObject* parent)
    : QObject(parent), m_context(std::move(context))
{
    m_thread.setObjectName(QStringLiteral("hostdeck-api"));
    qRegisterMetaType<QList<RunEvent>>();
}

ApiHost::~ApiHost()
{
    stop();
}

void ApiHost::start(const Options& options)
{
    if (m_server)
        return;
    m_service = new ApiService(m_context, this);
    m_tokenFile = options.tokenFile.isEmpty() ? ApiToken::defaultFile() : options.tokenFile;
    ApiServer::Options serverOptions;
    serverOptions.port = options.port;
    serverOptions.token = ApiToken::generate();
    serverOptions.tokenFile = m_tokenFile;
    serverOptions.version = options.version;
    serverOptions.hostKeys = options.hostKeys;
    m_server = new ApiServer(std::move(serverOptions), m_service);
    m_server->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_server, &QObject::deleteLater);
    m_service->setServer(m_server);
    m_thread.start();
    // `this` outlives the server thread: stop() ends it before the host goes.
    QMetaObject::invokeMethod(m_server, [server = m_server, host = this] {
        server->start([host](Result<QString> url) {
            // Back to the face thread with the outcome.
            QMetaObject::invokeMethod(host, [host, url] {
                if (!url) {
                    host->stop();
                    emit host->failed(url.error().message);
                    return;
                }
                host->m_url = *url;
                host->m_service->describeTools();
                emit host->started(*url, host->m_tokenFile);
            });
        });
    });
}

void ApiHost::stop()
{
    if (!m_server)
        return;
    m_service->setServer(nullptr); // nothing more is posted to the server
    m_thread.quit();
    m_thread.wait(); // the server is deleted on its thread as it ends (token file removed)
    m_server = nullptr;
    delete m_service;
    m_service = nullptr;
    m_url.clear();
}

} // namespace hostdeck::engine::api
