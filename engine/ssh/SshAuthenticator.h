#pragma once

#include "engine/ssh/CredentialProvider.h"
#include "engine/ssh/SshSettings.h"
#include "engine/util/Result.h"

#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

struct ssh_session_struct;
struct ssh_key_struct;

namespace hostdeck::engine {

/// Drives client authentication on a non-blocking libssh session: key files (passphrase from the
/// credential provider), ssh-agent, password, keyboard-interactive, in that order, and builds one
/// message naming every method tried and why it failed. Round trips are what a distant host
/// pays for: a key without passphrase is sent signed at once (no offer first), and the "none"
/// method list is asked for only before a password would be.
class SshAuthenticator
{
public:
    enum class Step
    {
        Again,   ///< call step() again when the socket is ready
        Waiting, ///< waiting for the credential provider; `wake` is called when it answers
        Succeeded,
        Failed, ///< see error()
    };

    /// `context` guards credential replies; `wake` is called (from the event loop) when a reply
    /// arrived and step() should run again.
    SshAuthenticator(ssh_session_struct* session, SshSettings settings,
                     CredentialProvider* credentials, QObject* context, std::function<void()> wake);
    ~SshAuthenticator();
    SshAuthenticator(const SshAuthenticator&) = delete;
    SshAuthenticator& operator=(const SshAuthenticator&) = delete;

    Step step();
    const Error& error() const { return m_error; }
    bool waitingForUser() const { return m_waiting; }

private:
    enum class Phase
    {
        None,
        NextKey,
        TryPublicKey,
        LoadPrivateKey,
        AuthPrivateKey,
        Agent,
        Password,
        KeyboardInteractive,
        Done,
    };

    bool publicKeyFirst() const;
    void learnMethods();
    Step runNone();
    Step runNextKey();
    Step runTryPublicKey();
    Step runLoadPrivateKey();
    Step runAuthPrivateKey();
    Step runAgent();
    Step runPassword();
    Step runKeyboardInteractive();
    Step finishFailed();
    /// Maps an auth return code; `label` is appended to the tried list on denial.
    std::optional<Step> handleAuthResult(int rc, const QString& method, const QString& deniedNote);
    void requestSecret(CredentialKind kind, const QString& keyPath, const QString& prompt);
    CredentialRequest makeRequest(CredentialKind kind, const QString& keyPath,
                                  const QString& prompt) const;
    void freeKeys();
    QString keyLabel() const;

    ssh_session_struct* m_session;
    SshSettings m_settings;
    CredentialProvider* m_credentials;
    QObject* m_context;
    std::function<void()> m_wake;
    std::shared_ptr<int> m_token = std::make_shared<int>(0); ///< replies check it is still alive

    Phase m_phase = Phase::None;
    int m_methods = 0;
    bool m_methodsKnown = false; ///< m_methods came from the server (else: assumed)
    bool m_noneSent = false;
    Phase m_afterNone = Phase::NextKey; ///< where runNone() goes on
    QStringList m_keys;
    int m_keyIndex = -1;
    ssh_key_struct* m_publicKey = nullptr;
    ssh_key_struct* m_privateKey = nullptr;
    std::optional<SecretBuffer> m_passphrase; ///< for the current key, wiped when it is done
    std::optional<SecretBuffer> m_password;   ///< for password and keyboard-interactive
    bool m_passphraseAsked = false;
    bool m_passwordAsked = false;
    bool m_passwordUsedInKbd = false;
    bool m_waiting = false;
    enum class KbdStage
    {
        Start,
        Prompts,
        Sending
    };
    KbdStage m_kbdStage = KbdStage::Start;
    int m_kbdRounds = 0;
    QStringList m_tried;
    QStringList m_keyNotes;
    Error m_error;
};

} // namespace hostdeck::engine
