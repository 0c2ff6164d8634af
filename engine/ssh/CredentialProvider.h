#pragma once

#include "engine/util/CredentialKind.h"
#include "engine/util/SecretBuffer.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace hostdeck::engine {

/// What a secret is wanted for. Contains no secret itself, so it may be logged.
struct CredentialRequest
{
    CredentialKind kind = CredentialKind::SshPassword;
    QString inventoryId;  ///< the inventory of the host it is for (empty: ad-hoc host)
    QString target;       ///< the inventory name of the host the run targets
    bool viaJump = false; ///< for a jump host on the way to `target` (host/port/user are the hop's)
    QString host;
    quint16 port = 22;
    QString user;
    QString keyPath; ///< for KeyPassphrase
    QString prompt;  ///< server-supplied prompt text (keyboard-interactive), may be empty
};

/// Called exactly once with the secret, or std::nullopt when there is none / the user cancelled.
using CredentialReply = std::function<void(std::optional<SecretBuffer>)>;

/// Source of passwords and passphrases: the keychain, a GUI prompt (this interface is the seam a
/// dialog implements), or fixed values in tests. Asynchronous: nothing may block waiting for it.
class CredentialProvider
{
public:
    virtual ~CredentialProvider() = default;

    /// Asks for a secret. `reply` runs later on `context`'s thread (never from inside this call)
    /// and is dropped if `context` is destroyed first.
    virtual void requestSecret(const CredentialRequest& request, QObject* context,
                               CredentialReply reply) = 0;
    /// The secret given for `request` was refused by the server: forget or re-prompt next time.
    virtual void secretRejected(const CredentialRequest& request) { Q_UNUSED(request); }
};

} // namespace hostdeck::engine
