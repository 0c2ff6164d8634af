#include "inventory/HostEditorDialog.h"

#include "inventory/VariablesTable.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace hostdeck::ui {

using engine::CredentialKind;
using engine::Host;

namespace {

/// The keys the form edits; the variables table shows the rest.
const QStringList kConnectionKeys{QStringLiteral("ansible_host"),
                                  QStringLiteral("ansible_port"),
                                  QStringLiteral("ansible_user"),
                                  QStringLiteral("ansible_connection"),
                                  QStringLiteral("ansible_python_interpreter"),
                                  QStringLiteral("hostdeck_jump"),
                                  QStringLiteral("ansible_become"),
                                  QStringLiteral("ansible_become_user"),
                                  QStringLiteral("ansible_become_method"),
                                  QStringLiteral("hostdeck_host_keys"),
                                  QStringLiteral("ansible_ssh_private_key_file"),
                                  QStringLiteral("hostdeck_tags")};

} // namespace

HostEditorDialog::HostEditorDialog(const Host& host, const QStringList& groups, QWidget* parent)
    : QDialog(parent), m_original(host), m_name(new QLineEdit(host.name(), this)),
      m_group(new QComboBox(this)), m_transport(new QComboBox(this)),
      m_address(new QLineEdit(this)), m_port(new QSpinBox(this)),
      m_user(new QLineEdit(host.user(), this)),
      m_identity(new QLineEdit(host.identityFile(), this)),
      m_python(new QLineEdit(host.pythonInterpreter(), this)),
      m_jump(new QLineEdit(host.jumpHost(), this)),
      m_become(new QCheckBox(tr("Run the agent as another user"), this)),
      m_becomeUser(new QLineEdit(host.becomeUser(), this)), m_becomeMethod(new QComboBox(this)),
      m_hostKeys(new QComboBox(this)),
      m_tags(new QLineEdit(host.tags().join(QStringLiteral(", ")), this)),
      m_vars(new VariablesTable(this))
{
    setWindowTitle(host.name().isEmpty() ? tr("New host") : tr("Host %1").arg(host.name()));
    setObjectName(QStringLiteral("hostEditor"));
    m_name->setObjectName(QStringLiteral("hostName"));
    m_group->addItems(groups);
    m_group->setEnabled(host.name().isEmpty());
    m_transport->addItem(tr("SSH"));
    m_transport->addItem(tr("Local process"));
    m_transport->setCurrentIndex(host.transport() == engine::HostTransport::Local ? 1 : 0);
    m_address->setText(host.vars().value(QStringLiteral("ansible_host")).toString());
    m_address->setPlaceholderText(tr("defaults to the name"));
    m_port->setRange(1, 65535);
    m_port->setValue(host.port());
    m_user->setPlaceholderText(tr("your login name"));
    m_jump->setPlaceholderText(tr("user@jump:port[,next…]"));
    m_become->setChecked(host.become());
    // sudo: the login user's password, when sudo asks; su: the become user's password. Another
    // method the file names stays as written (a run refuses it, naming the host).
    m_becomeMethod->setObjectName(QStringLiteral("becomeMethod"));
    m_becomeMethod->addItem(tr("sudo"), QStringLiteral("sudo"));
    m_becomeMethod->addItem(tr("su"), QStringLiteral("su"));
    const QString method = host.vars().value(QStringLiteral("ansible_become_method")).toString();
    if (!method.isEmpty() && m_becomeMethod->findData(method) < 0)
        m_becomeMethod->addItem(method, method);
    m_becomeMethod->setCurrentIndex(std::max(0, m_becomeMethod->findData(method)));
    m_hostKeys->addItem(tr("Strict: ask about unknown keys"));
    m_hostKeys->addItem(tr("Accept new keys, refuse changed ones"));
    m_hostKeys->setCurrentIndex(host.hostKeyPolicy() == engine::HostKeyPolicy::AcceptNew ? 1 : 0);

    auto* connection = new QWidget(this);
    auto* form = new QFormLayout(connection);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Group:"), m_group);
    form->addRow(tr("&Transport:"), m_transport);
    form->addRow(tr("&Address:"), m_address);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("&Identity file:"), m_identity);
    form->addRow(tr("P&ython:"), m_python);
    form->addRow(tr("&Jump hosts:"), m_jump);
    form->addRow(tr("&Become:"), m_become);
    form->addRow(tr("Become user:"), m_becomeUser);
    form->addRow(tr("Become &method:"), m_becomeMethod);
    form->addRow(tr("Host &keys:"), m_hostKeys);
    form->addRow(tr("T&ags:"), m_tags);

    auto* secrets = new QWidget(this);
    auto* secretForm = new QFormLayout(secrets);
    const std::pair<CredentialKind, QString> kinds[] = {
        {CredentialKind::SshPassword, tr("SSH password:")},
        {CredentialKind::KeyPassphrase, tr("Key passphrase:")},
        {CredentialKind::SudoPassword, tr("Become password (sudo, su):")}};
    for (const auto& [kind, label] : kinds) {
        auto* field = new QLineEdit(this);
        field->setEchoMode(QLineEdit::Password);
        field->setPlaceholderText(tr("unchanged (stored in the keychain only)"));
        field->setObjectName(QStringLiteral("secret_") + engine::credentialKindName(kind));
        secretForm->addRow(label, field);
        m_secretFields[kind] = field;
    }

    QVariantMap others = host.vars();
    for (const QString& key : kConnectionKeys)
        others.remove(key);
    m_vars->setVariables(others);

    auto* tabs = new QTabWidget(this);
    tabs->addTab(connection, tr("&Connection"));
    tabs->addTab(m_vars, tr("&Variables"));
    tabs->addTab(secrets, tr("&Secrets"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton* test = buttons->addButton(tr("&Test connection"), QDialogButtonBox::ActionRole);
    connect(test, &QPushButton::clicked, this, [this] { emit testRequested(this->host()); });
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!m_name->text().trimmed().isEmpty())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(buttons);
}

HostEditorDialog::~HostEditorDialog()
{
    for (auto& [kind, field] : m_secretFields) {
        QString text = field->text();
        field->clear();
        engine::SecretBuffer::wipe(text);
    }
}

Host HostEditorDialog::host() const
{
    Host host(m_name->text().trimmed(), m_vars->variables());
    for (const QString& key : kConnectionKeys) {
        if (m_original.vars().contains(key))
            host.setVar(key, m_original.vars().value(key));
    }
    host.setAddress(m_address->text().trimmed());
    host.setPort(m_port->value());
    host.setUser(m_user->text().trimmed());
    host.setTransport(m_transport->currentIndex() == 1 ? engine::HostTransport::Local
                                                       : engine::HostTransport::Ssh);
    host.setIdentityFile(m_identity->text().trimmed());
    host.setPythonInterpreter(m_python->text().trimmed());
    host.setJumpHost(m_jump->text().trimmed());
    host.setBecome(m_become->isChecked(), m_becomeUser->text().trimmed());
    const QString method = m_becomeMethod->currentData().toString();
    if (!m_become->isChecked() ||
        (method == QLatin1String("sudo") &&
         !m_original.vars().contains(QStringLiteral("ansible_become_method"))))
        host.vars().remove(QStringLiteral("ansible_become_method")); // sudo is the default
    else
        host.setVar(QStringLiteral("ansible_become_method"), method);
    host.setHostKeyPolicy(m_hostKeys->currentIndex() == 1 ? engine::HostKeyPolicy::AcceptNew
                                                          : engine::HostKeyPolicy::Strict);
    QStringList tags;
    for (const QString& tag : m_tags->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        tags << tag.trimmed();
    host.setTags(tags);
    return host;
}

QString HostEditorDialog::group() const
{
    return m_group->currentText();
}

std::map<CredentialKind, engine::SecretBuffer> HostEditorDialog::takeSecrets()
{
    std::map<CredentialKind, engine::SecretBuffer> secrets;
    for (auto& [kind, field] : m_secretFields) {
        QString text = field->text();
        field->clear();
        if (!text.isEmpty())
            secrets.emplace(kind, engine::SecretBuffer::fromString(std::move(text)));
    }
    return secrets;
}

} // namespace hostdeck::ui
