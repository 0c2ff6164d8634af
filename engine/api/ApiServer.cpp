#include "engine/api/ApiServer.h"

#include "engine/api/ApiHostKeyDecider.h"
#include "engine/api/ApiService.h"
#include "engine/api/ApiToken.h"
#include "engine/api/OpenApiDocument.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLoggingCategory>

namespace hostdeck::engine::api {

Q_LOGGING_CATEGORY(lcServer, "hostdeck.engine.api.server")

namespace {

const QByteArray kJson = QByteArrayLiteral("application/json");

/// The Host header names this machine's loopback (a browser page on another name that resolves
/// to 127.0.0.1 — DNS rebinding — sends its own name).
bool loopbackHost(const QByteArray& header)
{
    QByteArray host = header.trimmed().toLower();
    if (host.startsWith('[')) {
        const qsizetype close = host.indexOf(']');
        if (close < 0)
            return false;
        const QByteArray rest = host.mid(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(':'))
            return false;
        return host.mid(1, close - 1) == "::1";
    }
    if (const qsizetype colon = host.indexOf(':'); colon >= 0)
        host.truncate(colon);
    if (host.endsWith('.'))
        host.chop(1);
    if (host == "localhost")
        return true;
    const QList<QByteArray> octets = host.split('.');
    if (octets.size() != 4 || octets.constFirst() != "127")
        return false;
    for (const QByteArray& octet : octets) {
        bool ok = false;
        const int n = octet.toInt(&ok);
        if (!ok || n < 0 || n > 255)
            return false;
    }
    return true;
}

} // namespace

ApiServer::ApiServer(Options options, ApiService* service)
    : m_options(std::move(options)), m_service(service), m_runs(new RunRegistry(this))
{
}

ApiServer::~ApiServer()
{
    if (!m_options.tokenFile.isEmpty())
        ApiToken::removeFile(m_options.tokenFile, m_options.token);
}

void ApiServer::start(const std::function<void(Result<QString>)>& done)
{
    m_http = new HttpServer(
        [this](const HttpRequest& request, HttpReply reply) { handle(request, reply); },
        m_options.http, this);
    Result<quint16> port = m_http->listen(m_options.port);
    if (!port)
        return done(port.error());
    m_url = QStringLiteral("http://127.0.0.1:%1").arg(*port);
    if (!m_options.tokenFile.isEmpty()) {
        const QJsonObject content{{QStringLiteral("url"), m_url},
                                  {QStringLiteral("port"), int(*port)},
                                  {QStringLiteral("token"), QString::fromLatin1(m_options.token)},
                                  {QStringLiteral("pid"), QCoreApplication::applicationPid()}};
        if (Status written = ApiToken::writeFile(m_options.tokenFile, content); !written)
            return done(written.error());
    }
    done(m_url);
}

void ApiServer::setTools(std::shared_ptr<const ToolCatalog> catalog, const QJsonArray& tools,
                         const QString& error)
{
    m_toolsError = error;
    if (!catalog)
        return;
    m_catalog = std::move(catalog);
    QJsonArray shown;
    for (const QJsonValue& toolValue : tools) {
        QJsonObject tool = toolValue.toObject();
        if (tool.contains(QStringLiteral("error")))
            continue; // a module that failed to load (its calls say why)
        QJsonArray methods;
        for (const QJsonValue& method : tool.value(QStringLiteral("methods")).toArray()) {
            if (!method.toObject().value(QStringLiteral("internal")).toBool())
                methods.append(method);
        }
        tool.insert(QStringLiteral("methods"), methods);
        shown.append(tool);
    }
    m_toolsJson = QJsonDocument(shown).toJson(QJsonDocument::Compact);
    m_openApiJson = QJsonDocument(OpenApiDocument::generate(*m_catalog, m_options.version, m_url))
                        .toJson(QJsonDocument::Compact);
}

void ApiServer::onRunEvents(quint64 runId, const QList<RunEvent>& events)
{
    m_runs->append(runId, events);
}

void ApiServer::send(const HttpReply& reply, const ApiResponse& response)
{
    const QByteArray body =
        response.body.isArray()
            ? QJsonDocument(response.body.toArray()).toJson(QJsonDocument::Compact)
            : QJsonDocument(response.body.toObject()).toJson(QJsonDocument::Compact);
    HttpHeaders headers{{"X-Content-Type-Options", "nosniff"}};
    if (response.status == 401)
        headers.append({QByteArrayLiteral("WWW-Authenticate"),
                        QByteArrayLiteral("Bearer realm=\"hostdeck\"")});
    reply.send(response.status, kJson, body, headers);
}

void ApiServer::sendRaw(const HttpReply& reply, const QByteArray& json)
{
    reply.send(200, kJson, json, {{"X-Content-Type-Options", "nosniff"}});
}

std::variant<QJsonObject, ApiResponse> ApiServer::bodyObject(const HttpRequest& request,
                                                             bool optional)
{
    if (request.body.trimmed().isEmpty() && optional)
        return QJsonObject{};
    // Any Content-Type is read as JSON (curl -d sends form-urlencoded): the bearer token, not
    // the type, is what keeps browsers out.
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        return ApiResponse::error(400, ErrorKind::Usage,
                                  QStringLiteral("body: bad JSON at byte %1: %2")
                                      .arg(error.offset)
                                      .arg(error.errorString()),
                                  QStringLiteral("body"));
    if (!doc.isObject())
        return ApiResponse::error(400, ErrorKind::Usage,
                                  QStringLiteral("body: expected a JSON object"),
                                  QStringLiteral("body"));
    return doc.object();
}

void ApiServer::ask(const std::function<void(ApiService*, std::function<void(ApiResponse)>)>& work,
                    const HttpReply& reply, std::function<void(const ApiResponse&)> then)
{
    ApiService* service = m_service;
    auto done = [reply, then = std::move(then)](ApiResponse response) {
        if (then)
            then(response);
        send(reply, response);
    };
    QMetaObject::invokeMethod(service, [service, work, done] { work(service, done); });
}

void ApiServer::handle(const HttpRequest& request, const HttpReply& reply)
{
    if (!loopbackHost(request.header("host")))
        return send(reply, ApiResponse::error(403, ErrorKind::Auth,
                                              QStringLiteral("the Host header must name this "
                                                             "machine's loopback (localhost, "
                                                             "127.0.0.1, [::1])")));
    const QByteArray authorization = request.header("authorization");
    const QByteArray scheme = authorization.left(7).toLower();
    if (scheme != "bearer " || !ApiToken::equal(authorization.mid(7).trimmed(), m_options.token))
        return send(reply, ApiResponse::error(401, ErrorKind::Auth,
                                              QStringLiteral("a bearer token is required (see the "
                                                             "token file of the server)")));
    QStringList parts = request.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    route(request, reply, parts);
}

void ApiServer::route(const HttpRequest& request, const HttpReply& reply, const QStringList& parts)
{
    const QByteArray& method = request.method;
    auto notFound = [&] {
        send(reply, ApiResponse::error(404, ErrorKind::NotFound,
                                       QStringLiteral("no such endpoint: %1 %2")
                                           .arg(QString::fromLatin1(method), request.path)));
    };
    auto allow = [&](const char* allowed) {
        if (method == allowed)
            return true;
        send(reply,
             ApiResponse::error(
                 405, ErrorKind::Usage,
                 QStringLiteral("%1 takes %2").arg(request.path, QString::fromLatin1(allowed))));
        return false;
    };
    auto toolsReady = [&] {
        if (m_catalog)
            return true;
        send(reply, ApiResponse::error(503, ErrorKind::NotFound,
                                       m_toolsError.isEmpty()
                                           ? QStringLiteral("the tools are still being described")
                                           : m_toolsError));
        return false;
    };
    if (parts == QStringList{QStringLiteral("openapi.json")}) {
        if (allow("GET") && toolsReady())
            sendRaw(reply, m_openApiJson);
        return;
    }
    if (parts.size() < 2 || parts.at(0) != QStringLiteral("v1"))
        return notFound();
    const QString& area = parts.at(1);
    if (area == QStringLiteral("tools") && parts.size() == 2) {
        if (allow("GET") && toolsReady())
            sendRaw(reply, m_toolsJson);
        return;
    }
    if (area == QStringLiteral("inventories") && parts.size() == 2) {
        if (allow("GET"))
            ask([](ApiService* s, auto done) { s->inventories(done); }, reply);
        return;
    }
    if (area == QStringLiteral("inventories") && parts.size() == 4 &&
        parts.at(3) == QStringLiteral("hosts")) {
        if (!allow("GET"))
            return;
        const QString id = parts.at(2);
        const QString pattern =
            request.query.queryItemValue(QStringLiteral("pattern"), QUrl::FullyDecoded);
        ask([id, pattern](ApiService* s, auto done) { s->inventoryHosts(id, pattern, done); },
            reply);
        return;
    }
    if (area == QStringLiteral("call") && parts.size() == 3) {
        if (!allow("POST") || !toolsReady())
            return;
        const QString name = parts.at(2);
        const qsizetype dot = name.indexOf(QLatin1Char('.'));
        if (dot <= 0 || dot == name.size() - 1)
            return notFound();
        return startRun(request, reply, std::make_pair(name.left(dot), name.mid(dot + 1)));
    }
    if (area == QStringLiteral("runs"))
        return routeRuns(request, reply, parts);
    if (area == QStringLiteral("history"))
        return routeHistory(request, reply, parts);
    if (area == QStringLiteral("host-keys"))
        return routeHostKeys(request, reply, parts);
    notFound();
}

void ApiServer::startRun(const HttpRequest& request, const HttpReply& reply,
                         const std::optional<std::pair<QString, QString>>& toolMethod)
{
    auto body = bodyObject(request, toolMethod.has_value());
    if (auto* error = std::get_if<ApiResponse>(&body))
        return send(reply, *error);
    auto parsed = RunSpec::parse(std::get<QJsonObject>(body), toolMethod);
    if (auto* error = std::get_if<ApiResponse>(&parsed))
        return send(reply, *error);
    RunSpec spec = std::get<RunSpec>(std::move(parsed));
    if (!spec.recipe && !m_catalog)
        return send(reply, ApiResponse::error(503, ErrorKind::NotFound,
                                              QStringLiteral("the tools are still being "
                                                             "described")));
    // Checked here too (not only on the face thread): a bad call never leaves this thread.
    if (m_catalog) {
        if (auto invalid = spec.checkArgs(*m_catalog))
            return send(reply, *invalid);
    }
    ask([spec](ApiService* s, auto done) { s->startRun(spec, done); }, reply,
        [this](const ApiResponse& response) {
            if (response.status != 201)
                return;
            const QJsonObject started = response.body.toObject();
            QStringList targets;
            for (const QJsonValue& t : started.value(QStringLiteral("targets")).toArray())
                targets << t.toString();
            m_runs->create(started.value(QStringLiteral("run")).toString().toULongLong(),
                           started.value(QStringLiteral("title")).toString(), targets);
        });
}

void ApiServer::routeRuns(const HttpRequest& request, const HttpReply& reply,
                          const QStringList& parts)
{
    const QByteArray& method = request.method;
    if (parts.size() == 2) {
        if (method == "GET")
            return send(reply, {200, m_runs->list()});
        if (method == "POST")
            return startRun(request, reply, std::nullopt);
        return send(reply, ApiResponse::error(405, ErrorKind::Usage,
                                              QStringLiteral("/v1/runs takes GET or POST")));
    }
    bool ok = false;
    const quint64 id = parts.at(2).toULongLong(&ok);
    const std::shared_ptr<RunLog> log = ok ? m_runs->find(id) : nullptr;
    if (!log)
        return send(reply, ApiResponse::error(404, ErrorKind::NotFound,
                                              QStringLiteral("no run %1 (runs are kept in memory "
                                                             "while the server runs; see "
                                                             "/v1/history)")
                                                  .arg(parts.at(2))));
    const QString action = parts.size() == 4 ? parts.at(3) : QString();
    if (parts.size() == 3 && method == "GET")
        return send(reply, {200, log->toJson()});
    if (action == QStringLiteral("events") && method == "GET") {
        const QString format = request.query.queryItemValue(QStringLiteral("format"));
        const bool jsonl =
            format == QStringLiteral("jsonl") ||
            (format.isEmpty() && request.header("accept").contains("application/x-ndjson"));
        if (!format.isEmpty() && format != QStringLiteral("jsonl") &&
            format != QStringLiteral("sse"))
            return send(reply, ApiResponse::error(400, ErrorKind::Usage,
                                                  QStringLiteral("format: sse or jsonl"),
                                                  QStringLiteral("format")));
        qsizetype from = 0;
        if (request.query.hasQueryItem(QStringLiteral("from"))) {
            from = request.query.queryItemValue(QStringLiteral("from")).toLongLong(&ok);
            if (!ok || from < 0)
                return send(reply, ApiResponse::error(400, ErrorKind::Usage,
                                                      QStringLiteral("from: an event index >= 0"),
                                                      QStringLiteral("from")));
        } else if (const QByteArray last = request.header("last-event-id"); !last.isEmpty()) {
            from = last.toLongLong(&ok) + 1;
            if (!ok)
                from = 0;
        }
        return m_runs->stream(log, reply, !jsonl, from);
    }
    if (action == QStringLiteral("cancel") && method == "POST") {
        if (!log->isFinished())
            QMetaObject::invokeMethod(m_service,
                                      [service = m_service, id] { service->cancelRun(id); });
        return send(reply, {202, log->toJson(false)});
    }
    send(reply, ApiResponse::error(404, ErrorKind::NotFound,
                                   QStringLiteral("no such endpoint: %1 %2")
                                       .arg(QString::fromLatin1(method), request.path)));
}

void ApiServer::routeHistory(const HttpRequest& request, const HttpReply& reply,
                             const QStringList& parts)
{
    const QByteArray& method = request.method;
    if (parts.size() == 2 && method == "GET") {
        int limit = 100;
        if (request.query.hasQueryItem(QStringLiteral("limit"))) {
            bool ok = false;
            limit = request.query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
            if (!ok || limit < 1)
                return send(reply, ApiResponse::error(400, ErrorKind::Usage,
                                                      QStringLiteral("limit: a number >= 1"),
                                                      QStringLiteral("limit")));
        }
        return ask([limit](ApiService* s, auto done) { s->history(limit, done); }, reply);
    }
    bool ok = false;
    const qint64 id = parts.size() >= 3 ? parts.at(2).toLongLong(&ok) : 0;
    if (ok && parts.size() == 3 && method == "GET")
        return ask([id](ApiService* s, auto done) { s->historyRun(id, done); }, reply);
    if (ok && parts.size() == 4 && parts.at(3) == QStringLiteral("rerun") && method == "POST") {
        auto body = bodyObject(request, true);
        if (auto* error = std::get_if<ApiResponse>(&body))
            return send(reply, *error);
        const QJsonObject object = std::get<QJsonObject>(body);
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() != QStringLiteral("check") || !it.value().isBool())
                return send(reply, ApiResponse::error(400, ErrorKind::InvalidArgument,
                                                      QStringLiteral("%1: only check (true or "
                                                                     "false) may be given")
                                                          .arg(it.key()),
                                                      it.key()));
        }
        return ask([id, object](ApiService* s, auto done) { s->rerun(id, object, done); }, reply,
                   [this](const ApiResponse& response) {
                       if (response.status != 201)
                           return;
                       const QJsonObject started = response.body.toObject();
                       QStringList targets;
                       for (const QJsonValue& t :
                            started.value(QStringLiteral("targets")).toArray())
                           targets << t.toString();
                       m_runs->create(started.value(QStringLiteral("run")).toString().toULongLong(),
                                      started.value(QStringLiteral("title")).toString(), targets);
                   });
    }
    send(reply, ApiResponse::error(404, ErrorKind::NotFound,
                                   QStringLiteral("no such endpoint: %1 %2")
                                       .arg(QString::fromLatin1(method), request.path)));
}

void ApiServer::routeHostKeys(const HttpRequest& request, const HttpReply& reply,
                              const QStringList& parts)
{
    const QByteArray& method = request.method;
    ApiHostKeyDecider* decider = m_options.hostKeys.get();
    if (parts.size() == 2 && method == "GET")
        return send(reply, {200, decider ? decider->pending() : QJsonArray{}});
    if (parts.size() == 3 && method == "POST") {
        auto body = bodyObject(request);
        if (auto* error = std::get_if<ApiResponse>(&body))
            return send(reply, *error);
        const QJsonObject object = std::get<QJsonObject>(body);
        const QString decision = object.value(QStringLiteral("decision")).toString();
        const QHash<QString, HostKeyDecision> decisions{
            {QStringLiteral("accept_once"), HostKeyDecision::AcceptOnce},
            {QStringLiteral("accept_and_save"), HostKeyDecision::AcceptAndSave},
            {QStringLiteral("reject"), HostKeyDecision::Reject}};
        if (!decisions.contains(decision) || object.size() != 1)
            return send(reply, ApiResponse::error(400, ErrorKind::InvalidArgument,
                                                  QStringLiteral("decision: accept_once, "
                                                                 "accept_and_save or reject"),
                                                  QStringLiteral("decision")));
        QJsonObject question;
        if (decider) {
            for (const QJsonValue& q : decider->pending()) {
                if (q.toObject().value(QStringLiteral("id")).toString() == parts.at(2))
                    question = q.toObject();
            }
        }
        if (question.isEmpty() || !decider->answer(parts.at(2), decisions.value(decision)))
            return send(reply, ApiResponse::error(404, ErrorKind::NotFound,
                                                  QStringLiteral("no host key question %1 "
                                                                 "(answered or expired)")
                                                      .arg(parts.at(2))));
        question.insert(QStringLiteral("decision"), decision);
        return send(reply, {200, question});
    }
    send(reply, ApiResponse::error(404, ErrorKind::NotFound,
                                   QStringLiteral("no such endpoint: %1 %2")
                                       .arg(QString::fromLatin1(method), request.path)));
}

} // namespace hostdeck::engine::api
