#pragma once

#include "engine/runner/TransportFactory.h"

#include <memory>

namespace hostdeck::engine {

class CredentialProvider;
class HostKeyDecider;

/// Local hosts get a child process; SSH hosts get a channel on the host's one connection (kept
/// in its HostLink; replaced when it failed or its settings changed). Lives on the engine thread.
class DefaultTransportFactory final : public TransportFactory
{
public:
    DefaultTransportFactory(std::shared_ptr<CredentialProvider> credentials,
                            std::shared_ptr<HostKeyDecider> hostKeys);
    ~DefaultTransportFactory() override;

    std::unique_ptr<Transport> create(const HostTarget& target, HostLink& link) override;

private:
    std::shared_ptr<CredentialProvider> m_credentials;
    std::shared_ptr<HostKeyDecider> m_hostKeys;
};

} // namespace hostdeck::engine
