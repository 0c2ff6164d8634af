#include "template/TemplateService.h"

#include "runner/EngineClient.h"

namespace hostdeck::ui {

using engine::HostResult;
using engine::HostTarget;

namespace {
constexpr std::chrono::milliseconds kRenderTimeout{30000};
constexpr std::chrono::milliseconds kFactsTimeout{60000};
constexpr std::chrono::milliseconds kDeployTimeout{120000};
} // namespace

TemplateService::TemplateService(engine::EngineClient* engine, QObject* parent)
    : QObject(parent), m_engine(engine)
{
    connect(engine, &engine::EngineClient::runResults, this, &TemplateService::onResults);
    connect(engine, &engine::EngineClient::runFinished, this,
            [this](quint64 runId, const engine::RunSummary&) { onFinished(runId); });
}

quint64 TemplateService::start(const HostTarget& host, const QString& tool, const QString& method,
                               const QJsonObject& args, bool check, Kind kind)
{
    if (!m_engine)
        return 0;
    engine::RunRequest request;
    request.hosts = {host};
    request.call.tool = tool;
    request.call.method = method;
    request.call.args = args;
    request.call.check = check;
    request.call.timeout = kind == Kind::Render  ? kRenderTimeout
                           : kind == Kind::Facts ? kFactsTimeout
                                                 : kDeployTimeout;
    request.concurrency = 1;
    const quint64 id = m_engine->startRun(request);
    m_pending.insert(id, Pending{kind, host.name});
    return id;
}

quint64 TemplateService::render(const HostTarget& where, const QString& text,
                                const QJsonObject& vars)
{
    m_latestRender = start(where, QStringLiteral("Template"), QStringLiteral("render"),
                           {{QStringLiteral("template"), text}, {QStringLiteral("vars"), vars}},
                           false, Kind::Render);
    return m_latestRender;
}

bool TemplateService::isGathering(const QString& host) const
{
    for (const Pending& p : m_pending) {
        if (p.kind == Kind::Facts && p.host == host)
            return true;
    }
    return false;
}

void TemplateService::gatherFacts(const HostTarget& host)
{
    if (isGathering(host.name))
        return;
    start(host, QStringLiteral("Facts"), QStringLiteral("all"), {}, false, Kind::Facts);
}

quint64 TemplateService::deploy(const HostTarget& host, const QString& text,
                                const QJsonObject& vars, const TemplateDeploySpec& spec, bool check)
{
    QJsonObject args{{QStringLiteral("template"), text},
                     {QStringLiteral("dest"), spec.dest},
                     {QStringLiteral("vars"), vars},
                     {QStringLiteral("backup"), spec.backup}};
    if (!spec.mode.isEmpty())
        args.insert(QStringLiteral("mode"), spec.mode);
    if (!spec.owner.isEmpty())
        args.insert(QStringLiteral("owner"), spec.owner);
    if (!spec.group.isEmpty())
        args.insert(QStringLiteral("group"), spec.group);
    return start(host, QStringLiteral("Template"), QStringLiteral("deploy"), args, check,
                 Kind::Deploy);
}

void TemplateService::onResults(quint64 runId, const QList<HostResult>& results)
{
    // One host per run: its result ends what this service tracks (runFinished follows).
    if (!m_pending.contains(runId) || results.isEmpty())
        return;
    const Pending pending = m_pending.take(runId);
    const HostResult& result = results.first();
    switch (pending.kind) {
    case Kind::Render:
        if (runId != m_latestRender)
            return; // superseded while it ran
        if (result.ok) {
            emit rendered(runId, result.value.toString());
        } else {
            const int line = result.error.details.value(QStringLiteral("line")).toInt();
            emit renderFailed(runId, line, result.error.message);
        }
        return;
    case Kind::Facts:
        if (result.ok)
            m_facts.insert(pending.host, result.value.toObject().toVariantMap());
        emit factsGathered(pending.host, result.ok ? QString() : result.error.message);
        return;
    case Kind::Deploy:
        emit deployed(runId, result);
        return;
    }
}

void TemplateService::onFinished(quint64 runId)
{
    m_pending.remove(runId);
}

} // namespace hostdeck::ui
