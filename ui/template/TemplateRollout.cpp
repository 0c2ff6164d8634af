#include "template/TemplateRollout.h"

#include "template/TemplateVariables.h"

namespace hostdeck::ui {

TemplateRollout::TemplateRollout(TemplateService* service, QList<TemplateRolloutHost> hosts,
                                 QString text, QVariantMap extraVars, TemplateDeploySpec spec,
                                 bool check, QObject* parent)
    : QObject(parent), m_service(service), m_hosts(std::move(hosts)), m_text(std::move(text)),
      m_extra(std::move(extraVars)), m_spec(std::move(spec)), m_check(check)
{
    qRegisterMetaType<TemplateOutcome>();
    connect(service, &TemplateService::factsGathered, this, &TemplateRollout::onFacts);
    connect(service, &TemplateService::deployed, this, &TemplateRollout::onDeployed);
}

void TemplateRollout::start()
{
    m_clock.start();
    m_remaining = int(m_hosts.size());
    if (m_remaining == 0) {
        emit finished();
        return;
    }
    for (int i = 0; i < m_hosts.size(); ++i) {
        const TemplateRolloutHost& host = m_hosts.at(i);
        if (m_service->hasFacts(host.name)) {
            deployTo(host);
        } else {
            m_waitingForFacts.insert(host.name, i);
            m_service->gatherFacts(host.target);
        }
    }
}

void TemplateRollout::deployTo(const TemplateRolloutHost& host)
{
    TemplateVariables vars;
    vars.facts = m_service->facts(host.name);
    vars.inventory = host.inventoryVars;
    vars.extra = m_extra;
    const quint64 id = m_service->deploy(host.target, m_text, vars.toJson(), m_spec, m_check);
    m_calls.insert(id, host.name);
}

void TemplateRollout::onFacts(const QString& host, const QString& error)
{
    if (!m_waitingForFacts.contains(host))
        return;
    const int index = m_waitingForFacts.take(host);
    if (!error.isEmpty()) {
        TemplateOutcome outcome;
        outcome.host = host;
        outcome.check = m_check;
        outcome.state = TemplateOutcome::State::Failed;
        outcome.message = tr("facts: %1").arg(error);
        engine::HostResult result;
        result.host = host;
        result.error.message = outcome.message;
        emit hostResult(result);
        report(outcome);
        return;
    }
    deployTo(m_hosts.at(index));
}

void TemplateRollout::onDeployed(quint64 id, const engine::HostResult& result)
{
    if (!m_calls.contains(id))
        return;
    TemplateOutcome outcome;
    outcome.host = m_calls.take(id);
    outcome.check = m_check;
    outcome.durationMs = result.durationMs;
    engine::HostResult named = result;
    named.host = outcome.host;
    emit hostResult(named);
    if (!result.ok) {
        outcome.state = TemplateOutcome::State::Failed;
        outcome.message = result.error.message;
    } else {
        const QJsonObject value = result.value.toObject();
        outcome.diff = value.value(QStringLiteral("diff")).toString();
        if (value.value(QStringLiteral("created")).toBool())
            outcome.state = TemplateOutcome::State::Created;
        else if (value.value(QStringLiteral("changed")).toBool())
            outcome.state = TemplateOutcome::State::Changed;
        else
            outcome.state = TemplateOutcome::State::Unchanged;
        outcome.message = value.value(QStringLiteral("backup")).toString();
        if (const QJsonValue attrs = value.value(QStringLiteral("attributes")); attrs.isObject()) {
            QStringList parts;
            const QJsonObject drift = attrs.toObject();
            for (auto it = drift.begin(); it != drift.end(); ++it)
                parts << it.key();
            outcome.message = tr("attributes differ: %1").arg(parts.join(QStringLiteral(", ")));
        }
    }
    report(outcome);
}

void TemplateRollout::report(TemplateOutcome outcome)
{
    emit hostFinished(outcome);
    if (--m_remaining == 0)
        emit finished();
}

} // namespace hostdeck::ui
