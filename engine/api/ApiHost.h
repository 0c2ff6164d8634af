#pragma once

#include "engine/api/ApiService.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace hostdeck::engine::api {

class ApiHostKeyDecider;
class ApiServer;

/// What a face creates to serve the REST API (`hostdeck-cli serve`, the GUI's toggle): the
/// server on its own thread ("hostdeck-api"), the service on the face's thread beside the
/// engine client. start() answers asynchronously with started() or failed(); stop() (or the
/// destructor) closes the server, ends its thread and removes the token file.
class ApiHost final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        quint16 port = 7707;
        QString tokenFile; ///< empty: ApiToken::defaultFile()
        QString version;
        std::shared_ptr<ApiHostKeyDecider> hostKeys;
    };

    explicit ApiHost(ApiContext context, QObject* parent = nullptr);
    ~ApiHost() override;

    void start(const Options& options);
    void stop();
    bool isRunning() const { return m_server != nullptr; }
    QString url() const { return m_url; }
    QString tokenFile() const { return m_tokenFile; }
    ApiService* service() const { return m_service; }

signals:
    void started(const QString& url, const QString& tokenFile);
    void failed(const QString& message);

private:
    ApiContext m_context;
    ApiService* m_service = nullptr;
    ApiServer* m_server = nullptr; ///< lives on m_thread
    QThread m_thread;
    QString m_url;
    QString m_tokenFile;
};

} // namespace hostdeck::engine::api
