#include "inventory/InventoryDock.h"

#include "inventory/CredentialStore.h"
#include "inventory/HostEditorDialog.h"
#include "inventory/HostPattern.h"
#include "inventory/InventoryFile.h"
#include "inventory/InventoryImport.h"
#include "inventory/InventoryModel.h"
#include "inventory/VariablesTable.h"
#include "prompts/Prompts.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
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

struct InventoryDock::Data
{
    Inventory inventory;
    engine::CredentialStore* store = nullptr;
};

const engine::Inventory& InventoryDock::inventory() const
{
    return m_data->inventory;
}

engine::CredentialStore* InventoryDock::credentialStore() const
{
    return m_data->store;
}

void InventoryDock::emitTest(const engine::Host& host)
{
    // The host as edited (maybe not saved yet), resolved exactly as a run would resolve it.
    Inventory copy = m_data->inventory;
    if (copy.hasHost(host.name())) {
        if (engine::Host* existing = copy.host(host.name()))
            *existing = host;
    } else {
        copy.addHost(host);
    }
    engine::Result<engine::HostTarget> target =
        engine::TargetFactory::forHost(copy, host.name(), m_settings);
    if (!target) {
        m_prompts->inform(tr("Cannot test %1").arg(host.name()), target.error().message, true);
        return;
    }
    emit testConnectionRequested(*target);
}

InventoryDock::InventoryDock(Prompts* prompts, engine::CredentialStore* store, QWidget* parent)
    : QDockWidget(tr("Inventory"), parent), m_data(std::make_unique<Data>()), m_prompts(prompts),
      m_model(new InventoryModel(this)), m_proxy(new QSortFilterProxyModel(this)),
      m_view(new QTreeView(this)), m_filter(new QLineEdit(this)),
      m_recentMenu(new QMenu(tr("Open &recent"), this))
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
    // Not ResizeToContents: that re-measures every row on every state change of every host.
    m_view->header()->resizeSection(InventoryModel::NameColumn, 200);
    m_view->expandAll();
    m_filter->setPlaceholderText(tr("Filter: name or pattern (web*, db:&prod)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setObjectName(QStringLiteral("inventoryFilter"));

    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* toolbar = new QToolBar(body);
    layout->addWidget(toolbar);
    layout->addWidget(m_filter);
    layout->addWidget(m_view);
    setWidget(body);
    buildActions();
    for (QAction* action : m_view->actions())
        toolbar->addAction(action);

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
}

InventoryDock::~InventoryDock() = default;

void InventoryDock::buildActions()
{
    auto add = [this](const QString& text, QKeySequence shortcut, void (InventoryDock::*slot)()) {
        auto* action = new QAction(text, this);
        action->setShortcut(shortcut);
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    QAction* newAction = add(tr("&New inventory"), QKeySequence::New, &InventoryDock::newInventory);
    QAction* openAction = add(tr("&Open inventory…"), QKeySequence::Open, &InventoryDock::open);
    QAction* saveAction = new QAction(tr("&Save inventory"), this);
    saveAction->setShortcut(QKeySequence::Save);
    connect(saveAction, &QAction::triggered, this, [this] { save(false); });
    QAction* saveAsAction = new QAction(tr("Save inventory &as…"), this);
    saveAsAction->setShortcut(QKeySequence::SaveAs);
    connect(saveAsAction, &QAction::triggered, this, [this] { save(true); });
    QAction* importAction =
        add(tr("&Import hosts…"), QKeySequence(Qt::CTRL | Qt::Key_I), &InventoryDock::import);
    m_fileActions = {newAction,  openAction,   m_recentMenu->menuAction(),
                     saveAction, saveAsAction, importAction};

    QAction* addHostAction =
        add(tr("Add host"), QKeySequence(Qt::CTRL | Qt::Key_H), &InventoryDock::addHost);
    QAction* addGroupAction =
        add(tr("Add group"), QKeySequence(Qt::CTRL | Qt::Key_G), &InventoryDock::addGroup);
    QAction* editAction = add(tr("Edit"), QKeySequence(Qt::Key_F2), &InventoryDock::editCurrent);
    QAction* removeAction = add(tr("Remove"), QKeySequence::Delete, &InventoryDock::removeCurrent);
    QAction* testAction = new QAction(tr("Test connection"), this);
    testAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(testAction, &QAction::triggered, this, [this] {
        const QModelIndex index = m_proxy->mapToSource(m_view->currentIndex());
        if (!index.isValid() ||
            InventoryModel::NodeKind(index.data(InventoryModel::KindRole).toInt()) ==
                InventoryModel::NodeKind::Group)
            return;
        if (auto resolved = resolve(index.data(InventoryModel::NameRole).toString());
            resolved && !resolved->hosts.isEmpty())
            emit testConnectionRequested(resolved->hosts.constFirst());
        else if (!resolved)
            m_prompts->inform(tr("Cannot test"), resolved.error().message, true);
    });
    for (QAction* action : {addHostAction, addGroupAction, editAction, removeAction, testAction}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_view->addAction(action);
    }
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    rebuildRecentMenu();
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
    m_model->setInventory(&m_data->inventory);
    m_view->expandAll();
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
    m_model->setInventory(&m_data->inventory);
    setModified(false);
    emit inventoryChanged();
}

void InventoryDock::setHostState(const QString& host, HostState state, const QString& message)
{
    m_model->setHostState(host, state, message);
}

void InventoryDock::open()
{
    m_prompts->askOpenFile(tr("Open inventory"), tr("Inventories (*.yml *.yaml);;All files (*)"),
                           this, [this](const QString& path) {
                               if (path.isEmpty())
                                   return;
                               if (engine::Status opened = openFile(path); !opened)
                                   m_prompts->inform(tr("Cannot open inventory"),
                                                     opened.error().message, true);
                           });
}

void InventoryDock::save(bool as)
{
    if (!as && !m_path.isEmpty()) {
        if (engine::Status saved = saveFile(m_path); !saved)
            m_prompts->inform(tr("Cannot save inventory"), saved.error().message, true);
        return;
    }
    m_prompts->askSaveFile(
        tr("Save inventory"), m_path.isEmpty() ? QStringLiteral("inventory.yml") : m_path,
        tr("Inventories (*.yml *.yaml)"), this, [this](const QString& path) {
            if (path.isEmpty())
                return;
            if (engine::Status saved = saveFile(path); !saved)
                m_prompts->inform(tr("Cannot save inventory"), saved.error().message, true);
        });
}

void InventoryDock::import()
{
    m_prompts->askOpenFile(
        tr("Import hosts from an ssh config or an Ansible inventory"),
        tr("All files (*);;Ansible YAML (*.yml *.yaml);;Ansible INI (*.ini *.cfg hosts)"), this,
        [this](const QString& path) {
            if (path.isEmpty())
                return;
            const QString base = QFileInfo(path).fileName();
            const engine::ImportFormat format =
                base.endsWith(QStringLiteral(".yml")) || base.endsWith(QStringLiteral(".yaml"))
                    ? engine::ImportFormat::AnsibleYaml
                : base == QStringLiteral("config") || base.contains(QStringLiteral("ssh"))
                    ? engine::ImportFormat::SshConfig
                    : engine::ImportFormat::AnsibleIni;
            auto imported = engine::InventoryImport::importFile(format, path);
            if (!imported) {
                m_prompts->inform(tr("Import failed"), imported.error().message, true);
                return;
            }
            int added = 0;
            for (const engine::Host& host : imported->inventory.hosts()) {
                const QStringList groups = imported->inventory.groupsOf(host.name());
                QString group = Inventory::allGroup();
                for (const QString& g : groups) {
                    if (g != Inventory::allGroup() && g != Inventory::ungroupedGroup())
                        group = g;
                }
                m_data->inventory.addHost(host, group);
                if (group != Inventory::allGroup())
                    (void)m_data->inventory.addChild(Inventory::allGroup(), group);
                ++added;
            }
            // Group variables ([group:vars]) and nesting come along; what is here already wins.
            for (const engine::Group& importedGroup : imported->inventory.groups()) {
                if (importedGroup.name == Inventory::ungroupedGroup())
                    continue;
                engine::Group& mine = m_data->inventory.ensureGroup(importedGroup.name);
                for (auto it = importedGroup.vars.cbegin(); it != importedGroup.vars.cend(); ++it)
                    mine.vars.insert(it.key(), mine.vars.value(it.key(), it.value()));
                for (const QString& child : importedGroup.children)
                    (void)m_data->inventory.addChild(importedGroup.name, child);
            }
            m_model->setInventory(&m_data->inventory);
            m_view->expandAll();
            setModified(true);
            emit inventoryChanged();
            QStringList issues;
            for (const engine::ImportIssue& issue : imported->issues)
                issues << issue.toString();
            emit statusMessage(tr("Imported %n host(s) from %1", nullptr, added).arg(path));
            if (!issues.isEmpty())
                m_prompts->inform(tr("Import notes"),
                                  tr("Not imported:\n%1").arg(issues.join(QLatin1Char('\n'))));
        });
}

void InventoryDock::addHost()
{
    QStringList groups{Inventory::allGroup()};
    for (const engine::Group& group : m_data->inventory.groups()) {
        if (group.name != Inventory::allGroup() && group.name != Inventory::ungroupedGroup())
            groups << group.name;
    }
    auto* dialog = new HostEditorDialog(engine::Host(), groups, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &HostEditorDialog::testRequested, this,
            [this](const engine::Host& host) { emitTest(host); });
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const engine::Host host = dialog->host();
        if (m_data->inventory.hasHost(host.name())) {
            m_prompts->inform(tr("Host exists"),
                              tr("There is already a host called %1.").arg(host.name()), true);
            return;
        }
        m_data->inventory.ensureId();
        m_data->inventory.addHost(host, dialog->group());
        if (dialog->group() != Inventory::allGroup())
            (void)m_data->inventory.addChild(Inventory::allGroup(), dialog->group());
        for (auto& [secretKind, secret] : dialog->takeSecrets()) {
            m_data->store->store(m_data->inventory.id(), host.name(), secretKind, std::move(secret),
                                 this, [this](engine::Status stored) {
                                     emit statusMessage(stored ? tr("Secret stored in the keychain")
                                                               : stored.error().message);
                                 });
        }
        m_model->setInventory(&m_data->inventory);
        m_view->expandAll();
        setModified(true);
        emit inventoryChanged();
    });
    dialog->open();
}

void InventoryDock::addGroup()
{
    m_prompts->askText(tr("Add group"), tr("Group name:"), this, [this](const QString& name) {
        if (name.isEmpty() || m_data->inventory.hasGroup(name))
            return;
        m_data->inventory.ensureGroup(name);
        (void)m_data->inventory.addChild(Inventory::allGroup(), name);
        m_model->setInventory(&m_data->inventory);
        m_view->expandAll();
        setModified(true);
        emit inventoryChanged();
    });
}

void InventoryDock::editCurrent()
{
    const QModelIndex index = m_proxy->mapToSource(m_view->currentIndex());
    const QString name = index.data(InventoryModel::NameRole).toString();
    const auto kind = InventoryModel::NodeKind(index.data(InventoryModel::KindRole).toInt());
    if (!index.isValid() || kind == InventoryModel::NodeKind::Local)
        return;
    if (kind == InventoryModel::NodeKind::Group) {
        auto* dialog = new QDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowTitle(tr("Group %1").arg(name));
        auto* vars = new VariablesTable(dialog);
        vars->setVariables(m_data->inventory.group(name)->vars);
        auto* buttons =
            new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
        auto* layout = new QVBoxLayout(dialog);
        layout->addWidget(vars);
        layout->addWidget(buttons);
        connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
        connect(dialog, &QDialog::accepted, this, [this, name, vars] {
            if (engine::Group* group = m_data->inventory.group(name)) {
                group->vars = vars->variables();
                setModified(true);
                emit inventoryChanged();
            }
        });
        dialog->open();
        return;
    }
    const engine::Host* host = m_data->inventory.host(name);
    if (!host)
        return;
    auto* dialog = new HostEditorDialog(*host, {}, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &HostEditorDialog::testRequested, this,
            [this](const engine::Host& edited) { emitTest(edited); });
    connect(dialog, &QDialog::accepted, this, [this, dialog, name] {
        const engine::Host edited = dialog->host();
        if (edited.name() != name) {
            if (engine::Status renamed = m_data->inventory.renameHost(name, edited.name());
                !renamed) {
                m_prompts->inform(tr("Cannot rename"), renamed.error().message, true);
                return;
            }
            m_data->store->renameTarget(m_data->inventory.id(), name, edited.name(), this,
                                        [](engine::Status) {});
        }
        if (engine::Host* target = m_data->inventory.host(edited.name()))
            *target = edited;
        for (auto& [secretKind, secret] : dialog->takeSecrets())
            m_data->store->store(m_data->inventory.id(), edited.name(), secretKind,
                                 std::move(secret), this, [this](engine::Status stored) {
                                     emit statusMessage(stored ? tr("Secret stored in the keychain")
                                                               : stored.error().message);
                                 });
        m_model->setInventory(&m_data->inventory);
        m_view->expandAll();
        setModified(true);
        emit inventoryChanged();
    });
    dialog->open();
}

void InventoryDock::removeCurrent()
{
    const QModelIndex index = m_proxy->mapToSource(m_view->currentIndex());
    const QString name = index.data(InventoryModel::NameRole).toString();
    const auto kind = InventoryModel::NodeKind(index.data(InventoryModel::KindRole).toInt());
    if (!index.isValid() || kind == InventoryModel::NodeKind::Local)
        return;
    m_prompts->confirm(
        tr("Remove"), tr("Remove %1 and its stored secrets?").arg(name), this,
        [this, name, kind](bool yes) {
            if (!yes)
                return;
            const engine::Status removed = kind == InventoryModel::NodeKind::Group
                                               ? m_data->inventory.removeGroup(name)
                                               : m_data->inventory.removeHost(name);
            if (!removed)
                return m_prompts->inform(tr("Cannot remove"), removed.error().message, true);
            m_data->store->removeTarget(m_data->inventory.id(), name, this, [](engine::Status) {});
            m_model->setInventory(&m_data->inventory);
            m_view->expandAll();
            setModified(true);
            emit inventoryChanged();
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
            if (engine::Status opened = openFile(path); !opened)
                m_prompts->inform(tr("Cannot open inventory"), opened.error().message, true);
        });
    }
    m_recentMenu->setEnabled(!m_recent.isEmpty());
}

void InventoryDock::setModified(bool modified)
{
    m_modified = modified;
    const QString name = m_path.isEmpty() ? tr("untitled") : QFileInfo(m_path).fileName();
    setWindowTitle(tr("Inventory — %1%2").arg(name, modified ? QStringLiteral(" *") : QString()));
}

} // namespace hostdeck::ui
