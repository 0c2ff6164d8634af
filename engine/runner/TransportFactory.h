#pragma once

#include "engine/runner/HostTarget.h"
#include "engine/transport/Transport.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace hostdeck::engine {

/// What a host keeps between its agents: its SSH connection (null for a local host). Owned by
/// the SessionPool's entry for the host, so one owner decides when it closes.
struct HostLink
{
    QString key;                         ///< HostTarget::connectionKey() it was made for
    std::unique_ptr<QObject> connection; ///< e.g. the SshConnection; deleted with the link
};

/// Makes the transport for one agent of a host.
class TransportFactory
{
public:
    virtual ~TransportFactory() = default;
    /// A new transport for `target`. An SSH factory opens channels on the connection it keeps in
    /// `link` (making a new one when the link is empty, failed or for other settings).
    virtual std::unique_ptr<Transport> create(const HostTarget& target, HostLink& link) = 0;
};

} // namespace hostdeck::engine
