#include "ui/template/TemplateService.h"

#include "engine/runner/CallPlan.h"

namespace hostdeck::ui {

using engine::HostResult;
using engine::HostTarget;
using engine::RunEvent;
using engine::RunHandle;

namespace {
constexpr std::chrono::milliseconds kRenderTimeout{30000};
constexpr std::chrono::milliseconds kFactsTimeout{60000};
constexpr std::chrono::milliseconds kDeployTimeout{120000};

/// The one host record of a one-host run, from its events.
template <typename F> void onHostResult(RunHandle* run, QObject* context, F handle)
{
    QObject::connect(run, &RunHandle::events, context, [handle](const QList<RunEvent>& events) {
        for (const RunEvent& event : events) {
            if (event.type == RunEvent::Type::HostResult)
                handle(event.record);
        }
    });
}
} // namespace

TemplateService::TemplateService(engine::EngineClient* engine, QObject* parent)
    : QObject(parent), m_engine(engine)
{
}

RunHandle* TemplateService::callOn(const HostTarget& host, const QString& tool,
                                   const QString& method, const QJsonObject& args,
                                   std::chrono::milliseconds timeout)
{
    engine::RunRequest request;
    request.targets = {host};
    request.plan = std::make_shared<engine::CallPlan>(tool, method, args);
    request.options.origin = QStringLiteral("template");
    request.options.callTimeout = timeout;
    request.options.forks = 1;
    return m_engine->startRun(std::move(request));
}

quint64 TemplateService::render(const HostTarget& where, const QString& text,
                                const QJsonObject& vars)
{
    if (!m_engine)
        return 0;
    RunHandle* run = callOn(where, QStringLiteral("Template"), QStringLiteral("render"),
                            {{QStringLiteral("template"), text}, {QStringLiteral("vars"), vars}},
                            kRenderTimeout);
    const quint64 id = run->id();
    m_latestRender = id;
    onHostResult(run, this, [this, id](const HostResult& result) {
        if (id != m_latestRender)
            return; // superseded while it ran
        if (result.ok) {
            emit rendered(id, result.value.toString());
        } else {
            const int line = result.error.details.value(QStringLiteral("line")).toInt();
            emit renderFailed(id, line, result.error.message);
        }
    });
    return id;
}

void TemplateService::gatherFacts(const HostTarget& host)
{
    if (!m_engine || m_gathering.contains(host.name))
        return;
    m_gathering.insert(host.name);
    RunHandle* run =
        callOn(host, QStringLiteral("Facts"), QStringLiteral("all"), {}, kFactsTimeout);
    const QString name = host.name;
    onHostResult(run, this, [this, name](const HostResult& result) {
        m_gathering.remove(name);
        if (result.ok)
            m_facts.insert(name, result.value.toObject().toVariantMap());
        emit factsGathered(name, result.ok ? QString() : result.error.message);
    });
}

RunHandle* TemplateService::rollout(const QList<HostTarget>& targets, const QString& text,
                                    const QVariantMap& extraVars, const TemplateDeploySpec& spec,
                                    bool check, int forks, const QString& inventoryPath)
{
    auto plan = std::make_shared<engine::TemplatePlan>(text, spec, extraVars);
    QStringList names;
    for (const HostTarget& target : targets) {
        names << target.name;
        if (m_facts.contains(target.name))
            plan->setFacts(target.name, m_facts.value(target.name));
    }
    engine::RunRequest request;
    request.targets = targets;
    request.plan = plan;
    request.options.check = check;
    request.options.forks = std::max(1, forks);
    request.options.callTimeout = kDeployTimeout;
    request.options.origin = QStringLiteral("template");
    request.pattern = names.join(QLatin1Char(':'));
    request.inventory = inventoryPath;
    RunHandle* run = m_engine->startRun(std::move(request));
    // Facts a rollout gathered serve the next preview and rollout too.
    connect(run, &RunHandle::events, this, [this](const QList<RunEvent>& events) {
        for (const RunEvent& event : events) {
            if (event.type == RunEvent::Type::StepResult &&
                event.record.step == QStringLiteral("facts") && event.record.ok)
                m_facts.insert(event.host, event.record.value.toObject().toVariantMap());
        }
    });
    return run;
}

} // namespace hostdeck::ui
