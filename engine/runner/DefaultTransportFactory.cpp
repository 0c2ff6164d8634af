#include "runner/DefaultTransportFactory.h"

#include "ssh/CredentialProvider.h"
#include "ssh/HostKeyDecider.h"
#include "ssh/SshConnection.h"
#include "ssh/SshTransport.h"
#include "transport/LocalTransport.h"

namespace hostdeck::engine {

namespace {

QString connectionKey(const SshSettings& s)
{
    QStringList hops;
    for (const SshEndpoint& hop : s.jumpHosts)
        hops << hop.toString();
    return QStringList{s.targetName(), hops.join(QLatin1Char(',')),
                       s.identityFiles.join(QLatin1Char(',')), s.effectiveKnownHostsFile(),
                       QString::number(int(s.hostKeyPolicy))}
        .join(QLatin1Char('\x1e'));
}

} // namespace

DefaultTransportFactory::DefaultTransportFactory(std::shared_ptr<CredentialProvider> credentials,
                                                 std::shared_ptr<HostKeyDecider> hostKeys,
                                                 QObject* parent)
    : QObject(parent), m_credentials(std::move(credentials)), m_hostKeys(std::move(hostKeys))
{
}

DefaultTransportFactory::~DefaultTransportFactory()
{
    for (const QPointer<SshConnection>& connection : std::as_const(m_connections))
        delete connection.data();
}

std::unique_ptr<Transport> DefaultTransportFactory::create(const HostTarget& target)
{
    if (target.kind == HostTarget::Kind::Local)
        return std::make_unique<LocalTransport>();
    const QString key = connectionKey(target.ssh);
    QPointer<SshConnection> connection = m_connections.value(key);
    if (connection && connection->state() == SshConnection::State::Failed) {
        connection->deleteLater();
        connection = nullptr;
    }
    if (!connection) {
        connection = new SshConnection(target.ssh, m_credentials.get(), m_hostKeys.get(), this);
        m_connections.insert(key, connection);
    }
    return std::make_unique<SshTransport>(connection);
}

} // namespace hostdeck::engine
