#include "engine/ssh/InventorySshSettings.h"

#include "engine/ssh/SshConfigResolver.h"
#include "engine/ssh/SshConfigSyntax.h"

namespace hostdeck::engine {

namespace {

constexpr int maxDepth = 16;

QStringList stringList(const QVariant& value)
{
    if (value.typeId() == QMetaType::QVariantList || value.typeId() == QMetaType::QStringList)
        return value.toStringList();
    const QString text = value.toString().trimmed();
    return text.isEmpty() ? QStringList() : QStringList{text};
}

QStringList expandedPaths(const QVariant& value)
{
    QStringList paths;
    for (const QString& path : stringList(value)) {
        const Result<QString> expanded = sshconfig::expandTilde(path);
        paths.append(expanded ? *expanded : path);
    }
    return paths;
}

bool truthy(const QVariant& value)
{
    if (value.typeId() == QMetaType::Bool)
        return value.toBool();
    const QString text = value.toString().trimmed().toLower();
    return text == QLatin1String("true") || text == QLatin1String("yes") ||
           text == QLatin1String("on") || text == QLatin1String("1");
}

Result<SshSettings> settingsFor(const QString& name, const QVariantMap& vars,
                                const SshSettings& base, const HostVariables& hosts, int depth);

/// One hop of hostdeck_jump: an inventory host with its own settings, else resolved as
/// `ssh -J` would (through the ssh config in effect, if any).
Result<SshSettings> hopSettings(const SshEndpoint& hop, bool portGiven, const QString& earlier,
                                const SshSettings& base, const HostVariables& hosts, int depth)
{
    if (const std::optional<QVariantMap> vars = hosts ? hosts(hop.host) : std::nullopt) {
        QVariantMap own = *vars;
        if (!hop.user.isEmpty())
            own.insert(QStringLiteral("ansible_user"), hop.user);
        if (portGiven)
            own.insert(QStringLiteral("ansible_port"), int(hop.port));
        if (!earlier.isEmpty())
            own.remove(QStringLiteral("hostdeck_jump")); // reached through the earlier hops
        return settingsFor(hop.host, own, base, hosts, depth + 1);
    }
    SshConfigQuery query{hop.host, hop.user, portGiven ? int(hop.port) : -1, earlier};
    return SshConfigResolver::resolve(query, base);
}

Result<SshSettings> settingsFor(const QString& name, const QVariantMap& vars,
                                const SshSettings& base, const HostVariables& hosts, int depth)
{
    if (depth > maxDepth)
        return makeError(ErrorKind::Usage,
                         QStringLiteral("host '%1': jump hosts nested more than %2 deep (a loop?)")
                             .arg(name)
                             .arg(maxDepth));
    SshSettings b = base;
    const QString config = vars.value(QStringLiteral("hostdeck_ssh_config")).toString().trimmed();
    if (config.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) {
        b.sshConfigFile.clear();
        b.systemSshConfigFile.clear();
    } else if (!config.isEmpty()) {
        b.sshConfigFile = expandedPaths(config).constFirst();
        b.systemSshConfigFile.clear();
    }
    // Ansible's older spellings (ansible_ssh_host/_port/_user) win over the newer ones.
    const auto preferred = [&vars](const char* old, const char* current) {
        const QString o = QLatin1String(old);
        return vars.contains(o) && !vars.value(o).isNull() ? o : QString::fromLatin1(current);
    };
    const QString hostKey = preferred("ansible_ssh_host", "ansible_host");
    const QString userKey = preferred("ansible_ssh_user", "ansible_user");
    const QString portKey = preferred("ansible_ssh_port", "ansible_port");
    SshConfigQuery query;
    query.host = vars.value(hostKey).toString().trimmed();
    if (query.host.isEmpty())
        query.host = name;
    query.user = vars.value(userKey).toString().trimmed();
    if (vars.contains(portKey)) {
        bool ok = false;
        query.port = vars.value(portKey).toString().toInt(&ok);
        if (!ok || query.port <= 0 || query.port > 65535)
            return makeError(ErrorKind::Usage,
                             QStringLiteral("host '%1': bad %2 '%3'")
                                 .arg(name, portKey, vars.value(portKey).toString()));
    }
    Result<SshSettings> resolved = SshConfigResolver::resolve(query, b);
    if (!resolved && depth > 0)
        return resolved.error();
    if (!resolved)
        return makeError(resolved.error().kind,
                         QStringLiteral("host '%1': %2").arg(name, resolved.error().message));
    SshSettings s = *resolved;
    const QStringList identities =
        vars.contains(QStringLiteral("hostdeck_identity_files"))
            ? expandedPaths(vars.value(QStringLiteral("hostdeck_identity_files")))
            : expandedPaths(vars.value(QStringLiteral("ansible_ssh_private_key_file")));
    if (!identities.isEmpty())
        s.identityFiles = identities;
    if (const QStringList files = expandedPaths(vars.value(QStringLiteral("hostdeck_known_hosts")));
        !files.isEmpty())
        s.userKnownHostsFiles = files;
    if (const QStringList files =
            expandedPaths(vars.value(QStringLiteral("hostdeck_global_known_hosts")));
        !files.isEmpty())
        s.globalKnownHostsFiles = files;
    if (vars.contains(QStringLiteral("hostdeck_host_key_alias")))
        s.hostKeyAlias = vars.value(QStringLiteral("hostdeck_host_key_alias")).toString().toLower();
    if (vars.contains(QStringLiteral("hostdeck_hash_known_hosts")))
        s.hashKnownHosts = truthy(vars.value(QStringLiteral("hostdeck_hash_known_hosts")));
    if (vars.contains(QStringLiteral("hostdeck_host_keys")))
        s.hostKeyPolicy = vars.value(QStringLiteral("hostdeck_host_keys")).toString() ==
                                  QLatin1String("accept-new")
                              ? HostKeyPolicy::AcceptNew
                              : HostKeyPolicy::Strict;
    if (const int seconds = vars.value(QStringLiteral("ansible_ssh_timeout")).toInt(); seconds > 0)
        s.connectTimeout = std::chrono::seconds(seconds);

    const QString jump = vars.value(QStringLiteral("hostdeck_jump")).toString().trimmed();
    if (jump.isEmpty() || jump.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return s;
    SshSettings hopBase = b;
    hopBase.user.clear(); // a hop names its own user or uses the login name, as `ssh -J`
    QList<SshEndpoint> chain;
    const QStringList parts = jump.split(u',', Qt::SkipEmptyParts);
    for (int k = 0; k < parts.size(); ++k) {
        const QString part = parts.at(k).trimmed();
        const Result<SshEndpoint> parsed = SshEndpoint::parse(part);
        if (!parsed)
            return makeError(ErrorKind::Usage, QStringLiteral("host '%1': jump host '%2': %3")
                                                   .arg(name, part, parsed.error().message));
        const QString afterAt = part.section(u'@', -1);
        const bool portGiven = afterAt.startsWith(u'[') ? afterAt.contains(QLatin1String("]:"))
                                                        : afterAt.count(u':') == 1;
        const QString earlier = parts.mid(0, k).join(u',');
        const Result<SshSettings> hop =
            hopSettings(*parsed, portGiven, earlier, hopBase, hosts, depth);
        if (!hop && depth > 0)
            return hop.error(); // said once, by the outermost host
        if (!hop)
            return makeError(hop.error().kind, QStringLiteral("host '%1': jump host '%2': %3")
                                                   .arg(name, part, hop.error().message));
        if (k == 0)
            chain += hop->jumpHosts; // only the first hop's own jump applies, as in ssh
        SshSettings own = *hop;
        own.jumpHosts.clear();
        SshEndpoint endpoint;
        endpoint.user = own.user;
        endpoint.host = own.host;
        endpoint.port = own.port;
        endpoint.identityFiles = own.identityFiles;
        endpoint.resolved = std::make_shared<const SshSettings>(own);
        chain.append(endpoint);
    }
    s.jumpHosts = chain;
    return s;
}

} // namespace

Result<SshSettings> InventorySshSettings::forHost(const QString& name, const QVariantMap& vars,
                                                  const SshSettings& base,
                                                  const HostVariables& hosts)
{
    return settingsFor(name, vars, base, hosts, 0);
}

} // namespace hostdeck::engine
