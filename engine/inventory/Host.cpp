#include "inventory/Host.h"

#include <utility>

namespace hostdeck::engine {

Host::Host(QString name, QVariantMap vars) : m_name(std::move(name)), m_vars(std::move(vars)) {}

void Host::setVar(const QString& key, const QVariant& value)
{
    m_vars.insert(key, value);
}

QString Host::stringVar(const char* key) const
{
    return m_vars.value(QLatin1String(key)).toString();
}

void Host::setOrRemove(const char* key, const QVariant& value, bool remove)
{
    if (remove)
        m_vars.remove(QLatin1String(key));
    else
        m_vars.insert(QLatin1String(key), value);
}

QString Host::address() const
{
    const QString address = stringVar("ansible_host");
    return address.isEmpty() ? m_name : address;
}

int Host::port() const
{
    bool ok = false;
    const int port = m_vars.value(QStringLiteral("ansible_port")).toString().toInt(&ok);
    return ok && port > 0 && port < 65536 ? port : 22;
}

QString Host::user() const
{
    return stringVar("ansible_user");
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
    return stringVar("ansible_ssh_private_key_file");
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

void Host::setAddress(const QString& address)
{
    setOrRemove("ansible_host", address, address.isEmpty());
}

void Host::setPort(int port)
{
    setOrRemove("ansible_port", port, port <= 0);
}

void Host::setUser(const QString& user)
{
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
