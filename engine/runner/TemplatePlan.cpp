#include "engine/runner/TemplatePlan.h"

#include "engine/agent/ArgumentCheck.h"

namespace hostdeck::engine {

namespace {

const QString kTool = QStringLiteral("Template");
const QString kDeploy = QStringLiteral("deploy");

class TemplateProgram final : public HostProgram
{
public:
    TemplateProgram(const TemplatePlan* plan, std::optional<QVariantMap> facts)
        : m_plan(*plan), m_facts(std::move(facts))
    {
    }

    void start(HostContext* context) override
    {
        m_context = context;
        if (m_facts) {
            deploy();
            return;
        }
        AgentCall* call =
            context->call(CallRequest::of(QStringLiteral("Facts"), QStringLiteral("all")),
                          QStringLiteral("facts"));
        connect(call, &AgentCall::finished, this, [this](const CallResult& result) {
            HostResult step = HostResult::fromCall(m_context->target().name, result, false,
                                                   m_context->elapsedMs());
            step.step = QStringLiteral("facts");
            m_context->stepFinished(step);
            m_steps << step;
            if (!result.ok) {
                HostResult record = step;
                record.step.clear();
                record.steps = m_steps;
                m_context->finish(record);
                return;
            }
            m_facts = result.value.toObject().toVariantMap();
            deploy();
        });
    }

private:
    void deploy()
    {
        QVariantMap inventory = m_context->target().vars;
        // Ansible's magic variable, so a template can name the host it is rendered for.
        inventory.insert(QStringLiteral("inventory_hostname"), m_context->target().name);
        const QVariantMap vars = TemplatePlan::mergeVars(*m_facts, inventory, {});
        const qint64 started = m_context->elapsedMs();
        AgentCall* call = m_context->call(CallRequest::of(kTool, kDeploy, m_plan.deployArgs(vars)),
                                          QStringLiteral("deploy"));
        connect(call, &AgentCall::finished, this, [this, started](const CallResult& result) {
            HostResult step =
                HostResult::fromCall(m_context->target().name, result, m_context->options().check,
                                     m_context->elapsedMs() - started);
            step.step = QStringLiteral("deploy");
            m_context->stepFinished(step);
            m_steps << step;
            HostResult record = step;
            record.step.clear();
            record.durationMs = m_context->elapsedMs();
            record.steps = m_steps;
            m_context->finish(record);
        });
    }

    const TemplatePlan& m_plan;
    std::optional<QVariantMap> m_facts;
    HostContext* m_context = nullptr;
    QList<HostResult> m_steps;
};

} // namespace

TemplatePlan::TemplatePlan(QString text, TemplateDeploySpec spec, QVariantMap extraVars)
    : m_text(std::move(text)), m_spec(std::move(spec)), m_extra(std::move(extraVars))
{
}

QVariantMap TemplatePlan::mergeVars(const QVariantMap& facts, const QVariantMap& inventory,
                                    const QVariantMap& extra)
{
    QVariantMap result = facts;
    if (!facts.isEmpty())
        result.insert(QStringLiteral("facts"), facts);
    for (auto it = inventory.cbegin(); it != inventory.cend(); ++it)
        result.insert(it.key(), it.value());
    for (auto it = extra.cbegin(); it != extra.cend(); ++it)
        result.insert(it.key(), it.value());
    return result;
}

QJsonObject TemplatePlan::deployArgs(const QVariantMap& hostVars) const
{
    QVariantMap vars = hostVars;
    for (auto it = m_extra.cbegin(); it != m_extra.cend(); ++it)
        vars.insert(it.key(), it.value());
    QJsonObject args{{QStringLiteral("template"), m_text},
                     {QStringLiteral("dest"), m_spec.dest},
                     {QStringLiteral("vars"), QJsonObject::fromVariantMap(vars)},
                     {QStringLiteral("backup"), m_spec.backup}};
    if (!m_spec.mode.isEmpty())
        args.insert(QStringLiteral("mode"), m_spec.mode);
    if (!m_spec.owner.isEmpty())
        args.insert(QStringLiteral("owner"), m_spec.owner);
    if (!m_spec.group.isEmpty())
        args.insert(QStringLiteral("group"), m_spec.group);
    return args;
}

QString TemplatePlan::title() const
{
    return QStringLiteral("Template.deploy %1").arg(m_spec.dest);
}

QJsonObject TemplatePlan::toJson(const ToolCatalog&) const
{
    QJsonObject args = deployArgs({});
    args.remove(QStringLiteral("vars")); // each host's own: facts and inventory variables
    args.insert(QStringLiteral("mode"), m_spec.mode);
    args.insert(QStringLiteral("owner"), m_spec.owner);
    args.insert(QStringLiteral("group"), m_spec.group);
    return {{QStringLiteral("kind"), QStringLiteral("template")},
            {QStringLiteral("tool"), kTool},
            {QStringLiteral("method"), kDeploy},
            {QStringLiteral("args"), args},
            {QStringLiteral("extra_vars"), QJsonObject::fromVariantMap(m_extra)}};
}

Status TemplatePlan::validate(const ToolCatalog& catalog) const
{
    if (m_spec.dest.isEmpty())
        return makeError(ErrorKind::InvalidArgument,
                         QStringLiteral("Template.deploy: no destination path"));
    return ArgumentCheck::check(catalog, kTool, kDeploy, deployArgs({}));
}

std::unique_ptr<HostProgram> TemplatePlan::programFor(const HostTarget& target) const
{
    const auto it = m_facts.constFind(target.name);
    return std::make_unique<TemplateProgram>(
        this, it == m_facts.cend() ? std::nullopt : std::optional<QVariantMap>(*it));
}

} // namespace hostdeck::engine
