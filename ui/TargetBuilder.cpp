#include "TargetBuilder.h"

namespace hostdeck::ui {

engine::HostTarget TargetBuilder::build(const TargetSpec& spec, const QStringList& localInterpreter)
{
    engine::HostTarget target = engine::HostTarget::local(spec.name);
    target.inventoryId = spec.inventoryId;
    target.become = spec.become;
    target.becomeUser = spec.becomeUser == QStringLiteral("root") ? QString() : spec.becomeUser;
    if (spec.local) {
        target.interpreter =
            spec.python == QStringLiteral("python3") ? localInterpreter : QStringList{spec.python};
        return target;
    }
    target.kind = engine::HostTarget::Kind::Ssh;
    target.interpreter = QStringList{spec.python};
    target.ssh.host = spec.address.isEmpty() ? spec.name : spec.address;
    target.ssh.port = quint16(spec.port);
    target.ssh.user = spec.user;
    if (!spec.identityFile.isEmpty())
        target.ssh.identityFiles = {spec.identityFile};
    target.ssh.hostKeyPolicy =
        spec.acceptNewHostKeys ? engine::HostKeyPolicy::AcceptNew : engine::HostKeyPolicy::Strict;
    for (const QString& hop : spec.jumpHost.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (auto endpoint = engine::SshEndpoint::parse(hop.trimmed()))
            target.ssh.jumpHosts << *endpoint;
    }
    return target;
}

} // namespace hostdeck::ui
