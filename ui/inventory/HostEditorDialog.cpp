#include "ui/inventory/HostEditorDialog.h"

#include "ui/inventory/VariablesTable.h"
#include "ui/results/ResultText.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace hostdeck::ui {

using engine::CredentialKind;
using engine::Host;

namespace {

/// A text setting: the key written and every spelling read (Ansible's old ansible_ssh_* first).
struct TextKey
{
    QString key;
    QStringList spellings;
    QString label;
    QString fallback; ///< what applies when neither the host nor a group sets it
};

const QList<TextKey>& textKeys()
{
    static const QList<TextKey> keys{
        {QStringLiteral("ansible_host"),
         {QStringLiteral("ansible_ssh_host"), QStringLiteral("ansible_host")},
         QObject::tr("&Address:"),
         QObject::tr("the host's name")},
        {QStringLiteral("ansible_user"),
         {QStringLiteral("ansible_ssh_user"), QStringLiteral("ansible_user")},
         QObject::tr("&User:"),
         QObject::tr("your login name, or what ~/.ssh/config says")},
        {QStringLiteral("ansible_ssh_private_key_file"),
         {QStringLiteral("ansible_ssh_private_key_file"),
          QStringLiteral("ansible_private_key_file")},
         QObject::tr("&Identity file:"),
         QObject::tr("the ssh agent and ~/.ssh/id_*")},
        {QStringLiteral("ansible_python_interpreter"),
         {QStringLiteral("ansible_python_interpreter")},
         QObject::tr("P&ython:"),
         QStringLiteral("python3")},
        {QStringLiteral("hostdeck_jump"),
         {QStringLiteral("hostdeck_jump")},
         QObject::tr("&Jump hosts:"),
         QObject::tr("none (user@jump:port[,next…])")},
        {QStringLiteral("ansible_become_user"),
         {QStringLiteral("ansible_become_user")},
         QObject::tr("Become &user:"),
         QStringLiteral("root")},
        {QStringLiteral("hostdeck_tags"),
         {QStringLiteral("hostdeck_tags")},
         QObject::tr("T&ags:"),
         QObject::tr("none (comma separated)")},
    };
    return keys;
}

const QStringList kPortKeys{QStringLiteral("ansible_ssh_port"), QStringLiteral("ansible_port")};
const QStringList kTransportKeys{QStringLiteral("hostdeck_transport"),
                                 QStringLiteral("ansible_connection")};
const QString kBecomeKey = QStringLiteral("ansible_become");
const QString kBecomeMethodKey = QStringLiteral("ansible_become_method");
const QString kHostKeysKey = QStringLiteral("hostdeck_host_keys");

/// Every key the connection tab edits: the variables table shows the others.
QStringList connectionKeys()
{
    QStringList keys = kPortKeys + kTransportKeys;
    keys << kBecomeKey << kBecomeMethodKey << kHostKeysKey;
    for (const TextKey& k : textKeys())
        keys << k.spellings;
    return keys;
}

QString text(const QVariant& value)
{
    if (value.typeId() == QMetaType::QVariantList || value.typeId() == QMetaType::QStringList)
        return value.toStringList().join(QStringLiteral(", "));
    return value.toString();
}

QString firstOf(const QVariantMap& vars, const QStringList& keys)
{
    for (const QString& key : keys) {
        const QString value = text(vars.value(key));
        if (!value.isEmpty())
            return value;
    }
    return {};
}

QString transportName(const QString& value)
{
    return value == QLatin1String("local") ? QObject::tr("local process") : QObject::tr("SSH");
}

} // namespace

HostEditorDialog::HostEditorDialog(HostEditorSetup setup, QWidget* parent)
    : QDialog(parent), m_setup(std::move(setup)), m_vars(new VariablesTable(this))
{
    if (m_setup.hosts.isEmpty())
        m_setup.hosts << Host();
    setObjectName(QStringLiteral("hostEditor"));
    setWindowTitle(isBulk()  ? tr("Edit %n host(s)", nullptr, int(m_setup.hosts.size()))
                   : isNew() ? tr("New host")
                             : tr("Host %1").arg(m_setup.hosts.first().name()));
    m_testResult = new QLabel(this);
    m_testResult->setObjectName(QStringLiteral("testResult"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testResult->hide();
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("hostProblem"));
    m_problem->setWordWrap(true);
    m_problem->hide();

    auto* tabs = new QTabWidget(this);
    tabs->addTab(buildConnectionTab(), tr("&Connection"));
    tabs->addTab(buildGroupsTab(), tr("&Groups"));
    tabs->addTab(m_vars, tr("&Variables"));
    tabs->addTab(buildSecretsTab(), tr("&Secrets"));
    fillFromHosts();
    updateHints();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    if (!isBulk()) {
        QPushButton* test =
            buttons->addButton(tr("&Test connection"), QDialogButtonBox::ActionRole);
        test->setObjectName(QStringLiteral("testConnectionButton"));
        connect(test, &QPushButton::clicked, this, [this] {
            showTestResult(tr("Testing the connection to %1…").arg(host().name()), true);
            emit testRequested(host());
        });
    }
    connect(buttons, &QDialogButtonBox::accepted, this, &HostEditorDialog::tryAccept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(m_testResult);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(560, 520);
}

HostEditorDialog::~HostEditorDialog()
{
    for (auto& [kind, secretField] : m_secretFields) {
        QString typed = secretField->text();
        secretField->clear();
        engine::SecretBuffer::wipe(typed);
    }
}

QWidget* HostEditorDialog::buildConnectionTab()
{
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    m_name = new QLineEdit(isBulk() ? QString() : m_setup.hosts.first().name(), page);
    m_name->setObjectName(QStringLiteral("hostName"));
    if (isBulk()) {
        QStringList names;
        for (const Host& h : std::as_const(m_setup.hosts))
            names << h.name();
        m_name->setPlaceholderText(names.join(QStringLiteral(", ")));
        m_name->setEnabled(false);
    }
    form->addRow(tr("&Name:"), m_name);
    m_transport = new QComboBox(page);
    m_transport->setObjectName(QStringLiteral("transportBox"));
    m_transport->addItems({QString(), tr("SSH"), tr("Local process")});
    form->addRow(tr("&Transport:"), m_transport);
    const QList<TextKey>& keys = textKeys();
    for (int i = 0; i < keys.size(); ++i) {
        auto* edit = new QLineEdit(page);
        edit->setObjectName(QStringLiteral("field_") + keys.at(i).key);
        edit->setClearButtonEnabled(true);
        m_text.insert(keys.at(i).key, edit);
        const QString key = keys.at(i).key;
        connect(edit, &QLineEdit::textEdited, this, [this, key] { m_touched.insert(key); });
        form->addRow(keys.at(i).label, edit);
        if (i == 0) { // the port right after the address
            m_port = new QSpinBox(page);
            m_port->setObjectName(QStringLiteral("portBox"));
            m_port->setRange(0, 65535);
            connect(m_port, &QSpinBox::valueChanged, this,
                    [this] { m_touched.insert(QStringLiteral("ansible_port")); });
            form->addRow(tr("&Port:"), m_port);
        }
    }
    m_become = new QComboBox(page);
    m_become->setObjectName(QStringLiteral("becomeBox"));
    m_become->addItems({QString(), tr("yes: run the agent as the become user"), tr("no")});
    form->addRow(tr("&Become:"), m_become);
    // sudo: the login user's password, when sudo asks; su: the become user's password. Another
    // method the file names stays as written (a run refuses it, naming the host).
    m_becomeMethod = new QComboBox(page);
    m_becomeMethod->setObjectName(QStringLiteral("becomeMethod"));
    m_becomeMethod->addItem(QString(), QString());
    m_becomeMethod->addItem(tr("sudo: the login user's password, when sudo asks"),
                            QStringLiteral("sudo"));
    m_becomeMethod->addItem(tr("su: the become user's password"), QStringLiteral("su"));
    form->addRow(tr("Become &method:"), m_becomeMethod);
    m_hostKeys = new QComboBox(page);
    m_hostKeys->setObjectName(QStringLiteral("hostKeysBox"));
    m_hostKeys->addItems({QString(), tr("strict: ask about unknown keys"),
                          tr("accept new keys, refuse changed ones")});
    form->addRow(tr("Host &keys:"), m_hostKeys);
    for (QComboBox* box : {m_transport, m_become, m_becomeMethod, m_hostKeys})
        connect(box, &QComboBox::activated, this, [this, box] {
            m_touched.insert(box->objectName());
            updateHints();
        });
    return page;
}

QWidget* HostEditorDialog::buildGroupsTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    auto* hint = new QLabel(isBulk() ? tr("Checked: every host is in the group; unchecked: none "
                                          "is; partly: left as it is.")
                                     : tr("The groups the host is in (its own, not inherited)."),
                            page);
    hint->setWordWrap(true);
    m_groupList = new QListWidget(page);
    m_groupList->setObjectName(QStringLiteral("groupList"));
    for (const QString& group : std::as_const(m_setup.groups)) {
        auto* item = new QListWidgetItem(group, m_groupList);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        int in = 0;
        for (const Host& h : std::as_const(m_setup.hosts))
            in +=
                (isNew() ? m_setup.newHostGroups : m_setup.memberOf.value(h.name())).contains(group)
                    ? 1
                    : 0;
        item->setCheckState(in == 0                      ? Qt::Unchecked
                            : in == m_setup.hosts.size() ? Qt::Checked
                                                         : Qt::PartiallyChecked);
    }
    connect(m_groupList, &QListWidget::itemChanged, this, [this] { updateHints(); });
    layout->addWidget(hint);
    layout->addWidget(m_groupList);
    return page;
}

QWidget* HostEditorDialog::buildSecretsTab()
{
    auto* page = new QWidget(this);
    auto* secretForm = new QFormLayout(page);
    const std::pair<CredentialKind, QString> kinds[] = {
        {CredentialKind::SshPassword, tr("SSH password:")},
        {CredentialKind::KeyPassphrase, tr("Key passphrase:")},
        {CredentialKind::SudoPassword, tr("Become password (sudo, su):")}};
    for (const auto& [kind, label] : kinds) {
        auto* secretField = new QLineEdit(page);
        secretField->setEchoMode(QLineEdit::Password);
        secretField->setPlaceholderText(
            isBulk() ? tr("unchanged (typed: stored for every host, in the keychain only)")
                     : tr("unchanged (stored in the keychain only)"));
        secretField->setObjectName(QStringLiteral("secret_") + engine::credentialKindName(kind));
        secretForm->addRow(label, secretField);
        m_secretFields[kind] = secretField;
    }
    return page;
}

QString HostEditorDialog::commonText(const QStringList& keys, bool* differs) const
{
    QString common;
    *differs = false;
    for (int i = 0; i < m_setup.hosts.size(); ++i) {
        const QString value = firstOf(m_setup.hosts.at(i).vars(), keys);
        if (i == 0)
            common = value;
        else if (value != common)
            *differs = true;
    }
    return *differs ? QString() : common;
}

void HostEditorDialog::fillFromHosts()
{
    bool differs = false;
    for (const TextKey& k : textKeys())
        m_text.value(k.key)->setText(commonText(k.spellings, &differs));
    const QString port = commonText(kPortKeys, &differs);
    m_port->setValue(port.toInt());
    const QString transport = commonText(kTransportKeys, &differs);
    m_transport->setCurrentIndex(transport.isEmpty()                   ? 0
                                 : transport == QLatin1String("local") ? 2
                                                                       : 1);
    const QString become = commonText({kBecomeKey}, &differs);
    m_become->setCurrentIndex(become.isEmpty() ? 0 : Host::isTruthy(become) ? 1 : 2);
    const QString method = commonText({kBecomeMethodKey}, &differs);
    if (!method.isEmpty() && m_becomeMethod->findData(method) < 0)
        m_becomeMethod->addItem(method, method);
    m_becomeMethod->setCurrentIndex(method.isEmpty() ? 0 : m_becomeMethod->findData(method));
    const QString keys = commonText({kHostKeysKey}, &differs);
    m_hostKeys->setCurrentIndex(keys.isEmpty() ? 0 : keys == QLatin1String("accept-new") ? 2 : 1);

    // Bulk: the variables every host has with the same value; single: the host's own.
    const QStringList skip = connectionKeys();
    QVariantMap common = m_setup.hosts.first().vars();
    for (const QString& key : skip)
        common.remove(key);
    for (const Host& h : std::as_const(m_setup.hosts)) {
        for (auto it = common.begin(); it != common.end();) {
            if (h.vars().value(it.key()) != it.value())
                it = common.erase(it);
            else
                ++it;
        }
    }
    m_commonVars = common;
    m_vars->setVariables(common);
    m_touched.clear();
}

void HostEditorDialog::updateHints()
{
    if (isBulk()) {
        for (const TextKey& k : textKeys()) {
            bool differs = false;
            (void)commonText(k.spellings, &differs);
            m_text.value(k.key)->setPlaceholderText(differs ? tr("keep (the hosts differ)")
                                                            : tr("keep (none set)"));
        }
        m_port->setSpecialValueText(tr("keep"));
        for (QComboBox* box : {m_transport, m_become, m_becomeMethod, m_hostKeys})
            box->setItemText(0, tr("keep"));
        return;
    }
    // What applies when a field is left empty: inherited from a group (named), or the default.
    const QHash<QString, Membership::Inherited> inherited =
        m_setup.inheritedFor ? m_setup.inheritedFor(host().name(), checkedGroups())
                             : QHash<QString, Membership::Inherited>{};
    auto fromGroups = [&inherited](const QStringList& keys, QString* group) {
        for (const QString& key : keys) {
            const auto it = inherited.constFind(key);
            if (it != inherited.cend() && !text(it->value).isEmpty()) {
                *group = it->group;
                return text(it->value);
            }
        }
        return QString();
    };
    auto hint = [](const QString& value, const QString& group, const QString& fallback) {
        return value.isEmpty() ? tr("default: %1").arg(fallback)
                               : tr("inherited from group %1: %2").arg(group, value);
    };
    QString group;
    for (const TextKey& k : textKeys()) {
        const QString value = fromGroups(k.spellings, &group);
        m_text.value(k.key)->setPlaceholderText(hint(value, group, k.fallback));
    }
    m_port->setSpecialValueText(hint(fromGroups(kPortKeys, &group), group, QStringLiteral("22")));
    const QString transport = fromGroups(kTransportKeys, &group);
    m_transport->setItemText(
        0, hint(transport.isEmpty() ? QString() : transportName(transport), group, tr("SSH")));
    const QString become = fromGroups({kBecomeKey}, &group);
    m_become->setItemText(
        0, hint(become.isEmpty() ? QString() : (Host::isTruthy(become) ? tr("yes") : tr("no")),
                group, tr("no")));
    m_becomeMethod->setItemText(0, hint(fromGroups({kBecomeMethodKey}, &group), group, tr("sudo")));
    m_hostKeys->setItemText(0, hint(fromGroups({kHostKeysKey}, &group), group, tr("strict")));
}

QVariantMap HostEditorDialog::applyTo(const Host& original) const
{
    QVariantMap vars = original.vars();
    const bool all = !isBulk();
    auto touched = [this, all](const QString& key) { return all || m_touched.contains(key); };
    auto removeAll = [&vars](const QStringList& keys) {
        for (const QString& key : keys)
            vars.remove(key);
    };
    for (const TextKey& k : textKeys()) {
        if (!touched(k.key))
            continue;
        const QString value = m_text.value(k.key)->text().trimmed();
        removeAll(k.spellings);
        if (value.isEmpty())
            continue;
        if (k.key == QLatin1String("hostdeck_tags")) {
            QStringList tags;
            for (const QString& tag : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
                tags << tag.trimmed();
            vars.insert(k.key, tags);
        } else {
            vars.insert(k.key, value);
        }
    }
    if (touched(QStringLiteral("ansible_port")) && !(isBulk() && m_port->value() == 0)) {
        removeAll(kPortKeys);
        if (m_port->value() > 0)
            vars.insert(QStringLiteral("ansible_port"), m_port->value());
    }
    if (touched(m_transport->objectName()) && !(isBulk() && m_transport->currentIndex() == 0)) {
        removeAll(kTransportKeys);
        // Both spellings, so the host's choice wins over either one inherited from a group.
        if (m_transport->currentIndex() > 0) {
            const QString value =
                m_transport->currentIndex() == 2 ? QStringLiteral("local") : QStringLiteral("ssh");
            vars.insert(kTransportKeys.at(0), value);
            vars.insert(kTransportKeys.at(1), value);
        }
    }
    if (touched(m_become->objectName()) && !(isBulk() && m_become->currentIndex() == 0)) {
        vars.remove(kBecomeKey);
        if (m_become->currentIndex() > 0)
            vars.insert(kBecomeKey, m_become->currentIndex() == 1);
    }
    if (touched(m_becomeMethod->objectName()) &&
        !(isBulk() && m_becomeMethod->currentIndex() == 0)) {
        vars.remove(kBecomeMethodKey);
        if (m_becomeMethod->currentIndex() > 0)
            vars.insert(kBecomeMethodKey, m_becomeMethod->currentData().toString());
    }
    if (touched(m_hostKeys->objectName()) && !(isBulk() && m_hostKeys->currentIndex() == 0)) {
        vars.remove(kHostKeysKey);
        if (m_hostKeys->currentIndex() > 0)
            vars.insert(kHostKeysKey, m_hostKeys->currentIndex() == 2 ? QStringLiteral("accept-new")
                                                                      : QStringLiteral("strict"));
    }
    // Variables: single host, the table is the host's own; several, what changed in the table.
    const QVariantMap table = m_vars->variables();
    if (!isBulk()) {
        const QStringList skip = connectionKeys();
        for (auto it = vars.begin(); it != vars.end();) {
            if (!skip.contains(it.key()) && !table.contains(it.key()))
                it = vars.erase(it);
            else
                ++it;
        }
    } else {
        for (auto it = m_commonVars.cbegin(); it != m_commonVars.cend(); ++it) {
            if (!table.contains(it.key()))
                vars.remove(it.key());
        }
    }
    for (auto it = table.cbegin(); it != table.cend(); ++it) {
        if (isBulk() && m_commonVars.value(it.key()) == it.value())
            continue; // unchanged: each host keeps its own
        vars.insert(it.key(), it.value());
    }
    return vars;
}

QList<Host> HostEditorDialog::editedHosts() const
{
    QList<Host> hosts;
    for (const Host& original : std::as_const(m_setup.hosts)) {
        const QString name = isBulk() ? original.name() : m_name->text().trimmed();
        hosts << Host(name, applyTo(original));
    }
    return hosts;
}

Host HostEditorDialog::host() const
{
    return editedHosts().constFirst();
}

QHash<QString, Qt::CheckState> HostEditorDialog::groupChoices() const
{
    QHash<QString, Qt::CheckState> choices;
    for (int i = 0; i < m_groupList->count(); ++i)
        choices.insert(m_groupList->item(i)->text(), m_groupList->item(i)->checkState());
    return choices;
}

QStringList HostEditorDialog::checkedGroups() const
{
    QStringList groups;
    for (int i = 0; i < m_groupList->count(); ++i) {
        if (m_groupList->item(i)->checkState() == Qt::Checked)
            groups << m_groupList->item(i)->text();
    }
    return groups;
}

void HostEditorDialog::tryAccept()
{
    QString problem;
    if (!isBulk()) {
        const QString name = m_name->text().trimmed();
        const QString original = m_setup.hosts.first().name();
        if (name.isEmpty())
            problem = tr("Give the host a name.");
        else if (name.contains(QLatin1Char(' ')) || name.contains(QLatin1Char(':')))
            problem = tr("A host name has no spaces or colons: %1").arg(name);
        else if (name != original && m_setup.takenNames.contains(name))
            problem = tr("There is already a host called %1.").arg(name);
    }
    if (const QString address = m_text.value(QStringLiteral("ansible_host"))->text().trimmed();
        address.contains(QLatin1Char(' ')))
        problem = tr("An address has no spaces: %1").arg(address);
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    if (problem.isEmpty())
        accept();
}

std::map<CredentialKind, engine::SecretBuffer> HostEditorDialog::takeSecrets()
{
    std::map<CredentialKind, engine::SecretBuffer> secrets;
    for (auto& [kind, secretField] : m_secretFields) {
        QString typed = secretField->text();
        secretField->clear();
        if (!typed.isEmpty())
            secrets.emplace(kind, engine::SecretBuffer::fromString(std::move(typed)));
    }
    return secrets;
}

void HostEditorDialog::showTestResult(const QString& result, bool ok)
{
    QPalette palette = this->palette();
    if (!ok) // from the status colours: readable on light and dark themes
        palette.setColor(
            QPalette::WindowText,
            ResultText::statusColor(ResultText::Status::Failed,
                                    palette.color(QPalette::Window).lightness() < 128));
    m_testResult->setPalette(palette);
    m_testResult->setText(result);
    m_testResult->show();
}

} // namespace hostdeck::ui
