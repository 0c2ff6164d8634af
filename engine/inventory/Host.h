#pragma once

#include "engine/util/HostKeyPolicy.h"

#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace hostdeck::engine {

enum class HostTransport
{
    Ssh,
    Local
};
/// One managed host. Its variables (`vars`) are the single source of truth: the connection
/// settings below are read from the Ansible keys (ansible_host, ansible_user, ...) and the
/// hostdeck_* keys in them, so a Host built from merged variables (Inventory::resolvedHost)
/// carries settings inherited from its groups. Keys Hostdeck does not know are kept as they are.
class Host
{
public:
    Host() = default;
    explicit Host(QString name, QVariantMap vars = {});

    const QString& name() const { return m_name; }
    void setName(const QString& name) { m_name = name; }
    const QVariantMap& vars() const { return m_vars; }
    QVariantMap& vars() { return m_vars; }
    void setVar(const QString& key, const QVariant& value);

    /// Connection settings as Ansible reads them: the old ansible_ssh_host/_port/_user spelling
    /// wins over ansible_host/_port/_user when both are set (after group/host precedence).
    QString address() const; ///< ansible_ssh_host, ansible_host, else the name
    int port() const;        ///< ansible_ssh_port, ansible_port, else 22
    QString user() const;    ///< ansible_ssh_user, ansible_user (empty = the login's default)
    HostTransport transport() const;
    QString pythonInterpreter() const; ///< ansible_python_interpreter, else "python3"
    QString jumpHost() const;          ///< hostdeck_jump
    bool become() const;
    QString becomeUser() const; ///< ansible_become_user, else "root"
    HostKeyPolicy hostKeyPolicy() const;
    QString identityFile() const; ///< ansible_ssh_private_key_file, ansible_private_key_file
    QStringList tags() const;     ///< hostdeck_tags (list or comma separated)

    void setAddress(const QString& address);
    void setPort(int port);
    void setUser(const QString& user);
    void setTransport(HostTransport transport);
    void setPythonInterpreter(const QString& interpreter);
    void setJumpHost(const QString& jump);
    void setBecome(bool become, const QString& becomeUser = {});
    void setHostKeyPolicy(HostKeyPolicy policy);
    void setIdentityFile(const QString& path);
    void setTags(const QStringList& tags);

    /// Ansible's truthiness for strings such as "yes", "True", "1", "on".
    static bool isTruthy(const QVariant& value);

    friend bool operator==(const Host&, const Host&) = default;

private:
    QString stringVar(const char* key) const;
    QString preferred(const char* oldKey, const char* newKey) const;
    void setOrRemove(const char* key, const QVariant& value, bool remove);

    QString m_name;
    QVariantMap m_vars;
};

} // namespace hostdeck::engine
