#include "engine/runner/DefaultTransportFactory.h"

#include "engine/ssh/CredentialProvider.h"
#include "engine/ssh/HostKeyDecider.h"
#include "engine/ssh/SshConnection.h"
#include "engine/ssh/SshTransport.h"
#include "engine/transport/LocalTransport.h"

namespace hostdeck::engine {

DefaultTransportFactory::DefaultTransportFactory(std::shared_ptr<CredentialProvider> credentials,
                                                 std::shared_ptr<HostKeyDecider> hostKeys)
    : m_credentials(std::move(credentials)), m_hostKeys(std::move(hostKeys))
{
}

DefaultTransportFactory::~DefaultTransportFactory() = default;

std::unique_ptr<Transport> DefaultTransportFactory::create(const HostTarget& target, HostLink& link)
{
    if (target.kind == HostTarget::Kind::Local)
        return std::make_unique<LocalTransport>();
    auto* connection = qobject_cast<SshConnection*>(link.connection.get());
    const QString key = target.connectionKey();
    if (!connection || connection->state() == SshConnection::State::Failed || link.key != key) {
        if (link.connection)
            link.connection.release()->deleteLater(); // its transports may still be on the stack
        connection = new SshConnection(target.ssh, m_credentials.get(), m_hostKeys.get());
        link.connection.reset(connection);
        link.key = key;
    }
    return std::make_unique<SshTransport>(connection);
}

} // namespace hostdeck::engine
