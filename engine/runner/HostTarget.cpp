#include "runner/HostTarget.h"

namespace hostdeck::engine {

HostTarget HostTarget::local(const QString& name)
{
    HostTarget target;
    target.name = name;
    target.kind = Kind::Local;
    return target;
}

QString HostTarget::sessionKey() const
{
    QStringList parts{name, kind == Kind::Local ? QStringLiteral("local") : ssh.targetName(),
                      interpreter.join(QLatin1Char('\x1f')),
                      become ? QStringLiteral("become:") + becomeUser : QString()};
    if (kind == Kind::Ssh) {
        QStringList hops;
        for (const SshEndpoint& hop : ssh.jumpHosts)
            hops << hop.toString();
        parts << hops.join(QLatin1Char(',')) << ssh.identityFiles.join(QLatin1Char(','));
    }
    return parts.join(QLatin1Char('\x1e'));
}

} // namespace hostdeck::engine
