#pragma once

#include "runner/HostTarget.h"
#include "transport/Transport.h"

#include <memory>

namespace hostdeck::engine {

/// Makes the transport for a host. The SSH implementation shares one connection per host.
class TransportFactory
{
public:
    virtual ~TransportFactory() = default;
    virtual std::unique_ptr<Transport> create(const HostTarget& target) = 0;
};

} // namespace hostdeck::engine
