#pragma once

#include "runner/HostResult.h"
#include "runner/HostTarget.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QVariantMap>

namespace hostdeck::engine {
class EngineClient;
}

namespace hostdeck::ui {

/// Where and how a rendered template is written (Template.deploy's arguments).
struct TemplateDeploySpec
{
    QString dest;
    QString mode;  ///< octal text such as "0644"; empty keeps the file's own
    QString owner; ///< empty keeps the file's own
    QString group;
    bool backup = false;
};

/// The template editor's gateway to the engine: renders, facts and deploys, each a run through
/// EngineClient::startRun (the fan-out), so a render on a selected host works like a local one.
/// Only runs started here are answered; other runs on the same client are ignored. Facts are
/// cached per host name until refreshed.
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
    bool isGathering(const QString& host) const;
    /// Template.deploy on one host (check = diff only).
    quint64 deploy(const engine::HostTarget& host, const QString& text, const QJsonObject& vars,
                   const TemplateDeploySpec& spec, bool check);

signals:
    void rendered(quint64 id, const QString& text);
    /// `line` is the template line (1-based) or 0 when the error is not about a line.
    void renderFailed(quint64 id, int line, const QString& message);
    void factsGathered(const QString& host, const QString& error);
    void deployed(quint64 id, const hostdeck::engine::HostResult& result);

private:
    enum class Kind
    {
        Render,
        Facts,
        Deploy
    };
    struct Pending
    {
        Kind kind;
        QString host;
    };
    quint64 start(const engine::HostTarget& host, const QString& tool, const QString& method,
                  const QJsonObject& args, bool check, Kind kind);
    void onResults(quint64 runId, const QList<engine::HostResult>& results);
    void onFinished(quint64 runId);

    QPointer<engine::EngineClient> m_engine;
    QHash<quint64, Pending> m_pending;
    QHash<QString, QVariantMap> m_facts;
    quint64 m_latestRender = 0;
};

} // namespace hostdeck::ui
