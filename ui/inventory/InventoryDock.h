#pragma once

#include "engine/inventory/InventoryImport.h"
#include "engine/runner/TargetFactory.h"
#include "engine/util/Result.h"
#include "ui/inventory/HostState.h"
#include "ui/inventory/Membership.h"

#include <QDockWidget>
#include <QPointer>

#include <functional>
#include <memory>

class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QTreeView;

namespace hostdeck::engine {
class CredentialStore;
class Host;
class Inventory;
class RunHandle;
} // namespace hostdeck::engine

namespace hostdeck::ui {

class HostEditorDialog;
class ImportReportDialog;
class InventoryModel;
class Prompts;

/// The inventory dock: groups and hosts as a tree with per-host state, a pattern filter,
/// multi-selection that becomes the run's targets, open/save/new/import/recent, the host editor
/// (one host or several), the group editor (variables and keychain secrets), and group
/// membership by drag and drop or "Move/Copy to group". The local machine is always there as
/// `localhost`. Replacing or closing an inventory with unsaved changes asks first.
class InventoryDock : public QDockWidget
{
    Q_OBJECT
public:
    /// Starts a connection test of a target as its own run (the main window's run service).
    using ConnectionTester = std::function<engine::RunHandle*(const engine::HostTarget&)>;

    InventoryDock(Prompts* prompts, engine::CredentialStore* store, QWidget* parent = nullptr);
    ~InventoryDock() override;

    /// The hosts a pattern selects (Ansible semantics; `localhost` is the local machine unless
    /// the inventory defines it).
    engine::Result<engine::ResolvedTargets> resolve(const QString& pattern) const;
    /// How hosts become targets (the user's settings: interpreter, ssh_config, known_hosts).
    void setTargetSettings(const engine::TargetSettings& settings) { m_settings = settings; }
    void setConnectionTester(ConnectionTester tester) { m_tester = std::move(tester); }
    /// The selected hosts and groups as a pattern (`a:b:web`), empty when nothing is selected.
    QString selectionPattern() const;
    /// The distinct hosts selected (groups not expanded).
    QStringList selectedHosts() const;
    /// Selects these hosts in the tree (the first row of each), replacing the selection.
    void selectHosts(const QStringList& hosts);
    /// The group a new host goes into: the selected group, or the group of the selected host.
    QString currentGroup() const;
    QString inventoryPath() const { return m_path; }
    bool isModified() const { return m_modified; }
    QString displayName() const; ///< file name, or "untitled"
    QStringList recentFiles() const { return m_recent; }
    void setRecentFiles(const QStringList& files);

    engine::Status openFile(const QString& path);
    engine::Status saveFile(const QString& path);
    void newInventory();
    void setHostState(const QString& host, HostState state, const QString& message = {});
    /// `then(true)` when the inventory may be replaced or closed: unmodified, or the user saved
    /// it (then(false) if that failed) or threw the changes away; then(false) on Cancel.
    void guardUnsaved(std::function<void(bool)> then);
    /// Saves to the current file, or asks where when there is none; `done(true)` once saved.
    void save(bool as, std::function<void(bool)> done = {});

    /// Imports a file into the open inventory and shows the import report; a Reemote import's
    /// secrets go to the keychain under this inventory's id.
    void importFile(engine::ImportFormat format, const QString& path);
    ImportReportDialog* lastImportReport() const;
    /// Puts hosts into a group (or out of the one they are shown under, for ""), as a drop does.
    engine::Status moveHosts(const QList<Membership::HostRef>& hosts, const QString& group,
                             bool copy);
    /// Opens the host editor for the selected hosts (several: all of them at once).
    void editSelection();
    void addHost();
    void editGroup(const QString& group);
    HostEditorDialog* openHostEditor() const;

    /// The inventory being shown (for windows that need its hosts and variables).
    const engine::Inventory& inventory() const;
    /// The keychain store secrets of this inventory are written to.
    engine::CredentialStore* credentialStore() const;

    InventoryModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    QLineEdit* filterField() const { return m_filter; }
    QList<QAction*> fileActions() const { return m_fileActions; }
    QMenu* moveMenu() const { return m_moveMenu; }
    QMenu* copyMenu() const { return m_copyMenu; }

signals:
    void selectionPatternChanged(const QString& pattern);
    void inventoryChanged();
    void modifiedChanged(bool modified);
    void testConnectionRequested(const hostdeck::engine::HostTarget& host);
    void statusMessage(const QString& message);

private:
    void buildActions();
    QAction* addAction(const QString& name, const QString& text, QKeySequence shortcut,
                       std::function<void()> slot);
    void testHost(const engine::Host& host, QPointer<HostEditorDialog> dialog);
    void testCurrent();
    void open();
    void importAs(engine::ImportFormat format);
    void addGroup();
    void editCurrent();
    void removeCurrent();
    void removeFromGroup();
    void rebuildGroupMenus();
    void applyHostEdits(HostEditorDialog* dialog, const QStringList& originalNames);
    void storeSecrets(const QString& target,
                      std::map<engine::CredentialKind, engine::SecretBuffer> secrets);
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    void setModified(bool modified);
    void refreshTree();
    QStringList groupNames() const;

    struct Data;
    std::unique_ptr<Data>
        m_data; ///< the engine inventory + credential store (kept out of this header)
    Prompts* m_prompts;
    InventoryModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTreeView* m_view;
    QLineEdit* m_filter;
    QMenu* m_recentMenu;
    QMenu* m_importMenu;
    QMenu* m_moveMenu;
    QMenu* m_copyMenu;
    QList<QAction*> m_fileActions;
    QString m_path;
    QStringList m_recent;
    bool m_modified = false;
    engine::TargetSettings m_settings;
    ConnectionTester m_tester;
    QPointer<ImportReportDialog> m_report;
    QPointer<HostEditorDialog> m_hostEditor;
};

} // namespace hostdeck::ui
