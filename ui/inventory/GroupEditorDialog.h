#pragma once

#include "engine/util/CredentialKind.h"
#include "engine/util/SecretBuffer.h"

#include <QDialog>
#include <QVariantMap>

#include <map>

class QLabel;
class QLineEdit;

namespace hostdeck::ui {

class VariablesTable;

/// A group: its name, its variables and its secrets (SSH password, key passphrase, sudo
/// password), which every host of the group uses unless it has its own. Secrets go to the
/// keychain under the group's name; fields are never prefilled, an empty one leaves the stored
/// secret alone.
class GroupEditorDialog : public QDialog
{
    Q_OBJECT
public:
    GroupEditorDialog(const QString& name, const QVariantMap& vars, const QStringList& hosts,
                      const QStringList& takenNames, QWidget* parent = nullptr);
    ~GroupEditorDialog() override;

    QString name() const;
    QVariantMap variables() const;
    std::map<engine::CredentialKind, engine::SecretBuffer> takeSecrets();
    VariablesTable* variablesTable() const { return m_vars; }
    QLineEdit* secretField(engine::CredentialKind kind) const { return m_secrets.at(kind); }

private:
    void tryAccept();

    QString m_original;
    QStringList m_taken;
    QLineEdit* m_name;
    VariablesTable* m_vars;
    std::map<engine::CredentialKind, QLineEdit*> m_secrets;
    QLabel* m_problem;
};

} // namespace hostdeck::ui
