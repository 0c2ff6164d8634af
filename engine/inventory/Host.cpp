#include "engine/inventory/Host.h"

#include "engine/inventory/YamlConvert.h"

#include <utility>

namespace hostdeck::engine {

Host::Host(QString name, QVariantMap vars) : m_name(std::move(name)), m_vars(std::move(vars)) {}

void Host::setVar(const QString& key, const QVariant& value)
{
    m_vars.insert(key, value);
}

QString Host::stringVar(const char* key) const
{
    return detail::pythonText(m_vars.value(QLatin1String(key)));
}

void Host::setOrRemove(const char* key, const QVariant& value, bool remove)
{
    if (remove)
        m_vars.remove(QLatin1String(key));
    else
        m_vars.insert(QLatin1String(key), value);
}

QString Host::preferred(const char* oldKey, const char* newKey) const
{
    // Ansible's connection settings read the old ansible_ssh_* spelling first when both are set.
    const QString old = stringVar(oldKey);
    return old.isEmpty() ? stringVar(newKey) : old;
}

QString Host::address() const
{
    const QString address = preferred("ansible_ssh_host", "ansible_host");
    return address.isEmpty() ? m_name : address;
}

int Host::port() const
{
    // As Ansible's int(): 2222, "2222", 2222.0 all work; anything else means the default.
    QVariant value = m_vars.value(QStringLiteral("ansible_ssh_port"));
    if (value.isNull())
        value = m_vars.value(QStringLiteral("ansible_port"));
    const std::optional<qlonglong> port = detail::pythonInt(value);
    return port && *port > 0 && *port < 65536 ? int(*port) : 22;
}

QString Host::user() const
{
    return preferred("ansible_ssh_user", "ansible_user");
}

HostTransport Host::transport() const
{
    QString value = stringVar("hostdeck_transport");
    if (value.isEmpty())
        value = stringVar("ansible_connection");
    return value == QLatin1String("local") ? HostTransport::Local : HostTransport::Ssh;
}

QString Host::pythonInterpreter() const
{
    const QString python = stringVar("ansible_python_interpreter");
    return python.isEmpty() ? QStringLiteral("python3") : python;
}

QString Host::jumpHost() const
{
    return stringVar("hostdeck_jump");
}

bool Host::become() const
{
    return isTruthy(m_vars.value(QStringLiteral("ansible_become")));
}

QString Host::becomeUser() const
{
    const QString user = stringVar("ansible_become_user");
    return user.isEmpty() ? QStringLiteral("root") : user;
}

HostKeyPolicy Host::hostKeyPolicy() const
{
    return stringVar("hostdeck_host_keys") == QLatin1String("accept-new") ? HostKeyPolicy::AcceptNew
                                                                          : HostKeyPolicy::Strict;
}

QString Host::identityFile() const
{
    return preferred("ansible_ssh_private_key_file", "ansible_private_key_file");
}

QStringList Host::tags() const
{
    const QVariant value = m_vars.value(QStringLiteral("hostdeck_tags"));
    if (value.typeId() == QMetaType::QVariantList || value.typeId() == QMetaType::QStringList)
        return value.toStringList();
    QStringList tags;
    for (const QString& tag : value.toString().split(QLatin1Char(','), Qt::SkipEmptyParts))
        tags.append(tag.trimmed());
    return tags;
}

// Setting a value writes the current spelling and drops the old one, which would win otherwise.
void Host::setAddress(const QString& address)
{
    m_vars.remove(QStringLiteral("ansible_ssh_host"));
    setOrRemove("ansible_host", address, address.isEmpty());
}

void Host::setPort(int port)
{
    m_vars.remove(QStringLiteral("ansible_ssh_port"));
    setOrRemove("ansible_port", port, port <= 0);
}

void Host::setUser(const QString& user)
{
    m_vars.remove(QStringLiteral("ansible_ssh_user"));
    setOrRemove("ansible_user", user, user.isEmpty());
}

void Host::setTransport(HostTransport transport)
{
    setOrRemove("hostdeck_transport", QStringLiteral("local"), transport == HostTransport::Ssh);
}

void Host::setPythonInterpreter(const QString& interpreter)
{
    setOrRemove("ansible_python_interpreter", interpreter, interpreter.isEmpty());
}

void Host::setJumpHost(const QString& jump)
{
    setOrRemove("hostdeck_jump", jump, jump.isEmpty());
}

void Host::setBecome(bool become, const QString& becomeUser)
{
    setOrRemove("ansible_become", true, !become);
    setOrRemove("ansible_become_user", becomeUser, !become || becomeUser.isEmpty());
}

void Host::setHostKeyPolicy(HostKeyPolicy policy)
{
    setOrRemove("hostdeck_host_keys", QStringLiteral("accept-new"),
                policy == HostKeyPolicy::Strict);
}

void Host::setIdentityFile(const QString& path)
{
    m_vars.remove(QStringLiteral("ansible_private_key_file"));
    setOrRemove("ansible_ssh_private_key_file", path, path.isEmpty());
}

void Host::setTags(const QStringList& tags)
{
    setOrRemove("hostdeck_tags", tags, tags.isEmpty());
}

bool Host::isTruthy(const QVariant& value)
{
    if (value.typeId() == QMetaType::Bool)
        return value.toBool();
    if (value.typeId() == QMetaType::Int || value.typeId() == QMetaType::LongLong)
        return value.toLongLong() != 0;
    const QString text = value.toString().trimmed().toLower();
    return text == QLatin1String("yes") || text == QLatin1String("true") ||
           text == QLatin1String("1") || text == QLatin1String("on") || text == QLatin1String("y");
}

} // namespace hostdeck::engine
