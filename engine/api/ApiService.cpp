#include "engine/api/ApiService.h"

#include "engine/api/ApiServer.h"
#include "engine/history/RunHistory.h"
#include "engine/recipe/RecipeSource.h"
#include "engine/runner/CallPlan.h"
#include "engine/runner/EngineClient.h"

#include <QJsonArray>
#include <QLoggingCategory>

namespace hostdeck::engine::api {

Q_LOGGING_CATEGORY(lcApi, "hostdeck.engine.api")

ApiService::ApiService(ApiContext context, QObject* parent)
    : QObject(parent), m_context(std::move(context))
{
    if (!m_context.recipePlan)
        m_context.recipePlan = [](const QJsonValue& recipe, const ToolCatalog& catalog) {
            return RecipeSource::plan(recipe, catalog, RecipeSource::defaultDirs());
        };
    QString path = m_context.historyPath;
    if (path == QStringLiteral("default"))
        path = RunHistory::defaultPath();
    if (!path.isEmpty()) {
        auto opened = RunHistory::open(path);
        if (opened)
            m_history = std::move(*opened);
        else
            m_historyProblem = opened.error().message;
    }
    connect(m_context.engine, &EngineClient::toolsDescribed, this, &ApiService::onToolsDescribed);
}

ApiService::~ApiService() = default;

namespace {

/// Runs `done` on the server's thread with `response`; dropped when the server is gone.
void answer(ApiServer* server, const ApiService::Done& done, ApiResponse response)
{
    if (server)
        QMetaObject::invokeMethod(server,
                                  [done, response = std::move(response)] { done(response); });
}

QJsonObject historyJson(const HistoryRun& run)
{
    return {{QStringLiteral("id"), run.id},
            {QStringLiteral("started"), run.startedAt.toString(Qt::ISODateWithMs)},
            {QStringLiteral("tool"), run.tool},
            {QStringLiteral("method"), run.method},
            {QStringLiteral("args"), run.args},
            {QStringLiteral("check"), run.check},
            {QStringLiteral("pattern"), run.pattern},
            {QStringLiteral("hosts"), QJsonArray::fromStringList(run.hosts)},
            {QStringLiteral("inventory"), run.inventory},
            {QStringLiteral("origin"), run.origin},
            {QStringLiteral("plan"), run.plan},
            {QStringLiteral("summary"), run.summary},
            {QStringLiteral("finished"), run.finished}};
}

} // namespace

void ApiService::describeTools()
{
    m_describeId = m_context.engine->describeTools();
}

void ApiService::onToolsDescribed(quint64 requestId, const QJsonArray& tools, const QString& error)
{
    if (requestId != m_describeId)
        return;
    if (error.isEmpty())
        m_catalog = std::make_shared<const ToolCatalog>(ToolCatalog::fromJson(tools));
    if (m_server)
        QMetaObject::invokeMethod(m_server, [server = m_server, catalog = m_catalog, tools, error] {
            server->setTools(catalog, tools, error);
        });
}

std::variant<ServedInventory, ApiResponse> ApiService::findInventory(const QString& id) const
{
    const QList<ServedInventory> all =
        m_context.inventories ? m_context.inventories() : QList<ServedInventory>{};
    if (id.isEmpty() && !all.isEmpty())
        return all.constFirst();
    if (id.isEmpty())
        return ServedInventory{}; // no inventory: `localhost` still is this machine
    for (const ServedInventory& inventory : all) {
        if (inventory.id == id)
            return inventory;
    }
    return ApiResponse::error(
        404, ErrorKind::NotFound,
        QStringLiteral("no inventory '%1' is served (GET /v1/inventories)").arg(id),
        QStringLiteral("inventory"));
}

void ApiService::startRun(const RunSpec& spec, const Done& done)
{
    if (!m_catalog)
        return answer(m_server, done,
                      ApiResponse::error(503, ErrorKind::NotFound,
                                         QStringLiteral("the tools are still being described")));
    if (auto invalid = spec.checkArgs(*m_catalog))
        return answer(m_server, done, *invalid);
    RunRequest request;
    request.options = spec.options;
    if (spec.recipe) {
        Result<std::shared_ptr<const Plan>> plan = m_context.recipePlan(*spec.recipe, *m_catalog);
        if (!plan)
            return answer(m_server, done,
                          ApiResponse::error(400, plan.error().kind, plan.error().message,
                                             QStringLiteral("recipe")));
        request.plan = *plan;
        request.options.origin = QStringLiteral("recipe");
    } else {
        request.plan = std::make_shared<CallPlan>(spec.tool, spec.method, spec.args);
    }
    if (!spec.hosts.isEmpty()) {
        for (const QString& destination : spec.hosts) {
            Result<HostTarget> target =
                TargetFactory::forDestination(destination, m_context.settings);
            if (!target)
                return answer(m_server, done,
                              ApiResponse::error(400, target.error().kind, target.error().message,
                                                 QStringLiteral("hosts")));
            request.targets << *target;
        }
        request.pattern = spec.hosts.join(QLatin1Char(','));
    } else {
        auto found = findInventory(spec.inventory);
        if (auto* error = std::get_if<ApiResponse>(&found))
            return answer(m_server, done, *error);
        const ServedInventory& served = std::get<ServedInventory>(found);
        request.pattern = spec.pattern.isEmpty() ? QStringLiteral("all") : spec.pattern;
        request.inventory = served.path;
        Result<ResolvedTargets> resolved =
            TargetFactory::resolve(served.inventory, request.pattern, m_context.settings);
        if (!resolved)
            return answer(m_server, done,
                          ApiResponse::error(400, resolved.error().kind, resolved.error().message,
                                             QStringLiteral("pattern")));
        request.targets = resolved->hosts;
        if (request.targets.isEmpty())
            return answer(m_server, done,
                          ApiResponse::error(
                              400, ErrorKind::Usage,
                              QStringLiteral("pattern '%1' matches no host").arg(request.pattern),
                              QStringLiteral("pattern")));
    }
    QJsonArray targets;
    for (const HostTarget& target : std::as_const(request.targets))
        targets.append(target.name);
    const QString title = request.plan->title();
    RunHandle* run = m_context.engine->startRun(std::move(request));
    const quint64 id = run->id();
    m_runs.insert(id, run);
    record(run);
    ApiServer* server = m_server;
    connect(run, &RunHandle::events, this, [this, id](const QList<RunEvent>& events) {
        if (m_server)
            QMetaObject::invokeMethod(
                m_server, [server = m_server, id, events] { server->onRunEvents(id, events); });
    });
    connect(run, &QObject::destroyed, this, [this, id] { m_runs.remove(id); });
    const QString runId = QString::number(id);
    answer(server, done,
           {201, QJsonObject{
                     {QStringLiteral("run"), runId},
                     {QStringLiteral("title"), title},
                     {QStringLiteral("targets"), targets},
                     {QStringLiteral("url"), QString(QStringLiteral("/v1/runs/") + runId)},
                     {QStringLiteral("events"), QStringLiteral("/v1/runs/%1/events").arg(runId)}}});
}

void ApiService::cancelRun(quint64 runId)
{
    if (const QPointer<RunHandle> run = m_runs.value(runId))
        run->cancel();
}

void ApiService::record(RunHandle* run)
{
    if (!m_history)
        return;
    auto historyId = std::make_shared<qint64>(0);
    connect(run, &RunHandle::events, this, [this, historyId](const QList<RunEvent>& events) {
        QList<QJsonObject> results;
        for (const RunEvent& event : events) {
            if (event.type == RunEvent::Type::RunStarted) {
                const QJsonObject plan = event.info.value(QStringLiteral("plan")).toObject();
                HistoryRun stored;
                stored.startedAt = QDateTime::currentDateTime();
                stored.tool = plan.value(QStringLiteral("tool")).toString();
                stored.method = plan.value(QStringLiteral("method")).toString();
                stored.args = plan.value(QStringLiteral("args")).toObject(); // redacted
                stored.plan = plan;
                stored.check = event.info.value(QStringLiteral("options"))
                                   .toObject()
                                   .value(QStringLiteral("check"))
                                   .toBool();
                stored.origin = event.info.value(QStringLiteral("origin")).toString();
                stored.pattern = event.info.value(QStringLiteral("pattern")).toString();
                stored.inventory = event.info.value(QStringLiteral("inventory")).toString();
                for (const QJsonValue& host : event.info.value(QStringLiteral("targets")).toArray())
                    stored.hosts << host.toString();
                if (auto id = m_history->beginRun(stored, {}))
                    *historyId = *id;
                else
                    qCWarning(lcApi) << "history:" << id.error().message;
            } else if (event.type == RunEvent::Type::HostResult) {
                results << event.record.toJson();
            } else if (event.type == RunEvent::Type::RunFinished && *historyId > 0) {
                if (!results.isEmpty())
                    (void)m_history->addResults(*historyId, std::exchange(results, {}));
                (void)m_history->finishRun(*historyId, event.summary.toJson());
            }
        }
        if (*historyId > 0 && !results.isEmpty())
            (void)m_history->addResults(*historyId, results);
    });
}

void ApiService::inventories(const Done& done)
{
    QJsonArray list;
    const QList<ServedInventory> all =
        m_context.inventories ? m_context.inventories() : QList<ServedInventory>{};
    for (const ServedInventory& served : all) {
        QStringList groups = served.inventory.groupNames();
        groups.sort();
        list.append(QJsonObject{
            {QStringLiteral("id"), served.id},
            {QStringLiteral("path"), served.path},
            {QStringLiteral("hosts"), int(served.inventory.hostsOf(Inventory::allGroup()).size())},
            {QStringLiteral("groups"), QJsonArray::fromStringList(groups)}});
    }
    answer(m_server, done, {200, list});
}

void ApiService::inventoryHosts(const QString& id, const QString& pattern, const Done& done)
{
    auto found = findInventory(id);
    if (auto* error = std::get_if<ApiResponse>(&found))
        return answer(m_server, done, *error);
    const ServedInventory& served = std::get<ServedInventory>(found);
    const QString wanted = pattern.isEmpty() ? QStringLiteral("all") : pattern;
    Result<ResolvedTargets> resolved =
        TargetFactory::resolve(served.inventory, wanted, m_context.settings);
    if (!resolved)
        return answer(m_server, done,
                      ApiResponse::error(400, resolved.error().kind, resolved.error().message,
                                         QStringLiteral("pattern")));
    // Names, groups and where the host is: no variables, so never a secret.
    QJsonArray hosts;
    for (const HostTarget& target : std::as_const(resolved->hosts)) {
        QJsonObject host{{QStringLiteral("name"), target.name},
                         {QStringLiteral("groups"),
                          QJsonArray::fromStringList(served.inventory.groupsOf(target.name))}};
        if (target.kind == HostTarget::Kind::Local) {
            host.insert(QStringLiteral("connection"), QStringLiteral("local"));
        } else {
            host.insert(QStringLiteral("connection"), QStringLiteral("ssh"));
            host.insert(QStringLiteral("address"), target.ssh.host);
            host.insert(QStringLiteral("port"), target.ssh.port);
            host.insert(QStringLiteral("user"), target.ssh.user);
        }
        hosts.append(host);
    }
    answer(m_server, done,
           {200, QJsonObject{{QStringLiteral("inventory"), served.id},
                             {QStringLiteral("pattern"), wanted},
                             {QStringLiteral("hosts"), hosts},
                             {QStringLiteral("warnings"),
                              QJsonArray::fromStringList(resolved->warnings)}}});
}

void ApiService::history(int limit, const Done& done)
{
    if (!m_history)
        return answer(m_server, done,
                      ApiResponse::error(503, ErrorKind::Io,
                                         m_historyProblem.isEmpty()
                                             ? QStringLiteral("this server keeps no history")
                                             : m_historyProblem));
    auto runs = m_history->runs(limit);
    if (!runs)
        return answer(m_server, done,
                      ApiResponse::error(503, runs.error().kind, runs.error().message));
    QJsonArray list;
    for (const HistoryRun& run : std::as_const(*runs))
        list.append(historyJson(run));
    answer(m_server, done, {200, list});
}

void ApiService::historyRun(qint64 id, const Done& done)
{
    if (!m_history)
        return history(0, done);
    auto run = m_history->run(id);
    if (!run)
        return answer(m_server, done,
                      ApiResponse::error(404, ErrorKind::NotFound,
                                         QStringLiteral("no run %1 in the history").arg(id)));
    QJsonObject json = historyJson(*run);
    QJsonArray results;
    if (auto stored = m_history->results(id)) {
        for (const QJsonObject& result : std::as_const(*stored))
            results.append(result);
    }
    json.insert(QStringLiteral("results"), results);
    answer(m_server, done, {200, json});
}

void ApiService::rerun(qint64 id, const QJsonObject& body, const Done& done)
{
    if (!m_history)
        return history(0, done);
    auto run = m_history->run(id);
    if (!run)
        return answer(m_server, done,
                      ApiResponse::error(404, ErrorKind::NotFound,
                                         QStringLiteral("no run %1 in the history").arg(id)));
    if (run->plan.value(QStringLiteral("kind")).toString() != QStringLiteral("call") ||
        run->plan.contains(QStringLiteral("host_args")))
        return answer(m_server, done,
                      ApiResponse::error(409, ErrorKind::Usage,
                                         QStringLiteral("run %1 is not a single tool call; only "
                                                        "those can be re-run here")
                                             .arg(id)));
    for (auto it = run->args.begin(); it != run->args.end(); ++it) {
        if (it.value() == QJsonValue(RunHistory::redactedMarker()))
            return answer(m_server, done,
                          ApiResponse::error(409, ErrorKind::Usage,
                                             QStringLiteral("run %1 had a secret argument '%2', "
                                                            "which the history does not keep: "
                                                            "start it anew")
                                                 .arg(id)
                                                 .arg(it.key())));
    }
    RunSpec spec;
    spec.tool = run->tool;
    spec.method = run->method;
    spec.args = run->args;
    spec.options.origin = QStringLiteral("rest");
    spec.options.check = body.contains(QStringLiteral("check"))
                             ? body.value(QStringLiteral("check")).toBool()
                             : run->check;
    const QList<ServedInventory> all =
        m_context.inventories ? m_context.inventories() : QList<ServedInventory>{};
    bool served = run->inventory.isEmpty();
    for (const ServedInventory& inventory : all) {
        if (!served && inventory.path == run->inventory) {
            spec.inventory = inventory.id;
            served = true;
        }
    }
    if (!served)
        return answer(m_server, done,
                      ApiResponse::error(409, ErrorKind::NotFound,
                                         QStringLiteral("run %1 used the inventory %2, which this "
                                                        "server does not serve")
                                             .arg(id)
                                             .arg(run->inventory)));
    if (run->inventory.isEmpty() && !run->pattern.isEmpty() &&
        run->pattern != TargetFactory::localHostName())
        spec.hosts = run->pattern.split(QLatin1Char(','), Qt::SkipEmptyParts);
    else
        spec.pattern = run->pattern;
    startRun(spec, done);
}

} // namespace hostdeck::engine::api
