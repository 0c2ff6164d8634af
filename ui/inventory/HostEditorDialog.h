#pragma once

#include "engine/inventory/Host.h"
#include "engine/util/CredentialKind.h"
#include "engine/util/SecretBuffer.h"
#include "ui/inventory/Membership.h"

#include <QDialog>
#include <QHash>
#include <QSet>

#include <functional>
#include <map>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace hostdeck::ui {

class VariablesTable;

/// What the host editor edits: one host, a new host, or several hosts at once.
struct HostEditorSetup
{
    QList<engine::Host> hosts; ///< one host with an empty name: a new host
    QStringList groups;        ///< every group a host may be put into (not all/ungrouped)
    QHash<QString, QStringList> memberOf; ///< each edited host's own groups
    QStringList newHostGroups;            ///< a new host's groups to start with
    QStringList takenNames; ///< names another host has (a new or renamed host may not)
    /// What a host inherits if it is in exactly these groups (the placeholders say it).
    std::function<QHash<QString, Membership::Inherited>(const QString&, const QStringList&)>
        inheritedFor;
};

/// Every connection setting of a host, its groups, its variables and its secrets. A field left
/// empty is not set on the host, and its placeholder says what applies instead (inherited from a
/// group, with the group's name, or the default). Several hosts at once: only the fields that
/// are changed are written, to every host; groups are tri-state (partly: left as they are).
/// Secret fields are never prefilled: what is typed goes to the keychain, an empty field leaves
/// the stored secret alone.
class HostEditorDialog : public QDialog
{
    Q_OBJECT
public:
    explicit HostEditorDialog(HostEditorSetup setup, QWidget* parent = nullptr);
    ~HostEditorDialog() override;

    bool isBulk() const { return m_setup.hosts.size() > 1; }
    bool isNew() const { return !isBulk() && m_setup.hosts.first().name().isEmpty(); }
    /// The hosts with the edits applied (a new host: its name and settings).
    QList<engine::Host> editedHosts() const;
    /// The first edited host (single-host use and the connection test).
    engine::Host host() const;
    /// Each group's state: Checked (member), Unchecked (not), PartiallyChecked (as it was).
    QHash<QString, Qt::CheckState> groupChoices() const;
    QStringList checkedGroups() const;
    /// The secrets typed in (moved out; the fields are cleared).
    std::map<engine::CredentialKind, engine::SecretBuffer> takeSecrets();
    /// The connection test's outcome, shown in the dialog.
    void showTestResult(const QString& text, bool ok);

    QLineEdit* field(const QString& key) const { return m_text.value(key); }
    QSpinBox* portBox() const { return m_port; }
    QListWidget* groupList() const { return m_groupList; }
    QLabel* testResult() const { return m_testResult; }
    QLabel* problemLabel() const { return m_problem; }

signals:
    void testRequested(const hostdeck::engine::Host& host);

private:
    struct Choice;
    QWidget* buildConnectionTab();
    QWidget* buildGroupsTab();
    QWidget* buildSecretsTab();
    void fillFromHosts();
    void updateHints();
    void tryAccept();
    QVariantMap applyTo(const engine::Host& original) const;
    /// The value every edited host has for `keys` (first spelling first); empty when they differ.
    QString commonText(const QStringList& keys, bool* differs) const;

    HostEditorSetup m_setup;
    QLineEdit* m_name = nullptr;
    QHash<QString, QLineEdit*> m_text; ///< by the key written (ansible_user, ...)
    QSpinBox* m_port = nullptr;
    QComboBox* m_transport = nullptr;
    QComboBox* m_become = nullptr;
    QComboBox* m_becomeMethod = nullptr;
    QComboBox* m_hostKeys = nullptr;
    QListWidget* m_groupList = nullptr;
    std::map<engine::CredentialKind, QLineEdit*> m_secretFields;
    VariablesTable* m_vars = nullptr;
    QVariantMap m_commonVars; ///< bulk: the variables every host has with the same value
    QSet<QString> m_touched;  ///< keys of the fields the user changed
    QLabel* m_testResult = nullptr;
    QLabel* m_problem = nullptr;
};

} // namespace hostdeck::ui
