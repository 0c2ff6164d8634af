#include "engine/runner/HostTarget.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace hostdeck::engine {

HostTarget HostTarget::local(const QString& name)
{
    HostTarget target;
    target.name = name;
    target.kind = Kind::Local;
    return target;
}

QString becomeMethodName(BecomeMethod method)
{
    return method == BecomeMethod::Su ? QStringLiteral("su") : QStringLiteral("sudo");
}

QString HostTarget::connectionKey() const
{
    if (kind == Kind::Local)
        return QStringLiteral("local");
    return ssh.connectionKey() + QLatin1Char('\x1e') + ssh.inventoryId;
}

namespace {

QJsonObject endpointJson(const SshSettings& ssh)
{
    QJsonArray hops;
    for (const SshEndpoint& hop : ssh.jumpHosts) {
        const SshSettings via = hop.resolved ? *hop.resolved : ssh.forJumpHost(hop);
        QJsonObject h{{QStringLiteral("user"), via.effectiveUser()},
                      {QStringLiteral("host"), via.host},
                      {QStringLiteral("port"), int(via.port)}};
        hops.append(h);
    }
    return {{QStringLiteral("user"), ssh.effectiveUser()},
            {QStringLiteral("host"), ssh.host},
            {QStringLiteral("port"), int(ssh.port)},
            {QStringLiteral("identity_files"),
             QJsonArray::fromStringList(ssh.effectiveIdentityFiles())},
            {QStringLiteral("known_hosts"),
             QJsonArray::fromStringList(ssh.effectiveUserKnownHostsFiles())},
            {QStringLiteral("host_key_alias"), ssh.hostKeyAlias},
            {QStringLiteral("host_keys"), ssh.hostKeyPolicy == HostKeyPolicy::AcceptNew
                                              ? QStringLiteral("accept-new")
                                              : QStringLiteral("strict")},
            {QStringLiteral("jump"), hops}};
}

} // namespace

QJsonObject HostTarget::toJson() const
{
    QJsonObject json{{QStringLiteral("name"), name},
                     {QStringLiteral("kind"),
                      kind == Kind::Local ? QStringLiteral("local") : QStringLiteral("ssh")},
                     {QStringLiteral("interpreter"), QJsonArray::fromStringList(interpreter)},
                     {QStringLiteral("become"), become},
                     {QStringLiteral("inventory_id"), inventoryId},
                     {QStringLiteral("environment"), environment}};
    if (become) {
        json.insert(QStringLiteral("become_method"), becomeMethodName(becomeMethod));
        json.insert(QStringLiteral("become_user"),
                    becomeUser.isEmpty() ? QStringLiteral("root") : becomeUser);
    }
    if (kind == Kind::Ssh)
        json.insert(QStringLiteral("ssh"), endpointJson(ssh));
    return json;
}

QString HostTarget::sessionKey() const
{
    const QString becomeKey =
        become ? becomeMethodName(becomeMethod) + QLatin1Char(':') + becomeUser : QString();
    return QStringList{name, connectionKey(), interpreter.join(QLatin1Char('\x1f')), becomeKey,
                       QString::fromUtf8(QJsonDocument(environment).toJson(QJsonDocument::Compact))}
        .join(QLatin1Char('\x1d'));
}

} // namespace hostdeck::engine
