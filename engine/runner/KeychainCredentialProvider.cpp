#include "engine/runner/KeychainCredentialProvider.h"

#include "engine/inventory/CredentialStore.h"

#include <QLoggingCategory>

namespace hostdeck::engine {

namespace {
Q_LOGGING_CATEGORY(lcKeychain, "hostdeck.engine.credentials")
}

KeychainCredentialProvider::KeychainCredentialProvider(CredentialStore* store,
                                                       std::shared_ptr<CredentialProvider> fallback)
    : m_store(store), m_fallback(std::move(fallback)), m_anchor(std::make_unique<QObject>())
{
}

KeychainCredentialProvider::~KeychainCredentialProvider() = default;

void KeychainCredentialProvider::setInventory(const Inventory& inventory)
{
    m_inventories.insert(inventory.id(), inventory);
}

QStringList KeychainCredentialProvider::problems() const
{
    return m_problems;
}

QString KeychainCredentialProvider::rejectionKey(const CredentialRequest& request)
{
    return QStringLiteral("%1/%2/%3@%4:%5/%6")
        .arg(request.inventoryId, request.target, request.user, request.host)
        .arg(request.port)
        .arg(credentialKindName(request.kind));
}

void KeychainCredentialProvider::post(QPointer<QObject> context, CredentialReply reply,
                                      std::optional<SecretBuffer> secret)
{
    // The buffer crosses threads inside a shared holder; it is wiped wherever it dies.
    auto holder = std::make_shared<std::optional<SecretBuffer>>(std::move(secret));
    if (QObject* target = context.data())
        QMetaObject::invokeMethod(
            target,
            [context, reply, holder] {
                if (context)
                    reply(std::move(*holder));
            },
            Qt::QueuedConnection);
}

void KeychainCredentialProvider::requestSecret(const CredentialRequest& request, QObject* context,
                                               CredentialReply reply)
{
    QPointer<QObject> requester(context);
    std::weak_ptr<KeychainCredentialProvider> weak = weak_from_this();
    QMetaObject::invokeMethod(
        m_anchor.get(),
        [weak, request, requester, reply] {
            if (const auto self = weak.lock())
                self->answer(request, requester, reply);
            else
                post(requester, reply, std::nullopt);
        },
        Qt::QueuedConnection);
}

void KeychainCredentialProvider::secretRejected(const CredentialRequest& request)
{
    std::weak_ptr<KeychainCredentialProvider> weak = weak_from_this();
    QMetaObject::invokeMethod(
        m_anchor.get(),
        [weak, request] {
            if (const auto self = weak.lock())
                self->m_rejected.insert(rejectionKey(request));
        },
        Qt::QueuedConnection);
    if (m_fallback)
        m_fallback->secretRejected(request);
}

QString KeychainCredentialProvider::ownerFor(const CredentialRequest& request,
                                             const Inventory& inventory) const
{
    if (!request.viaJump)
        return inventory.hasHost(request.target) ? request.target : QString();
    if (inventory.hasHost(request.host))
        return request.host;
    for (const Host& host : inventory.hosts()) {
        if (host.address() == request.host)
            return host.name();
    }
    return Inventory::allGroup();
}

void KeychainCredentialProvider::answer(const CredentialRequest& request, QPointer<QObject> context,
                                        CredentialReply reply)
{
    if (!context)
        return;
    const auto inventory = m_inventories.constFind(request.inventoryId);
    const bool rejected = m_rejected.remove(rejectionKey(request));
    const QString owner =
        inventory == m_inventories.cend() ? QString() : ownerFor(request, *inventory);
    if (owner.isEmpty() || !m_store || rejected) {
        askFallback(request, context, std::move(reply));
        return;
    }
    std::weak_ptr<KeychainCredentialProvider> weak = weak_from_this();
    m_store->lookup(*inventory, owner, request.kind, m_anchor.get(),
                    [weak, request, owner, context, reply](Result<SecretBuffer> secret) {
                        const auto self = weak.lock();
                        if (secret) {
                            post(context, reply, std::move(*secret));
                            return;
                        }
                        if (secret.error().kind != ErrorKind::NotFound) {
                            qCWarning(lcKeychain).noquote()
                                << "keychain lookup of" << credentialKindName(request.kind) << "for"
                                << owner << "failed:" << secret.error().message;
                            if (self)
                                self->m_problems.append(QStringLiteral("%1 of %2: %3")
                                                            .arg(credentialKindName(request.kind),
                                                                 owner, secret.error().message));
                        }
                        if (self)
                            self->askFallback(request, context, reply);
                        else
                            post(context, reply, std::nullopt);
                    });
}

void KeychainCredentialProvider::askFallback(const CredentialRequest& request,
                                             QPointer<QObject> context, CredentialReply reply)
{
    if (!m_fallback) {
        post(context, std::move(reply), std::nullopt);
        return;
    }
    // The fallback answers on its own terms; the reply goes to the requester's thread.
    m_fallback->requestSecret(request, m_anchor.get(),
                              [context, reply](std::optional<SecretBuffer> secret) {
                                  post(context, reply, std::move(secret));
                              });
}

} // namespace hostdeck::engine
