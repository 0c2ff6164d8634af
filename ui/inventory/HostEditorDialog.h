#pragma once

#include "inventory/Host.h"
#include "util/CredentialKind.h"
#include "util/SecretBuffer.h"

#include <QDialog>

#include <map>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace hostdeck::ui {

class VariablesTable;

/// Every connection setting of a host, its variables, and its secrets. Secret fields are never
/// prefilled: what is typed goes to the keychain when the dialog is accepted, an empty field
/// leaves the stored secret alone.
class HostEditorDialog : public QDialog
{
    Q_OBJECT
public:
    HostEditorDialog(const engine::Host& host, const QStringList& groups,
                     QWidget* parent = nullptr);
    ~HostEditorDialog() override;

    engine::Host host() const;
    QString group() const; ///< the group a new host goes into
    /// The secrets typed in (moved out; the fields are cleared).
    std::map<engine::CredentialKind, engine::SecretBuffer> takeSecrets();

signals:
    void testRequested(const hostdeck::engine::Host& host);

private:
    engine::Host m_original;
    QLineEdit* m_name;
    QComboBox* m_group;
    QComboBox* m_transport;
    QLineEdit* m_address;
    QSpinBox* m_port;
    QLineEdit* m_user;
    QLineEdit* m_identity;
    QLineEdit* m_python;
    QLineEdit* m_jump;
    QCheckBox* m_become;
    QLineEdit* m_becomeUser;
    QComboBox* m_becomeMethod;
    QComboBox* m_hostKeys;
    QLineEdit* m_tags;
    std::map<engine::CredentialKind, QLineEdit*> m_secretFields;
    VariablesTable* m_vars;
};

} // namespace hostdeck::ui
