#pragma once

#include "engine/api/HttpServer.h"
#include "engine/api/RunLog.h"
#include "engine/api/RunSpec.h"

#include <QJsonArray>
#include <QObject>

#include <functional>
#include <memory>

namespace hostdeck::engine::api {

class ApiHostKeyDecider;
class ApiService;

/// The REST API on its own thread, which never blocks: the HTTP server, the bearer token and
/// Host checks, the routes, the tool descriptions and the OpenAPI document (rebuilt when the
/// tools are described), the runs' event logs and streams, and host-key questions. What needs
/// the engine, the inventories or the history is asked of the ApiService on the face thread;
/// its answers come back as queued calls.
class ApiServer final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        quint16 port = 0;
        QByteArray token;
        QString tokenFile; ///< written once listening, removed when the server goes
        QString version;
        std::shared_ptr<ApiHostKeyDecider> hostKeys; ///< null: no questions are ever queued
        HttpServer::Options http;
    };

    /// Create on any thread, move to the server thread, then call start() there.
    ApiServer(Options options, ApiService* service);
    ~ApiServer() override;

    /// Listens, writes the token file; the result goes to `done` (called on this thread).
    void start(const std::function<void(Result<QString> url)>& done);
    void setTools(std::shared_ptr<const ToolCatalog> catalog, const QJsonArray& tools,
                  const QString& error);
    void onRunEvents(quint64 runId, const QList<RunEvent>& events);
    const RunRegistry& runs() const { return *m_runs; }

private:
    void handle(const HttpRequest& request, const HttpReply& reply);
    void route(const HttpRequest& request, const HttpReply& reply, const QStringList& parts);
    void routeRuns(const HttpRequest& request, const HttpReply& reply, const QStringList& parts);
    void routeHistory(const HttpRequest& request, const HttpReply& reply, const QStringList& parts);
    void routeHostKeys(const HttpRequest& request, const HttpReply& reply,
                       const QStringList& parts);
    void startRun(const HttpRequest& request, const HttpReply& reply,
                  const std::optional<std::pair<QString, QString>>& toolMethod);
    /// Runs `work` on the face thread; its answer is sent on `reply` (after `then`, if any).
    void ask(const std::function<void(ApiService*, std::function<void(ApiResponse)>)>& work,
             const HttpReply& reply, std::function<void(const ApiResponse&)> then = {});
    static void send(const HttpReply& reply, const ApiResponse& response);
    static void sendRaw(const HttpReply& reply, const QByteArray& json);
    static std::variant<QJsonObject, ApiResponse> bodyObject(const HttpRequest& request,
                                                             bool optional = false);

    Options m_options;
    ApiService* m_service; ///< on the face thread: reached through queued calls only
    HttpServer* m_http = nullptr;
    RunRegistry* m_runs;
    std::shared_ptr<const ToolCatalog> m_catalog;
    QByteArray m_toolsJson;
    QByteArray m_openApiJson;
    QString m_toolsError;
    QString m_url;
};

} // namespace hostdeck::engine::api
