#pragma once

#include "inventory/HostState.h"
#include "runner/TargetFactory.h"
#include "util/Result.h"

#include <QDockWidget>

#include <memory>

class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QTreeView;

namespace hostdeck::engine {
class CredentialStore;
class Host;
class Inventory;
} // namespace hostdeck::engine

namespace hostdeck::ui {

class InventoryModel;
class Prompts;

/// The inventory dock: groups and hosts as a tree with per-host state, a pattern filter,
/// multi-selection that becomes the run's targets, open/save/new/import/recent, and the host
/// and group editors. The local machine is always there as `localhost`.
class InventoryDock : public QDockWidget
{
    Q_OBJECT
public:
    InventoryDock(Prompts* prompts, engine::CredentialStore* store, QWidget* parent = nullptr);
    ~InventoryDock() override;

    /// The hosts a pattern selects (Ansible semantics; `localhost` is the local machine unless
    /// the inventory defines it).
    engine::Result<engine::ResolvedTargets> resolve(const QString& pattern) const;
    /// How hosts become targets (the user's settings: interpreter, ssh_config, known_hosts).
    void setTargetSettings(const engine::TargetSettings& settings) { m_settings = settings; }
    /// The selected hosts and groups as a pattern (`a:b:web`), empty when nothing is selected.
    QString selectionPattern() const;
    QString inventoryPath() const { return m_path; }
    bool isModified() const { return m_modified; }
    QStringList recentFiles() const { return m_recent; }
    void setRecentFiles(const QStringList& files);

    engine::Status openFile(const QString& path);
    engine::Status saveFile(const QString& path);
    void newInventory();
    void setHostState(const QString& host, HostState state, const QString& message = {});

    /// The inventory being shown (for windows that need its hosts and variables).
    const engine::Inventory& inventory() const;
    /// The keychain store secrets of this inventory are written to.
    engine::CredentialStore* credentialStore() const;

    InventoryModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    QLineEdit* filterField() const { return m_filter; }
    QList<QAction*> fileActions() const { return m_fileActions; }

signals:
    void selectionPatternChanged(const QString& pattern);
    void inventoryChanged();
    void testConnectionRequested(const hostdeck::engine::HostTarget& host);
    void statusMessage(const QString& message);

private:
    void buildActions();
    void emitTest(const engine::Host& host);
    void open();
    void save(bool as);
    void import();
    void addHost();
    void addGroup();
    void editCurrent();
    void removeCurrent();
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    void setModified(bool modified);

    struct Data;
    std::unique_ptr<Data>
        m_data; ///< the engine inventory + credential store (kept out of this header)
    Prompts* m_prompts;
    InventoryModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTreeView* m_view;
    QLineEdit* m_filter;
    QMenu* m_recentMenu;
    QList<QAction*> m_fileActions;
    QString m_path;
    QStringList m_recent;
    bool m_modified = false;
    engine::TargetSettings m_settings;
};

} // namespace hostdeck::ui
