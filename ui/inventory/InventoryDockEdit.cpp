// The inventory dock's edits: hosts (one or several at once), groups (variables and secrets),
// group membership (drag and drop, Move/Copy to group), removal, and connection tests.
#include "engine/inventory/CredentialStore.h"
#include "engine/runner/EngineClient.h"
#include "ui/inventory/GroupEditorDialog.h"
#include "ui/inventory/HostEditorDialog.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/inventory/InventoryDockData.h"
#include "ui/inventory/InventoryModel.h"
#include "ui/prompts/Prompts.h"
#include "ui/results/ResultText.h"

#include <QAction>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QTreeView>

namespace hostdeck::ui {

using engine::Inventory;
using NodeKind = InventoryModel::NodeKind;

namespace {

NodeKind kindOf(const QModelIndex& index)
{
    return NodeKind(index.data(InventoryModel::KindRole).toInt());
}

} // namespace

HostEditorDialog* InventoryDock::openHostEditor() const
{
    return m_hostEditor;
}

void InventoryDock::storeSecrets(const QString& target,
                                 std::map<engine::CredentialKind, engine::SecretBuffer> secrets)
{
    for (auto& [secretKind, secret] : secrets) {
        m_data->store->store(m_data->inventory.id(), target, secretKind, std::move(secret), this,
                             [this, target](engine::Status stored) {
                                 emit statusMessage(
                                     stored ? tr("Secret of %1 stored in the keychain").arg(target)
                                            : stored.error().message);
                             });
    }
}

void InventoryDock::addHost()
{
    HostEditorSetup setup;
    setup.hosts << engine::Host();
    setup.groups = groupNames();
    // The group the user is looking at: the selected group, or the selected host's group.
    if (const QString group = currentGroup(); !group.isEmpty())
        setup.newHostGroups << group;
    for (const engine::Host& host : m_data->inventory.hosts())
        setup.takenNames << host.name();
    setup.inheritedFor = [this](const QString& host, const QStringList& groups) {
        return Membership::inherited(m_data->inventory, host, groups);
    };
    auto* dialog = new HostEditorDialog(std::move(setup), this);
    m_hostEditor = dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<HostEditorDialog> guard(dialog);
    connect(dialog, &HostEditorDialog::testRequested, this,
            [this, guard](const engine::Host& host) { testHost(host, guard); });
    connect(dialog, &QDialog::accepted, this, [this, dialog] { applyHostEdits(dialog, {}); });
    dialog->open();
}

void InventoryDock::editSelection()
{
    QStringList names = selectedHosts();
    if (names.isEmpty()) {
        const QModelIndex current = m_view->currentIndex();
        if (current.isValid() && kindOf(current) == NodeKind::Host)
            names << current.data(InventoryModel::NameRole).toString();
    }
    if (names.isEmpty())
        return;
    HostEditorSetup setup;
    for (const QString& name : std::as_const(names)) {
        if (const engine::Host* host = m_data->inventory.host(name)) {
            setup.hosts << *host;
            setup.memberOf.insert(name, Membership::directGroups(m_data->inventory, name));
        }
    }
    if (setup.hosts.isEmpty())
        return;
    setup.groups = groupNames();
    for (const engine::Host& host : m_data->inventory.hosts())
        setup.takenNames << host.name();
    setup.inheritedFor = [this](const QString& host, const QStringList& groups) {
        return Membership::inherited(m_data->inventory, host, groups);
    };
    QStringList originals;
    for (const engine::Host& host : std::as_const(setup.hosts))
        originals << host.name();
    auto* dialog = new HostEditorDialog(std::move(setup), this);
    m_hostEditor = dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<HostEditorDialog> guard(dialog);
    connect(dialog, &HostEditorDialog::testRequested, this,
            [this, guard](const engine::Host& host) { testHost(host, guard); });
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, originals] { applyHostEdits(dialog, originals); });
    dialog->open();
}

void InventoryDock::applyHostEdits(HostEditorDialog* dialog, const QStringList& originalNames)
{
    m_data->inventory.ensureId();
    const QList<engine::Host> edited = dialog->editedHosts();
    const QHash<QString, Qt::CheckState> groups = dialog->groupChoices();
    auto secrets = dialog->takeSecrets();
    for (int i = 0; i < edited.size(); ++i) {
        const engine::Host& host = edited.at(i);
        const QString original = originalNames.value(i);
        if (original.isEmpty()) {
            m_data->inventory.addHost(host, Inventory::allGroup());
        } else if (host.name() != original) {
            if (engine::Status renamed = m_data->inventory.renameHost(original, host.name());
                !renamed) {
                m_prompts->inform(tr("Cannot rename"), renamed.error().message, true);
                continue;
            }
            m_data->store->renameTarget(m_data->inventory.id(), original, host.name(), this,
                                        [](engine::Status) {});
        }
        if (engine::Host* target = m_data->inventory.host(host.name()))
            *target = host;
        // Membership: checked in, unchecked out, partly (several hosts) left as it was.
        QStringList wanted = Membership::directGroups(m_data->inventory, host.name());
        for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
            if (it.value() == Qt::Checked && !wanted.contains(it.key()))
                wanted << it.key();
            else if (it.value() == Qt::Unchecked)
                wanted.removeAll(it.key());
        }
        Membership::setGroups(m_data->inventory, host.name(), wanted);
        // Secrets typed once go to every edited host.
        std::map<engine::CredentialKind, engine::SecretBuffer> own;
        for (auto& [kind, secret] : secrets)
            own.emplace(kind, i + 1 == edited.size() ? std::move(secret) : secret.copy());
        storeSecrets(host.name(), std::move(own));
    }
    refreshTree();
    setModified(true);
    emit inventoryChanged();
    selectHosts([&edited] {
        QStringList names;
        for (const engine::Host& host : edited)
            names << host.name();
        return names;
    }());
}

void InventoryDock::addGroup()
{
    m_prompts->askText(tr("Add group"), tr("Group name:"), this, [this](const QString& name) {
        if (name.isEmpty())
            return;
        if (m_data->inventory.hasGroup(name) || name.contains(QLatin1Char(' ')) ||
            name.contains(QLatin1Char(':'))) {
            m_prompts->inform(tr("Add group"),
                              tr("%1 exists already or is not a group name.").arg(name), true);
            return;
        }
        m_data->inventory.ensureGroup(name);
        (void)m_data->inventory.addChild(Inventory::allGroup(), name);
        refreshTree();
        setModified(true);
        emit inventoryChanged();
    });
}

void InventoryDock::editGroup(const QString& name)
{
    const engine::Group* group = m_data->inventory.group(name);
    if (!group)
        return;
    auto* dialog = new GroupEditorDialog(name, group->vars, m_data->inventory.hostsOf(name),
                                         groupNames(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, name, dialog] {
        m_data->inventory.ensureId();
        QString current = name;
        if (dialog->name() != name) {
            if (engine::Status renamed = m_data->inventory.renameGroup(name, dialog->name());
                !renamed) {
                m_prompts->inform(tr("Cannot rename"), renamed.error().message, true);
                return;
            }
            current = dialog->name();
            m_data->store->renameTarget(m_data->inventory.id(), name, current, this,
                                        [](engine::Status) {});
        }
        if (engine::Group* edited = m_data->inventory.group(current))
            edited->vars = dialog->variables();
        storeSecrets(current, dialog->takeSecrets());
        refreshTree();
        setModified(true);
        emit inventoryChanged();
    });
    dialog->open();
}

void InventoryDock::editCurrent()
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid() || kindOf(index) == NodeKind::Local)
        return;
    if (kindOf(index) == NodeKind::Group && selectedHosts().isEmpty()) {
        editGroup(index.data(InventoryModel::NameRole).toString());
        return;
    }
    editSelection();
}

void InventoryDock::removeCurrent()
{
    const QModelIndex index = m_proxy->mapToSource(m_view->currentIndex());
    const QString name = index.data(InventoryModel::NameRole).toString();
    const NodeKind kind = kindOf(index);
    if (!index.isValid() || kind == NodeKind::Local)
        return;
    m_prompts->confirm(
        tr("Remove"), tr("Remove %1 and its stored secrets?").arg(name), this,
        [this, name, kind](bool yes) {
            if (!yes)
                return;
            const engine::Status removed = kind == NodeKind::Group
                                               ? m_data->inventory.removeGroup(name)
                                               : m_data->inventory.removeHost(name);
            if (!removed)
                return m_prompts->inform(tr("Cannot remove"), removed.error().message, true);
            m_data->store->removeTarget(m_data->inventory.id(), name, this, [](engine::Status) {});
            refreshTree();
            setModified(true);
            emit inventoryChanged();
        });
}

engine::Status InventoryDock::moveHosts(const QList<Membership::HostRef>& hosts,
                                        const QString& group, bool copy)
{
    if (engine::Status moved = Membership::move(m_data->inventory, hosts, group, copy); !moved)
        return moved;
    refreshTree();
    setModified(true);
    emit inventoryChanged();
    QStringList names;
    for (const Membership::HostRef& ref : hosts)
        names << ref.host;
    selectHosts(names);
    emit statusMessage(
        group.isEmpty() ? tr("%n host(s) taken out of their group", nullptr, int(names.size()))
        : copy          ? tr("%n host(s) copied to %1", nullptr, int(names.size())).arg(group)
                        : tr("%n host(s) moved to %1", nullptr, int(names.size())).arg(group));
    return engine::Ok{};
}

void InventoryDock::removeFromGroup()
{
    QList<Membership::HostRef> refs;
    for (const QModelIndex& index :
         m_view->selectionModel()->selectedRows(InventoryModel::NameColumn)) {
        const QString group = index.data(InventoryModel::ParentGroupRole).toString();
        if (kindOf(index) == NodeKind::Host && !group.isEmpty())
            refs << Membership::HostRef{index.data(InventoryModel::NameRole).toString(), group};
    }
    if (refs.isEmpty())
        return;
    if (engine::Status moved = moveHosts(refs, QString(), false); !moved)
        m_prompts->inform(tr("Cannot change the groups"), moved.error().message, true);
}

void InventoryDock::rebuildGroupMenus()
{
    for (QMenu* menu : {m_moveMenu, m_copyMenu}) {
        const bool copy = menu == m_copyMenu;
        menu->clear();
        for (const QString& group : groupNames()) {
            QAction* action = menu->addAction(group, this, [this, group, copy] {
                QList<Membership::HostRef> refs;
                for (const QModelIndex& index :
                     m_view->selectionModel()->selectedRows(InventoryModel::NameColumn)) {
                    if (kindOf(index) == NodeKind::Host)
                        refs << Membership::HostRef{
                            index.data(InventoryModel::NameRole).toString(),
                            index.data(InventoryModel::ParentGroupRole).toString()};
                }
                if (refs.isEmpty())
                    return;
                if (engine::Status moved = moveHosts(refs, group, copy); !moved)
                    m_prompts->inform(tr("Cannot change the groups"), moved.error().message, true);
            });
            action->setData(group);
        }
        menu->setEnabled(!menu->isEmpty());
    }
}

void InventoryDock::testHost(const engine::Host& host, QPointer<HostEditorDialog> dialog)
{
    // The host as edited (maybe not saved yet), resolved exactly as a run would resolve it.
    Inventory copy = m_data->inventory;
    const QString name = host.name().isEmpty() ? QStringLiteral("new-host") : host.name();
    engine::Host probe(name, host.vars());
    if (copy.hasHost(name))
        *copy.host(name) = probe;
    else
        copy.addHost(probe, Inventory::allGroup());
    if (dialog)
        Membership::setGroups(copy, name, dialog->checkedGroups());
    engine::Result<engine::HostTarget> target =
        engine::TargetFactory::forHost(copy, name, m_settings);
    if (!target) {
        if (dialog)
            dialog->showTestResult(tr("Cannot test %1: %2").arg(name, target.error().message),
                                   false);
        else
            m_prompts->inform(tr("Cannot test %1").arg(name), target.error().message, true);
        return;
    }
    if (!m_tester) {
        emit testConnectionRequested(*target);
        return;
    }
    engine::RunHandle* run = m_tester(*target);
    if (!run)
        return;
    // The outcome shows where the user is: in the open dialog, and in the status line.
    connect(run, &engine::RunHandle::events, this,
            [this, dialog, name](const QList<engine::RunEvent>& events) {
                for (const engine::RunEvent& event : events) {
                    if (event.type != engine::RunEvent::Type::HostResult)
                        continue;
                    const engine::HostResult& r = event.record;
                    const QString text =
                        r.ok
                            ? tr("Connected to %1: the agent answered (host name %2) in %3.")
                                  .arg(name, r.value.toString(), ResultText::duration(r.durationMs))
                            : tr("Cannot reach %1: %2").arg(name, ResultText::summary(r, 400));
                    if (dialog)
                        dialog->showTestResult(text, r.ok);
                    emit statusMessage(text);
                }
            });
}

void InventoryDock::testCurrent()
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid() || kindOf(index) == NodeKind::Group)
        return;
    const QString name = index.data(InventoryModel::NameRole).toString();
    if (const engine::Host* host = m_data->inventory.host(name)) {
        testHost(*host, nullptr);
        return;
    }
    // The local machine (not in the inventory).
    if (auto resolved = resolve(name); resolved && !resolved->hosts.isEmpty()) {
        if (m_tester)
            m_tester(resolved->hosts.constFirst());
        else
            emit testConnectionRequested(resolved->hosts.constFirst());
    } else if (!resolved) {
        m_prompts->inform(tr("Cannot test"), resolved.error().message, true);
    }
}

} // namespace hostdeck::ui
