#pragma once

#include "engine/runner/EngineClient.h"
#include "engine/runner/TemplatePlan.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QVariantMap>

namespace hostdeck::ui {

using engine::TemplateDeploySpec;

/// The template editor's gateway to the engine's run service: renders, facts, and diffs or
/// deploys (one run with per-host variables under the run's forks), so a render on a selected
/// host works like a local one. Facts are cached per host name until refreshed; a rollout fills
/// the cache with the facts it gathers.
class TemplateService final : public QObject
{
    Q_OBJECT
public:
    explicit TemplateService(engine::EngineClient* engine, QObject* parent = nullptr);

    /// Renders `text`; a newer render supersedes an older one (its outcome is dropped).
    quint64 render(const engine::HostTarget& where, const QString& text, const QJsonObject& vars);
    /// Gathers Facts.all on `host` unless a gathering for it is already running.
    void gatherFacts(const engine::HostTarget& host);
    bool hasFacts(const QString& host) const { return m_facts.contains(host); }
    QVariantMap facts(const QString& host) const { return m_facts.value(host); }
    bool isGathering(const QString& host) const { return m_gathering.contains(host); }
    /// A diff (check) or deploy of `text` on `targets` as one run.
    engine::RunHandle* rollout(const QList<engine::HostTarget>& targets, const QString& text,
                               const QVariantMap& extraVars, const TemplateDeploySpec& spec,
                               bool check, int forks, const QString& inventoryPath);

signals:
    void rendered(quint64 id, const QString& text);
    /// `line` is the template line (1-based) or 0 when the error is not about a line.
    void renderFailed(quint64 id, int line, const QString& message);
    void factsGathered(const QString& host, const QString& error);

private:
    engine::RunHandle* callOn(const engine::HostTarget& host, const QString& tool,
                              const QString& method, const QJsonObject& args,
                              std::chrono::milliseconds timeout);

    QPointer<engine::EngineClient> m_engine;
    QHash<QString, QVariantMap> m_facts;
    QSet<QString> m_gathering;
    quint64 m_latestRender = 0;
};

} // namespace hostdeck::ui
