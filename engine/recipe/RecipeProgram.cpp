#include "engine/recipe/RecipeProgram.h"

#include <QJsonArray>
#include <QTimer>

namespace hostdeck::engine {

namespace {

const QString kFactsStep = QStringLiteral("facts");

/// The agent's answer to a templated call whose condition was false.
bool skippedByCondition(const CallResult& result)
{
    return result.ok && result.value.isObject() &&
           result.value.toObject() == QJsonObject{{QStringLiteral("$when"), false}};
}

} // namespace

RecipeProgram::RecipeProgram(const Recipe& recipe) : m_recipe(recipe) {}

void RecipeProgram::start(HostContext* context)
{
    m_context = context;
    if (m_recipe.usesFacts()) {
        gatherFacts();
        return;
    }
    runStep(0, 0);
}

void RecipeProgram::gatherFacts()
{
    const qint64 started = m_context->elapsedMs();
    AgentCall* call = m_context->call(
        CallRequest::of(QStringLiteral("Facts"), QStringLiteral("all")), kFactsStep);
    connect(call, &AgentCall::finished, this, [this, started](const CallResult& result) {
        HostResult step =
            HostResult::fromCall(m_context->target().name, result, m_context->options().check,
                                 m_context->elapsedMs() - started);
        step.step = kFactsStep;
        step.changed = false; // gathering facts changes nothing
        step.setStatus(result.ok ? HostStatus::Ok : step.status);
        m_context->stepFinished(step);
        m_steps << step;
        if (!result.ok) {
            HostResult record = step;
            record.step.clear();
            record.steps = m_steps;
            m_context->finish(record);
            return;
        }
        m_facts = result.value.toObject();
        m_factsGathered = true;
        runStep(0, 0);
    });
}

QJsonObject RecipeProgram::contextFor(const RecipeStep& step, bool withFacts, bool withSteps) const
{
    QJsonArray layers;
    for (const QJsonObject& layer : step.includeVars)
        layers.append(layer);
    QJsonObject context{
        {QStringLiteral("hostvars"), QJsonObject::fromVariantMap(m_context->target().vars)},
        {QStringLiteral("recipe_vars"), m_recipe.vars},
        {QStringLiteral("include_vars"), layers},
        {QStringLiteral("inventory_hostname"), m_context->target().name},
        {QStringLiteral("check_mode"), m_context->options().check}};
    // Only what the expressions mention travels: a registered record can be megabytes of output.
    if (withFacts)
        context.insert(QStringLiteral("facts"), m_facts);
    if (withSteps)
        context.insert(QStringLiteral("steps"), m_registered);
    return context;
}

QJsonObject RecipeProgram::registered(const HostResult& record)
{
    QJsonObject json{{QStringLiteral("ok"), record.ok},
                     {QStringLiteral("changed"), record.changed},
                     {QStringLiteral("status"), hostStatusName(record.status)},
                     {QStringLiteral("skipped"), record.status == HostStatus::Skipped},
                     {QStringLiteral("value"), record.value}};
    if (!record.ok)
        json.insert(QStringLiteral("error"), record.error.toJson());
    // Common fields of a dict value read directly too: steps.cmd.stdout, steps.cmd.rc.
    if (record.value.isObject()) {
        const QJsonObject value = record.value.toObject();
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (!json.contains(it.key()))
                json.insert(it.key(), it.value());
        }
    }
    return json;
}

void RecipeProgram::runStep(int index, int attempt)
{
    if (index >= m_recipe.steps.size()) {
        finishWithReturn();
        return;
    }
    const RecipeStep& step = m_recipe.steps.at(index);
    CallRequest request = CallRequest::of(step.tool, step.method, step.args);
    request.timeout = step.timeout;
    if (step.checkMode && !*step.checkMode)
        request.checkOverride = false;
    if (step.isTemplated()) {
        QJsonObject render{
            {QStringLiteral("context"), contextFor(step, step.mentions(QStringLiteral("facts")),
                                                   step.mentions(QStringLiteral("steps")))}};
        if (!step.when.isEmpty())
            render.insert(QStringLiteral("when"), step.when);
        request.render = render;
    }
    const qint64 started = m_context->elapsedMs();
    AgentCall* call = m_context->call(std::move(request), step.label(), step.become);
    connect(call, &AgentCall::finished, this,
            [this, index, attempt, started](const CallResult& result) {
                onStep(index, attempt, started, result);
            });
}

void RecipeProgram::onStep(int index, int attempt, qint64 startedMs, const CallResult& result)
{
    const RecipeStep& step = m_recipe.steps.at(index);
    HostResult record =
        HostResult::fromCall(m_context->target().name, result,
                             m_context->options().check && step.checkMode.value_or(true),
                             m_context->elapsedMs() - startedMs);
    record.step = step.label();
    if (skippedByCondition(result)) {
        record.setStatus(HostStatus::Skipped);
        record.value = QJsonValue();
    }
    const bool failed = !record.ok;
    const bool retryable = failed && result.error.kind != ErrorKind::Cancelled &&
                           result.error.kind != ErrorKind::InvalidArgument &&
                           !isUnreachableKind(result.error.kind);
    if (retryable && attempt < step.retries) {
        QTimer::singleShot(step.delay, this,
                           [this, index, attempt] { runStep(index, attempt + 1); });
        return;
    }
    record.attempts = attempt + 1;
    if (failed && step.ignoreErrors)
        record.ignored = true;
    m_context->stepFinished(record);
    m_steps << record;
    if (!step.registerAs.isEmpty())
        m_registered.insert(step.registerAs, registered(record));
    if (record.changed)
        m_changed = true;
    if (record.status != HostStatus::Skipped)
        m_lastValue = record.value;
    if (failed && !step.ignoreErrors) {
        HostResult host = record;
        host.step.clear();
        host.error.message = QStringLiteral("step '%1' (%2): %3")
                                 .arg(step.label(), step.where.toString(), record.error.message);
        host.steps = m_steps;
        host.durationMs = m_context->elapsedMs();
        host.changed = m_changed;
        host.attempts = 0;
        host.ignored = false;
        m_context->finish(host);
        return;
    }
    runStep(index + 1, 0);
}

void RecipeProgram::finishWithReturn()
{
    if (!m_recipe.returns) {
        finishHost();
        return;
    }
    // The return value is rendered on the host like a step's arguments (through _agent.echo).
    RecipeStep returnStep;
    returnStep.args = {{QStringLiteral("value"), *m_recipe.returns}};
    if (!returnStep.isTemplated()) {
        m_lastValue = *m_recipe.returns;
        finishHost();
        return;
    }
    CallRequest request =
        CallRequest::of(QStringLiteral("_agent"), QStringLiteral("echo"), returnStep.args);
    request.render = {{QStringLiteral("context"),
                       contextFor(returnStep, m_factsGathered, !m_registered.isEmpty())}};
    AgentCall* call = m_context->call(std::move(request), QStringLiteral("return"));
    connect(call, &AgentCall::finished, this, [this](const CallResult& result) {
        if (!result.ok) {
            HostResult host =
                HostResult::fromCall(m_context->target().name, result, m_context->options().check,
                                     m_context->elapsedMs());
            host.error.message = QStringLiteral("return: %1").arg(result.error.message);
            host.steps = m_steps;
            host.changed = m_changed;
            m_context->finish(host);
            return;
        }
        m_lastValue = result.value;
        finishHost();
    });
}

void RecipeProgram::finishHost()
{
    HostResult host;
    host.host = m_context->target().name;
    host.setStatus(m_changed ? HostStatus::Changed : HostStatus::Ok);
    host.value = m_lastValue;
    host.steps = m_steps;
    host.durationMs = m_context->elapsedMs();
    m_context->finish(host);
}

} // namespace hostdeck::engine
