#include "template/TemplateTargets.h"

#include <QProcess>

namespace hostdeck::ui {

using engine::HostTarget;

HostTarget TemplateTargets::fromHost(const engine::Host& host, const QString& inventoryId)
{
    HostTarget target;
    target.name = host.name();
    target.inventoryId = inventoryId;
    const QStringList interpreter = QProcess::splitCommand(host.pythonInterpreter());
    if (!interpreter.isEmpty())
        target.interpreter = interpreter;
    target.become = host.become();
    target.becomeUser = host.become() ? host.becomeUser() : QString();
    if (host.transport() == engine::HostTransport::Local) {
        target.kind = HostTarget::Kind::Local;
        return target;
    }
    target.kind = HostTarget::Kind::Ssh;
    target.ssh.host = host.address();
    target.ssh.port = quint16(host.port());
    target.ssh.user = host.user();
    target.ssh.hostKeyPolicy = host.hostKeyPolicy();
    if (!host.identityFile().isEmpty())
        target.ssh.identityFiles = {host.identityFile()};
    if (!host.jumpHost().isEmpty()) {
        for (const QString& hop : host.jumpHost().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            if (auto endpoint = engine::SshEndpoint::parse(hop.trimmed()))
                target.ssh.jumpHosts.append(*endpoint);
        }
    }
    return target;
}

} // namespace hostdeck::ui
