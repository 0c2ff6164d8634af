#pragma once

#include <QObject>

class QAction;

namespace hostdeck::engine::api {
class ApiHost;
}

namespace hostdeck::ui {

class AppServices;
class InventoryDock;
class Prompts;

/// Tools > Serve REST API: a checkable action (off by default) that serves the REST API
/// (engine/api) from the running app, so scripts see the same inventory, session pool and
/// history as the window. Unknown host keys of API runs are asked with the app's own dialog.
class ApiToggle final : public QObject
{
    Q_OBJECT
public:
    ApiToggle(AppServices& services, InventoryDock* inventory, QString historyPath,
              Prompts* prompts, QObject* parent);
    ~ApiToggle() override;

    QAction* action() const { return m_action; }
    engine::api::ApiHost* host() const { return m_host; }

signals:
    void statusMessage(const QString& message);

private:
    void setServing(bool on);

    AppServices& m_services;
    InventoryDock* m_inventory;
    QString m_historyPath;
    Prompts* m_prompts;
    QAction* m_action;
    engine::api::ApiHost* m_host = nullptr;
};

} // namespace hostdeck::ui
