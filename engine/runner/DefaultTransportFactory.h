#pragma once

#include "runner/TransportFactory.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <memory>

namespace hostdeck::engine {

class CredentialProvider;
class HostKeyDecider;
class SshConnection;

/// Local hosts get a child process; SSH hosts get a channel on one shared connection per host
/// (a failed connection is replaced on next use). Lives on the engine thread.
class DefaultTransportFactory final : public QObject, public TransportFactory
{
    Q_OBJECT
public:
    DefaultTransportFactory(std::shared_ptr<CredentialProvider> credentials,
                            std::shared_ptr<HostKeyDecider> hostKeys, QObject* parent = nullptr);
    ~DefaultTransportFactory() override;

    std::unique_ptr<Transport> create(const HostTarget& target) override;
    int connectionCount() const { return int(m_connections.size()); }

private:
    std::shared_ptr<CredentialProvider> m_credentials;
    std::shared_ptr<HostKeyDecider> m_hostKeys;
    QHash<QString, QPointer<SshConnection>> m_connections;
};

} // namespace hostdeck::engine
