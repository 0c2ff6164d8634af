#include "ui/inventory/GroupEditorDialog.h"

#include "ui/inventory/VariablesTable.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTabWidget>
#include <QVBoxLayout>

namespace hostdeck::ui {

using engine::CredentialKind;

GroupEditorDialog::GroupEditorDialog(const QString& name, const QVariantMap& vars,
                                     const QStringList& hosts, const QStringList& takenNames,
                                     QWidget* parent)
    : QDialog(parent), m_original(name), m_taken(takenNames), m_name(new QLineEdit(name, this)),
      m_vars(new VariablesTable(this)), m_problem(new QLabel(this))
{
    setObjectName(QStringLiteral("groupEditor"));
    setWindowTitle(tr("Group %1").arg(name));
    m_name->setObjectName(QStringLiteral("groupName"));
    m_vars->setVariables(vars);
    m_problem->setObjectName(QStringLiteral("groupProblem"));
    m_problem->setWordWrap(true);
    m_problem->hide();

    auto* general = new QWidget(this);
    auto* form = new QFormLayout(general);
    form->addRow(tr("&Name:"), m_name);
    auto* members = new QLabel(
        hosts.isEmpty() ? tr("(no hosts yet)") : hosts.join(QStringLiteral(", ")), general);
    members->setWordWrap(true);
    members->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Hosts:"), members);

    auto* secrets = new QWidget(this);
    auto* secretForm = new QFormLayout(secrets);
    auto* note =
        new QLabel(tr("Used by every host of the group that has no secret of its own "
                      "(a child group's secret comes first). Stored in the keychain only."),
                   secrets);
    note->setWordWrap(true);
    secretForm->addRow(note);
    const std::pair<CredentialKind, QString> kinds[] = {
        {CredentialKind::SshPassword, tr("SSH password:")},
        {CredentialKind::KeyPassphrase, tr("Key passphrase:")},
        {CredentialKind::SudoPassword, tr("sudo password:")}};
    for (const auto& [kind, label] : kinds) {
        auto* field = new QLineEdit(secrets);
        field->setEchoMode(QLineEdit::Password);
        field->setPlaceholderText(tr("unchanged"));
        field->setObjectName(QStringLiteral("groupSecret_") + engine::credentialKindName(kind));
        secretForm->addRow(label, field);
        m_secrets[kind] = field;
    }

    auto* tabs = new QTabWidget(this);
    tabs->addTab(general, tr("&Group"));
    tabs->addTab(m_vars, tr("&Variables"));
    tabs->addTab(secrets, tr("&Secrets"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &GroupEditorDialog::tryAccept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(520, 420);
}

GroupEditorDialog::~GroupEditorDialog()
{
    for (auto& [kind, field] : m_secrets) {
        QString typed = field->text();
        field->clear();
        engine::SecretBuffer::wipe(typed);
    }
}

QString GroupEditorDialog::name() const
{
    return m_name->text().trimmed();
}

QVariantMap GroupEditorDialog::variables() const
{
    return m_vars->variables();
}

std::map<CredentialKind, engine::SecretBuffer> GroupEditorDialog::takeSecrets()
{
    std::map<CredentialKind, engine::SecretBuffer> secrets;
    for (auto& [kind, field] : m_secrets) {
        QString typed = field->text();
        field->clear();
        if (!typed.isEmpty())
            secrets.emplace(kind, engine::SecretBuffer::fromString(std::move(typed)));
    }
    return secrets;
}

void GroupEditorDialog::tryAccept()
{
    const QString name = this->name();
    QString problem;
    if (name.isEmpty())
        problem = tr("Give the group a name.");
    else if (name.contains(QLatin1Char(' ')) || name.contains(QLatin1Char(':')))
        problem = tr("A group name has no spaces or colons: %1").arg(name);
    else if (name != m_original && m_taken.contains(name))
        problem = tr("There is already a group called %1.").arg(name);
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    if (problem.isEmpty())
        accept();
}

} // namespace hostdeck::ui
