#pragma once

#include "inventory/Host.h"
#include "runner/HostTarget.h"

namespace hostdeck::ui {

/// Default mapping of an inventory host (with merged variables) to where its agent runs:
/// hostdeck_transport=local -> a local process, otherwise SSH with the host's address, port,
/// user, key, jump host, interpreter, become and host-key policy. The main window may pass its
/// own mapping to the template editor instead (known_hosts location, default identities).
class TemplateTargets
{
public:
    static engine::HostTarget fromHost(const engine::Host& resolvedHost,
                                       const QString& inventoryId = {});
    /// The name the editor uses for "this machine" (not an inventory host).
    static QString localName() { return QStringLiteral("localhost"); }
};

} // namespace hostdeck::ui
