#include "ui/api/ApiToggle.h"

#include "engine/api/ApiHost.h"
#include "ui/AppServices.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/prompts/Prompts.h"

#include <QAction>
#include <QFileInfo>

namespace hostdeck::ui {

ApiToggle::ApiToggle(AppServices& services, InventoryDock* inventory, QString historyPath,
                     Prompts* prompts, QObject* parent)
    : QObject(parent), m_services(services), m_inventory(inventory),
      m_historyPath(std::move(historyPath)), m_prompts(prompts),
      m_action(new QAction(tr("Serve &REST API"), this))
{
    m_action->setObjectName(QStringLiteral("serveApiAction"));
    m_action->setCheckable(true);
    m_action->setChecked(false);
    m_action->setToolTip(tr("Serve the local REST API (127.0.0.1 only, token in "
                            "$XDG_RUNTIME_DIR/hostdeck/api.json) from this window's inventory, "
                            "connections and history"));
    connect(m_action, &QAction::toggled, this, &ApiToggle::setServing);
}

ApiToggle::~ApiToggle()
{
    delete m_host; // stops the server thread and removes the token file
}

void ApiToggle::setServing(bool on)
{
    if (!on) {
        delete m_host;
        m_host = nullptr;
        emit statusMessage(tr("REST API stopped"));
        return;
    }
    if (m_host)
        return;
    engine::api::ApiContext context;
    context.engine = m_services.engine();
    context.settings = m_services.targetSettings();
    context.historyPath = m_historyPath.isEmpty() ? QStringLiteral("default") : m_historyPath;
    // The inventory the window shows now, read at each request.
    QPointer<InventoryDock> dock = m_inventory;
    context.inventories = [dock] {
        QList<engine::api::ServedInventory> served;
        if (dock) {
            const QString path = dock->inventoryPath();
            served << engine::api::ServedInventory{
                path.isEmpty() ? QStringLiteral("current") : QFileInfo(path).completeBaseName(),
                path, dock->inventory()};
        }
        return served;
    };
    m_host = new engine::api::ApiHost(std::move(context));
    connect(m_host, &engine::api::ApiHost::started, this,
            [this](const QString& url, const QString& tokenFile) {
                emit statusMessage(
                    tr("Serving the REST API on %1 (token in %2)").arg(url, tokenFile));
            });
    engine::api::ApiHost::Options options;
    options.version = QStringLiteral(HOSTDECK_VERSION);
    auto retried = std::make_shared<bool>(false);
    connect(m_host, &engine::api::ApiHost::failed, this,
            [this, options, retried](const QString& message) {
                if (!*retried) { // the usual port is taken (another server?): any free one
                    *retried = true;
                    auto any = options;
                    any.port = 0;
                    m_host->start(any);
                    return;
                }
                m_prompts->inform(tr("REST API"), message, true);
                m_action->setChecked(false);
            });
    m_host->start(options);
}

} // namespace hostdeck::ui
