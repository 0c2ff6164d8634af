#pragma once

#include "engine/api/RunSpec.h"
#include "engine/inventory/Inventory.h"
#include "engine/runner/TargetFactory.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace hostdeck::engine {
class EngineClient;
class RunHandle;
class RunHistory;
} // namespace hostdeck::engine

namespace hostdeck::engine::api {

class ApiServer;

/// An inventory the API serves, by id.
struct ServedInventory
{
    QString id;
    QString path;
    Inventory inventory;
};

/// What a face gives the API: its engine, how it resolves targets, its inventories and its
/// history. Lives on the face's thread (the CLI's main thread, the GUI thread) with the engine
/// client; the server (on its own thread) asks it through queued calls.
struct ApiContext
{
    EngineClient* engine = nullptr;
    TargetSettings settings;
    /// The inventories, read at each request (the GUI's current one; the CLI's -i files).
    std::function<QList<ServedInventory>()> inventories;
    QString historyPath; ///< empty: no history; "default": RunHistory::defaultPath()
    /// Makes a recipe's plan; unset: RecipeSource::plan over RecipeSource::defaultDirs().
    std::function<Result<std::shared_ptr<const Plan>>(const QJsonValue& recipe,
                                                      const ToolCatalog& catalog)>
        recipePlan;
};

/// The API's side on the face thread: starts runs on the run service (targets through
/// TargetFactory, a CallPlan or a recipe plan), records them in the history, forwards their
/// events to the server, and answers inventory and history questions.
class ApiService final : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(ApiResponse)>;

    explicit ApiService(ApiContext context, QObject* parent = nullptr);
    ~ApiService() override;

    /// The server events and answers go to (null: none; set on this thread).
    void setServer(ApiServer* server) { m_server = server; }
    /// Asks the engine for the tool descriptions; the server gets them when they arrive.
    void describeTools();
    std::shared_ptr<const ToolCatalog> catalog() const { return m_catalog; }

    void startRun(const RunSpec& spec, const Done& done);
    void cancelRun(quint64 runId);
    void inventories(const Done& done);
    void inventoryHosts(const QString& id, const QString& pattern, const Done& done);
    void history(int limit, const Done& done);
    void historyRun(qint64 id, const Done& done);
    void rerun(qint64 id, const QJsonObject& body, const Done& done);

private:
    void onToolsDescribed(quint64 requestId, const QJsonArray& tools, const QString& error);
    std::variant<ServedInventory, ApiResponse> findInventory(const QString& id) const;
    void record(RunHandle* run);

    ApiContext m_context;
    ApiServer* m_server = nullptr;
    std::shared_ptr<const ToolCatalog> m_catalog;
    std::unique_ptr<RunHistory> m_history;
    QString m_historyProblem;
    quint64 m_describeId = 0;
    QHash<quint64, QPointer<RunHandle>> m_runs;
};

} // namespace hostdeck::engine::api
