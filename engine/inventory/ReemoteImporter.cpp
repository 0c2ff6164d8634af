#include "engine/inventory/ReemoteImporter.h"

#include "engine/inventory/InventoryFile.h"
#include "engine/inventory/InventoryLimits.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hostdeck::engine {

namespace {

class ReemoteReader
{
public:
    explicit ReemoteReader(QString fileName) : m_fileName(std::move(fileName)) {}

    Result<ImportResult> read(const QByteArray& text)
    {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return failure(QStringLiteral("not JSON (at byte %1): %2")
                               .arg(parseError.offset)
                               .arg(parseError.errorString()));
        if (!document.isObject() || !document.object().value(QLatin1String("hosts")).isArray())
            return failure(
                QStringLiteral("a Reemote inventory is an object with a \"hosts\" list"));
        const QJsonObject root = document.object();
        for (auto it = root.begin(); it != root.end(); ++it) {
            if (it.key() != QLatin1String("hosts"))
                unmapped(it.key());
        }
        const QJsonArray hosts = root.value(QLatin1String("hosts")).toArray();
        if (hosts.size() > InventoryLimits::maxHosts)
            return failure(QStringLiteral("%1 hosts; at most %2 are allowed")
                               .arg(hosts.size())
                               .arg(InventoryLimits::maxHosts));
        for (qsizetype i = 0; i < hosts.size(); ++i) {
            m_where = QStringLiteral("hosts[%1]").arg(i);
            if (const Status read = readHost(hosts.at(i)); !read)
                return read.error();
        }
        if (m_hostKeyCheckingOff > 0)
            note(QStringLiteral("%1 host(s) had known_hosts: null (host-key checking off); this "
                                "is not carried over: Hostdeck verifies host keys against "
                                "known_hosts and asks about an unknown key on first connection")
                     .arg(m_hostKeyCheckingOff));
        return std::move(m_result);
    }

private:
    Error failure(const QString& problem) const
    {
        return makeError(ErrorKind::Usage,
                         m_where.isEmpty()
                             ? QStringLiteral("%1: %2").arg(m_fileName, problem)
                             : QStringLiteral("%1: %2: %3").arg(m_fileName, m_where, problem));
    }

    void note(const QString& problem)
    {
        m_result.issues.append(ImportIssue{m_fileName, 0, problem});
    }

    void unmapped(const QString& key)
    {
        note(QStringLiteral("%1 not imported: Hostdeck has no equivalent")
                 .arg(m_where.isEmpty() ? key : m_where + QLatin1Char('.') + key));
    }

    static QString text(const QJsonValue& value)
    {
        if (value.isDouble())
            return QString::number(value.toDouble(), 'g', 16);
        return value.toString();
    }

    Status readHost(const QJsonValue& entry)
    {
        if (!entry.isObject())
            return failure(QStringLiteral("a host entry must be an object"));
        const QJsonObject object = entry.toObject();
        const QJsonObject connection = object.value(QLatin1String("connection")).toObject();
        const QString address = connection.value(QLatin1String("host")).toString().trimmed();
        if (address.isEmpty())
            return failure(QStringLiteral("connection.host is missing"));
        for (auto it = object.begin(); it != object.end(); ++it) {
            static const QStringList known{QStringLiteral("connection"),
                                           QStringLiteral("authentication"),
                                           QStringLiteral("session"), QStringLiteral("groups")};
            if (!known.contains(it.key()))
                unmapped(it.key());
        }
        QString name = address;
        for (int n = 2; m_result.inventory.hasHost(name); ++n)
            name = QStringLiteral("%1-%2").arg(address).arg(n);
        if (name != address)
            note(QStringLiteral("%1: %2 appears more than once; this entry is host '%3'")
                     .arg(m_where, address, name));
        Host host(name);
        if (name != address)
            host.setAddress(address);
        if (const Status read = readConnection(connection, name, host); !read)
            return read;
        if (const Status read =
                readAuthentication(object.value(QLatin1String("authentication")), name, host);
            !read)
            return read;
        if (const Status read = readSession(object.value(QLatin1String("session")), host); !read)
            return read;
        return addToGroups(object.value(QLatin1String("groups")), host);
    }

    Status readConnection(const QJsonObject& connection, const QString& name, Host& host)
    {
        const QString where = m_where;
        for (auto it = connection.begin(); it != connection.end(); ++it) {
            const QString key = it.key();
            const QJsonValue value = it.value();
            if (key == QLatin1String("host"))
                continue;
            if (key == QLatin1String("username")) {
                host.setUser(text(value));
            } else if (key == QLatin1String("port")) {
                const int port = value.isDouble() ? value.toInt() : text(value).toInt();
                if (port <= 0 || port > 65535)
                    return failure(QStringLiteral("connection.port is not a port number"));
                host.setPort(port);
            } else if (key == QLatin1String("password")) {
                secret(name, CredentialKind::SshPassword, value);
            } else if (key == QLatin1String("passphrase")) {
                secret(name, CredentialKind::KeyPassphrase, value);
            } else if (key == QLatin1String("client_keys")) {
                clientKeys(value, host);
            } else if (key == QLatin1String("known_hosts") && value.isNull()) {
                ++m_hostKeyCheckingOff;
            } else if (key == QLatin1String("tunnel")) {
                tunnel(value, host);
            } else {
                m_where = where + QStringLiteral(".connection");
                unmapped(key);
                m_where = where;
            }
        }
        return Ok{};
    }

    void clientKeys(const QJsonValue& value, Host& host)
    {
        QStringList keys;
        if (value.isString())
            keys.append(value.toString());
        for (const QJsonValue& key : value.toArray())
            keys.append(key.toString());
        if (keys.isEmpty())
            return;
        host.setIdentityFile(keys.first());
        if (keys.size() > 1)
            note(QStringLiteral("%1.connection.client_keys: only the first key (%2) is used; not "
                                "imported: %3")
                     .arg(m_where, keys.first(), keys.mid(1).join(QStringLiteral(", "))));
    }

    void tunnel(const QJsonValue& value, Host& host)
    {
        if (value.isString()) {
            host.setJumpHost(value.toString());
            return;
        }
        const QJsonObject jump = value.toObject();
        const QString address = jump.value(QLatin1String("host")).toString();
        if (address.isEmpty()) {
            note(
                QStringLiteral("%1.connection.tunnel not imported: it names no host").arg(m_where));
            return;
        }
        QString spec = address;
        if (jump.contains(QLatin1String("username")))
            spec.prepend(text(jump.value(QLatin1String("username"))) + QLatin1Char('@'));
        if (jump.contains(QLatin1String("port")))
            spec += QLatin1Char(':') + text(jump.value(QLatin1String("port")));
        host.setJumpHost(spec);
        for (auto it = jump.begin(); it != jump.end(); ++it) {
            static const QStringList used{QStringLiteral("host"), QStringLiteral("username"),
                                          QStringLiteral("port")};
            if (!used.contains(it.key()))
                note(QStringLiteral("%1.connection.tunnel.%2 not imported: the jump host's own "
                                    "settings (and secrets) come from its own entry or ssh config")
                         .arg(m_where, it.key()));
        }
    }

    Status readAuthentication(const QJsonValue& value, const QString& name, Host& host)
    {
        if (value.isUndefined() || value.isNull())
            return Ok{};
        if (!value.isObject())
            return failure(QStringLiteral("authentication must be an object"));
        const QJsonObject auth = value.toObject();
        const QString suUser = text(auth.value(QLatin1String("su_user")));
        const bool hasSuPassword = auth.contains(QLatin1String("su_password")) &&
                                   !auth.value(QLatin1String("su_password")).isNull();
        if (!suUser.isEmpty()) {
            host.setVar(QStringLiteral("ansible_become_method"), QStringLiteral("su"));
            host.setVar(QStringLiteral("ansible_become_user"), suUser);
        }
        for (auto it = auth.begin(); it != auth.end(); ++it) {
            if (it.key() == QLatin1String("su_user"))
                continue;
            if (it.key() == QLatin1String("su_password")) {
                secret(name, CredentialKind::SudoPassword, it.value());
            } else if (it.key() == QLatin1String("sudo_password")) {
                if (hasSuPassword && !suUser.isEmpty())
                    note(QStringLiteral("%1.authentication.sudo_password not imported: the host "
                                        "becomes root with su, so its become password is the su "
                                        "password")
                             .arg(m_where));
                else
                    secret(name, CredentialKind::SudoPassword, it.value());
            } else {
                const QString where = m_where;
                m_where += QStringLiteral(".authentication");
                unmapped(it.key());
                m_where = where;
            }
        }
        return Ok{};
    }

    Status readSession(const QJsonValue& value, Host& host)
    {
        if (value.isUndefined() || value.isNull())
            return Ok{};
        if (!value.isObject())
            return failure(QStringLiteral("session must be an object"));
        const QJsonObject session = value.toObject();
        for (auto it = session.begin(); it != session.end(); ++it) {
            if (it.key() == QLatin1String("env")) {
                if (!it.value().isObject())
                    return failure(QStringLiteral("session.env must be an object"));
                if (!it.value().toObject().isEmpty())
                    host.setVar(QStringLiteral("environment"),
                                it.value().toObject().toVariantMap());
            } else {
                const QString where = m_where;
                m_where += QStringLiteral(".session");
                unmapped(it.key());
                m_where = where;
            }
        }
        return Ok{};
    }

    Status addToGroups(const QJsonValue& value, const Host& host)
    {
        QStringList groups;
        if (value.isString())
            groups.append(value.toString());
        else if (value.isArray()) {
            for (const QJsonValue& group : value.toArray()) {
                if (!group.isString() || group.toString().trimmed().isEmpty())
                    return failure(QStringLiteral("groups must be a list of names"));
                groups.append(group.toString().trimmed());
            }
        } else if (!value.isUndefined() && !value.isNull()) {
            return failure(QStringLiteral("groups must be a list of names"));
        }
        Inventory& inv = m_result.inventory;
        for (const QString& group : groups) {
            if (group == Inventory::allGroup() || group == host.name())
                continue;
            if (!inv.group(group) && inv.groups().size() >= InventoryLimits::maxGroups)
                return failure(
                    QStringLiteral("more than %1 groups").arg(InventoryLimits::maxGroups));
        }
        groups.removeAll(Inventory::allGroup());
        if (groups.isEmpty())
            inv.addHost(host);
        for (const QString& group : groups)
            inv.addHost(host, group);
        return Ok{};
    }

    void secret(const QString& name, CredentialKind kind, const QJsonValue& value)
    {
        if (!value.isString() || value.toString().isEmpty())
            return;
        m_result.secrets.push_back(
            ImportedSecret{name, kind, SecretBuffer::fromString(value.toString())});
    }

    QString m_fileName;
    QString m_where;
    ImportResult m_result;
    int m_hostKeyCheckingOff = 0;
};

} // namespace

Result<ImportResult> ReemoteImporter::parse(const QByteArray& text, const QString& fileName)
{
    ReemoteReader reader(fileName);
    return reader.read(text);
}

Result<ImportResult> ReemoteImporter::importFile(const QString& path)
{
    const Result<QByteArray> text = InventoryFile::readLimited(path);
    if (!text)
        return text.error();
    return parse(*text, path);
}

} // namespace hostdeck::engine
