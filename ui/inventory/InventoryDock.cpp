#include "ui/inventory/InventoryDock.h"

#include "engine/inventory/CredentialStore.h"
#include "engine/inventory/HostPattern.h"
#include "engine/inventory/InventoryFile.h"
#include "ui/inventory/InventoryDockData.h"
#include "ui/inventory/InventoryModel.h"
#include "ui/prompts/Prompts.h"

#include <QAction>
#include <QFileInfo>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace hostdeck::ui {

using engine::Inventory;

const engine::Inventory& InventoryDock::inventory() const
{
    return m_data->inventory;
}

engine::CredentialStore* InventoryDock::credentialStore() const
{
    return m_data->store;
}

InventoryDock::InventoryDock(Prompts* prompts, engine::CredentialStore* store, QWidget* parent)
    : QDockWidget(tr("Inventory"), parent), m_data(std::make_unique<Data>()), m_prompts(prompts),
      m_model(new InventoryModel(this)), m_proxy(new QSortFilterProxyModel(this)),
      m_view(new QTreeView(this)), m_filter(new QLineEdit(this)),
      m_recentMenu(new QMenu(tr("Open &recent"), this)),
      m_importMenu(new QMenu(tr("&Import hosts"), this)),
      m_moveMenu(new QMenu(tr("&Move to group"), this)),
      m_copyMenu(new QMenu(tr("&Copy to group"), this))
{
    m_data->store = store;
    m_model->setInventory(&m_data->inventory);
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterRole(InventoryModel::NameRole);
    m_view->setModel(m_proxy);
    m_view->setObjectName(QStringLiteral("inventoryTree"));
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setUniformRowHeights(true);
    // Hosts are dragged onto groups (Ctrl: copy, else move).
    m_view->setDragEnabled(true);
    m_view->setAcceptDrops(true);
    m_view->setDropIndicatorShown(true);
    m_view->setDragDropMode(QAbstractItemView::DragDrop);
    m_view->setDefaultDropAction(Qt::MoveAction);
    // Not ResizeToContents: that re-measures every row on every state change of every host.
    m_view->header()->resizeSection(InventoryModel::NameColumn, 200);
    m_view->expandAll();
    m_filter->setPlaceholderText(tr("Filter: name or pattern (web*, db:&prod)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setObjectName(QStringLiteral("inventoryFilter"));
    m_moveMenu->setObjectName(QStringLiteral("moveToGroupMenu"));
    m_copyMenu->setObjectName(QStringLiteral("copyToGroupMenu"));

    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* toolbar = new QToolBar(body);
    layout->addWidget(toolbar);
    layout->addWidget(m_filter);
    layout->addWidget(m_view);
    setWidget(body);
    buildActions();
    for (QAction* action : m_view->actions()) {
        if (!action->isSeparator() && !action->menu())
            toolbar->addAction(action);
    }

    // The filter accepts host patterns: what the pattern selects stays visible (with its groups).
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        const engine::PatternMatch match = engine::HostPattern::resolve(m_data->inventory, text);
        QStringList names = match.hosts;
        for (const QString& term : engine::HostPattern::splitTerms(text))
            names << term;
        QStringList escaped;
        for (const QString& name : std::as_const(names))
            escaped << QRegularExpression::escape(name);
        const bool glob = text.contains(QLatin1Char('*')) && match.hosts.isEmpty();
        if (text.trimmed().isEmpty())
            m_proxy->setFilterRegularExpression(QString());
        else if (glob)
            m_proxy->setFilterWildcard(text);
        else
            m_proxy->setFilterRegularExpression(
                QRegularExpression(QStringLiteral("^(%1)$").arg(escaped.join(QLatin1Char('|')))));
        m_view->expandAll();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { emit selectionPatternChanged(selectionPattern()); });
    connect(m_view, &QTreeView::activated, this, &InventoryDock::editCurrent);
    // A drop is applied after the drag ends (the view is still inside it when the model says).
    connect(m_model, &InventoryModel::hostsDropped, this,
            [this](const QList<Membership::HostRef>& hosts, const QString& group, bool copy) {
                QMetaObject::invokeMethod(
                    this,
                    [this, hosts, group, copy] {
                        if (engine::Status moved = moveHosts(hosts, group, copy); !moved)
                            m_prompts->inform(tr("Cannot change the groups"), moved.error().message,
                                              true);
                    },
                    Qt::QueuedConnection);
            });
    setModified(false);
}

InventoryDock::~InventoryDock() = default;

QAction* InventoryDock::addAction(const QString& name, const QString& text, QKeySequence shortcut,
                                  std::function<void()> slot)
{
    auto* action = new QAction(text, this);
    action->setObjectName(name);
    action->setShortcut(shortcut);
    connect(action, &QAction::triggered, this, std::move(slot));
    return action;
}

void InventoryDock::buildActions()
{
    QAction* newAction = addAction(QStringLiteral("newInventoryAction"), tr("&New inventory"),
                                   QKeySequence::New, [this] {
                                       guardUnsaved([this](bool proceed) {
                                           if (proceed)
                                               newInventory();
                                       });
                                   });
    QAction* openAction = addAction(QStringLiteral("openInventoryAction"), tr("&Open inventory…"),
                                    QKeySequence::Open, [this] { open(); });
    QAction* saveAction = addAction(QStringLiteral("saveInventoryAction"), tr("&Save inventory"),
                                    QKeySequence::Save, [this] { save(false); });
    QAction* saveAsAction =
        addAction(QStringLiteral("saveInventoryAsAction"), tr("Save inventory &as…"),
                  QKeySequence::SaveAs, [this] { save(true); });
    m_importMenu->setObjectName(QStringLiteral("importMenu"));
    m_importMenu->addAction(addAction(
        QStringLiteral("importSshConfigAction"), tr("From an &ssh config…"),
        QKeySequence(Qt::CTRL | Qt::Key_I), [this] { importAs(engine::ImportFormat::SshConfig); }));
    m_importMenu->addAction(addAction(QStringLiteral("importAnsibleAction"),
                                      tr("From an &Ansible inventory (YAML or INI)…"), {},
                                      [this] { importAs(engine::ImportFormat::AnsibleYaml); }));
    m_importMenu->addAction(addAction(QStringLiteral("importReemoteAction"),
                                      tr("From a &Reemote inventory (JSON)…"), {},
                                      [this] { importAs(engine::ImportFormat::Reemote); }));
    m_fileActions = {newAction,  openAction,   m_recentMenu->menuAction(),
                     saveAction, saveAsAction, m_importMenu->menuAction()};

    const QList<QAction*> treeActions{
        addAction(QStringLiteral("addHostAction"), tr("Add host"),
                  QKeySequence(Qt::CTRL | Qt::Key_H), [this] { addHost(); }),
        addAction(QStringLiteral("addGroupAction"), tr("Add group"),
                  QKeySequence(Qt::CTRL | Qt::Key_G), [this] { addGroup(); }),
        addAction(QStringLiteral("editAction"), tr("Edit"), QKeySequence(Qt::Key_F2),
                  [this] { editCurrent(); }),
        addAction(QStringLiteral("removeAction"), tr("Remove"), QKeySequence::Delete,
                  [this] { removeCurrent(); }),
        // Ctrl+T is the template editor's; a connection test is Ctrl+Shift+T.
        addAction(QStringLiteral("testConnectionAction"), tr("Test connection"),
                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T), [this] { testCurrent(); }),
    };
    for (QAction* action : treeActions) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_view->addAction(action);
    }
    auto* separator = new QAction(this);
    separator->setSeparator(true);
    m_view->addAction(separator);
    m_view->addAction(m_moveMenu->menuAction());
    m_view->addAction(m_copyMenu->menuAction());
    QAction* ungroup = addAction(QStringLiteral("removeFromGroupAction"),
                                 tr("Remove from this group"), {}, [this] { removeFromGroup(); });
    m_view->addAction(ungroup);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_moveMenu, &QMenu::aboutToShow, this, &InventoryDock::rebuildGroupMenus);
    connect(m_copyMenu, &QMenu::aboutToShow, this, &InventoryDock::rebuildGroupMenus);
    connect(this, &InventoryDock::inventoryChanged, this, &InventoryDock::rebuildGroupMenus);
    rebuildRecentMenu();
    rebuildGroupMenus();
}

engine::Result<engine::ResolvedTargets> InventoryDock::resolve(const QString& pattern) const
{
    if (pattern.trimmed().isEmpty())
        return engine::makeError(engine::ErrorKind::Usage,
                                 tr("no targets: type a host pattern or select hosts"));
    return engine::TargetFactory::resolve(m_data->inventory, pattern, m_settings);
}

QString InventoryDock::selectionPattern() const
{
    QStringList names;
    for (const QModelIndex& index :
         m_view->selectionModel()->selectedRows(InventoryModel::NameColumn)) {
        const QString name = index.data(InventoryModel::NameRole).toString();
        if (!names.contains(name))
            names << name;
    }
    return names.join(QLatin1Char(':'));
}

QStringList InventoryDock::selectedHosts() const
{
    QStringList hosts;
    for (const QModelIndex& index :
         m_view->selectionModel()->selectedRows(InventoryModel::NameColumn)) {
        const auto kind = InventoryModel::NodeKind(index.data(InventoryModel::KindRole).toInt());
        const QString name = index.data(InventoryModel::NameRole).toString();
        if (kind == InventoryModel::NodeKind::Host && !hosts.contains(name))
            hosts << name;
    }
    return hosts;
}

void InventoryDock::selectHosts(const QStringList& hosts)
{
    m_filter->clear();
    m_view->expandAll();
    QItemSelection selection;
    QModelIndex first;
    for (const QString& host : hosts) {
        const QModelIndex index = m_proxy->mapFromSource(m_model->findHost(host));
        if (!index.isValid())
            continue;
        selection.select(index, index.siblingAtColumn(InventoryModel::ColumnCount - 1));
        if (!first.isValid())
            first = index;
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (first.isValid())
        m_view->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
}

QString InventoryDock::currentGroup() const
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid() || !m_view->selectionModel()->isSelected(index))
        return {};
    const auto kind = InventoryModel::NodeKind(index.data(InventoryModel::KindRole).toInt());
    return kind == InventoryModel::NodeKind::Group
               ? index.data(InventoryModel::NameRole).toString()
               : index.data(InventoryModel::ParentGroupRole).toString();
}

QString InventoryDock::displayName() const
{
    return m_path.isEmpty() ? tr("untitled") : QFileInfo(m_path).fileName();
}

void InventoryDock::setRecentFiles(const QStringList& files)
{
    m_recent = files;
    rebuildRecentMenu();
}

engine::Status InventoryDock::openFile(const QString& path)
{
    auto loaded = engine::InventoryFile::load(path);
    if (!loaded)
        return loaded.error();
    m_data->inventory = std::move(*loaded);
    m_data->inventory.ensureId();
    m_path = QFileInfo(path).absoluteFilePath();
    refreshTree();
    rememberRecent(m_path);
    setModified(false);
    emit inventoryChanged();
    return engine::Ok{};
}

engine::Status InventoryDock::saveFile(const QString& path)
{
    m_data->inventory.ensureId();
    if (engine::Status saved = engine::InventoryFile::save(m_data->inventory, path); !saved)
        return saved;
    m_path = QFileInfo(path).absoluteFilePath();
    rememberRecent(m_path);
    setModified(false);
    return engine::Ok{};
}

void InventoryDock::newInventory()
{
    m_data->inventory = Inventory();
    m_data->inventory.ensureId();
    m_path.clear();
    refreshTree();
    setModified(false);
    emit inventoryChanged();
}

void InventoryDock::setHostState(const QString& host, HostState state, const QString& message)
{
    m_model->setHostState(host, state, message);
}

void InventoryDock::guardUnsaved(std::function<void(bool)> then)
{
    if (!m_modified) {
        then(true);
        return;
    }
    m_prompts->askUnsaved(tr("Unsaved inventory"),
                          tr("The inventory %1 has unsaved changes. Save them?").arg(displayName()),
                          this, [this, then](Prompts::Unsaved answer) {
                              switch (answer) {
                              case Prompts::Unsaved::Save:
                                  save(false, then);
                                  return;
                              case Prompts::Unsaved::Discard:
                                  then(true);
                                  return;
                              case Prompts::Unsaved::Cancel:
                                  then(false);
                                  return;
                              }
                          });
}

void InventoryDock::open()
{
    guardUnsaved([this](bool proceed) {
        if (!proceed)
            return;
        m_prompts->askOpenFile(
            tr("Open inventory"), tr("Inventories (*.yml *.yaml *.ini);;All files (*)"), this,
            [this](const QString& path) {
                if (path.isEmpty())
                    return;
                if (engine::Status opened = openFile(path); !opened)
                    m_prompts->inform(tr("Cannot open inventory"), opened.error().message, true);
            });
    });
}

void InventoryDock::save(bool as, std::function<void(bool)> done)
{
    auto finish = [this, done](const engine::Status& saved) {
        if (!saved)
            m_prompts->inform(tr("Cannot save inventory"), saved.error().message, true);
        else
            emit statusMessage(tr("Saved %1").arg(m_path));
        if (done)
            done(saved.ok());
    };
    if (!as && !m_path.isEmpty())
        return finish(saveFile(m_path));
    m_prompts->askSaveFile(
        tr("Save inventory"), m_path.isEmpty() ? QStringLiteral("inventory.yml") : m_path,
        tr("Inventories (*.yml *.yaml)"), this, [this, done, finish](const QString& path) {
            if (path.isEmpty()) {
                if (done)
                    done(false);
                return;
            }
            finish(saveFile(path));
        });
}

void InventoryDock::rememberRecent(const QString& path)
{
    m_recent.removeAll(path);
    m_recent.prepend(path);
    while (m_recent.size() > 8)
        m_recent.removeLast();
    rebuildRecentMenu();
}

void InventoryDock::rebuildRecentMenu()
{
    m_recentMenu->clear();
    for (const QString& path : std::as_const(m_recent)) {
        m_recentMenu->addAction(path, this, [this, path] {
            guardUnsaved([this, path](bool proceed) {
                if (!proceed)
                    return;
                if (engine::Status opened = openFile(path); !opened)
                    m_prompts->inform(tr("Cannot open inventory"), opened.error().message, true);
            });
        });
    }
    m_recentMenu->setEnabled(!m_recent.isEmpty());
}

void InventoryDock::setModified(bool modified)
{
    const bool changed = modified != m_modified;
    m_modified = modified;
    setWindowTitle(
        tr("Inventory — %1%2").arg(displayName(), modified ? QStringLiteral(" *") : QString()));
    if (changed)
        emit modifiedChanged(modified);
}

void InventoryDock::refreshTree()
{
    m_model->setInventory(&m_data->inventory);
    m_view->expandAll();
}

QStringList InventoryDock::groupNames() const
{
    QStringList groups;
    for (const engine::Group& group : m_data->inventory.groups()) {
        if (group.name != Inventory::allGroup() && group.name != Inventory::ungroupedGroup())
            groups << group.name;
    }
    return groups;
}

} // namespace hostdeck::ui
