#include "prompts/GuiCredentialProvider.h"

#include "inventory/CredentialStore.h"
#include "prompts/Prompts.h"

#include <QLoggingCategory>

namespace hostdeck::ui {

namespace {
Q_LOGGING_CATEGORY(lcCredentials, "hostdeck.ui.credentials")
}

GuiCredentialProvider::GuiCredentialProvider(Prompts* prompts) : m_prompts(prompts) {}

GuiCredentialProvider::~GuiCredentialProvider() = default;

void GuiCredentialProvider::setInventory(const engine::Inventory& inventory,
                                         engine::CredentialStore* store)
{
    m_inventory = inventory;
    m_store = store;
    m_hostByEndpoint.clear();
}

void GuiCredentialProvider::addTarget(const QString& name, const QString& address, quint16 port,
                                      const QString& user)
{
    m_hostByEndpoint.insert(endpoint(address, port, user), name);
}

QString GuiCredentialProvider::endpoint(const QString& address, quint16 port, const QString& user)
{
    return QStringLiteral("%1@%2:%3").arg(user, address).arg(port);
}

QString GuiCredentialProvider::rejectionKey(const engine::CredentialRequest& request)
{
    return endpoint(request.host, request.port, request.user) + QLatin1Char('/') +
           engine::credentialKindName(request.kind);
}

QString GuiCredentialProvider::hostFor(const engine::CredentialRequest& request) const
{
    const QString mapped =
        m_hostByEndpoint.value(endpoint(request.host, request.port, request.user));
    if (!mapped.isEmpty())
        return mapped;
    return m_inventory.hasHost(request.host) ? request.host : QString();
}

void GuiCredentialProvider::requestSecret(const engine::CredentialRequest& request,
                                          QObject* context, engine::CredentialReply reply)
{
    QPointer<QObject> engineSide(context);
    QPointer<Prompts> prompts = m_prompts;
    if (!prompts) {
        post(engineSide, std::move(reply), std::nullopt);
        return;
    }
    // All state is touched on the GUI thread only; the provider may be gone by then.
    std::weak_ptr<GuiCredentialProvider> weak = weak_from_this();
    QMetaObject::invokeMethod(
        prompts.data(),
        [weak, request, engineSide, reply] {
            if (const std::shared_ptr<GuiCredentialProvider> self = weak.lock())
                self->answer(request, engineSide, reply);
        },
        Qt::QueuedConnection);
}

void GuiCredentialProvider::secretRejected(const engine::CredentialRequest& request)
{
    std::weak_ptr<GuiCredentialProvider> weak = weak_from_this();
    if (m_prompts)
        QMetaObject::invokeMethod(
            m_prompts.data(),
            [weak, request] {
                if (const std::shared_ptr<GuiCredentialProvider> self = weak.lock())
                    self->m_rejected.insert(rejectionKey(request));
            },
            Qt::QueuedConnection);
}

void GuiCredentialProvider::answer(const engine::CredentialRequest& request,
                                   QPointer<QObject> engineSide, engine::CredentialReply reply)
{
    if (!engineSide)
        return;
    const QString host = hostFor(request);
    const bool rejected = m_rejected.remove(rejectionKey(request));
    if (host.isEmpty() || !m_store || rejected) {
        prompt(request, host, engineSide, std::move(reply));
        return;
    }
    std::weak_ptr<GuiCredentialProvider> weak = weak_from_this();
    m_store->lookup(
        m_inventory, host, request.kind, m_prompts.data(),
        [weak, request, host, engineSide, reply](engine::Result<engine::SecretBuffer> secret) {
            const std::shared_ptr<GuiCredentialProvider> self = weak.lock();
            if (secret) {
                post(engineSide, reply, std::move(*secret));
                return;
            }
            if (secret.error().kind != engine::ErrorKind::NotFound)
                qCWarning(lcCredentials)
                    << "keychain lookup for" << host << "failed:" << secret.error().message;
            if (self)
                self->prompt(request, host, engineSide, reply);
            else
                post(engineSide, reply, std::nullopt);
        });
}

void GuiCredentialProvider::prompt(const engine::CredentialRequest& request, const QString& host,
                                   QPointer<QObject> engineSide, engine::CredentialReply reply)
{
    if (!m_prompts) {
        post(engineSide, std::move(reply), std::nullopt);
        return;
    }
    std::weak_ptr<GuiCredentialProvider> weak = weak_from_this();
    const QString inventoryId = m_inventory.id();
    m_prompts->askSecret(request, m_prompts.data(),
                         [weak, host, inventoryId, kind = request.kind, engineSide,
                          reply](std::optional<engine::SecretBuffer> secret) {
                             const std::shared_ptr<GuiCredentialProvider> self = weak.lock();
                             // Session only: the store keeps it in memory, never in the keychain.
                             if (secret && self && self->m_store && !host.isEmpty())
                                 self->m_store->rememberForSession(inventoryId, host, kind,
                                                                   secret->copy());
                             post(engineSide, reply, std::move(secret));
                         });
}

void GuiCredentialProvider::post(QPointer<QObject> engineSide, engine::CredentialReply reply,
                                 std::optional<engine::SecretBuffer> secret)
{
    // The buffer moves across threads inside a shared holder; it is wiped wherever it dies.
    auto holder = std::make_shared<std::optional<engine::SecretBuffer>>(std::move(secret));
    if (QObject* target = engineSide.data())
        QMetaObject::invokeMethod(
            target,
            [engineSide, reply, holder] {
                if (engineSide)
                    reply(std::move(*holder));
            },
            Qt::QueuedConnection);
}

} // namespace hostdeck::ui
