#include "engine/ssh/SshAuthenticator.h"

#include "engine/ssh/SshLog.h"

#include <QFile>
#include <QFileInfo>
#include <QPointer>

#include <libssh/libssh.h>

namespace hostdeck::engine {

namespace {

/// True when a private key file is protected by a passphrase (OpenSSH or PEM format).
bool isEncryptedKeyFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = file.read(64 * 1024);
    if (text.contains("ENCRYPTED"))
        return true; // PEM: "Proc-Type: 4,ENCRYPTED" or "BEGIN ENCRYPTED PRIVATE KEY"
    const QByteArray begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    const qsizetype start = text.indexOf(begin);
    const qsizetype end = text.indexOf("-----END", start + 1);
    if (start < 0 || end < 0)
        return false;
    const QByteArray blob = QByteArray::fromBase64(
        text.mid(start + begin.size(), end - start - begin.size()).simplified().replace(' ', ""));
    const QByteArray magic("openssh-key-v1\0", 15);
    if (!blob.startsWith(magic) || blob.size() < magic.size() + 4)
        return false;
    const auto* p = reinterpret_cast<const unsigned char*>(blob.constData() + magic.size());
    const quint32 length =
        (quint32(p[0]) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | quint32(p[3]);
    return blob.mid(magic.size() + 4, qsizetype(length)) != "none";
}

QString agentSocketPath(const SshSettings& settings)
{
    return settings.agentSocket.isEmpty() ? qEnvironmentVariable("SSH_AUTH_SOCK")
                                          : settings.agentSocket;
}

} // namespace

SshAuthenticator::SshAuthenticator(ssh_session_struct* session, SshSettings settings,
                                   CredentialProvider* credentials, QObject* context,
                                   std::function<void()> wake)
    : m_session(session), m_settings(std::move(settings)), m_credentials(credentials),
      m_context(context), m_wake(std::move(wake)), m_keys(m_settings.effectiveIdentityFiles())
{
}

SshAuthenticator::~SshAuthenticator()
{
    freeKeys();
}

void SshAuthenticator::freeKeys()
{
    ssh_key_free(m_publicKey);
    ssh_key_free(m_privateKey);
    m_publicKey = nullptr;
    m_privateKey = nullptr;
    m_passphrase.reset();
    m_passphraseAsked = false;
}

QString SshAuthenticator::keyLabel() const
{
    return QFileInfo(m_keys.value(m_keyIndex)).fileName();
}

SshAuthenticator::Step SshAuthenticator::step()
{
    if (m_waiting)
        return Step::Waiting;
    switch (m_phase) {
    case Phase::None:
        return runNone();
    case Phase::NextKey:
        return runNextKey();
    case Phase::TryPublicKey:
        return runTryPublicKey();
    case Phase::LoadPrivateKey:
        return runLoadPrivateKey();
    case Phase::AuthPrivateKey:
        return runAuthPrivateKey();
    case Phase::Agent:
        return runAgent();
    case Phase::Password:
        return runPassword();
    case Phase::KeyboardInteractive:
        return runKeyboardInteractive();
    case Phase::Done:
        return m_error.message.isEmpty() ? Step::Succeeded : Step::Failed;
    }
    return Step::Failed;
}

std::optional<SshAuthenticator::Step>
SshAuthenticator::handleAuthResult(int rc, const QString& method, const QString& deniedNote)
{
    switch (rc) {
    case SSH_AUTH_AGAIN:
        return Step::Again;
    case SSH_AUTH_SUCCESS:
        qCDebug(lcSsh) << "authenticated" << m_settings.targetName() << "by" << method;
        m_phase = Phase::Done;
        freeKeys();
        m_password.reset();
        return Step::Succeeded;
    case SSH_AUTH_PARTIAL:
        // More factors required: continue with the methods the server still lists.
        learnMethods();
        m_tried.append(method + QStringLiteral(" (accepted, more factors required)"));
        return std::nullopt;
    case SSH_AUTH_DENIED:
        learnMethods();
        m_tried.append(method + QStringLiteral(" (") + deniedNote + u')');
        return std::nullopt;
    default:
        m_error = makeError(
            ErrorKind::Connect,
            QStringLiteral("connection to %1 failed during %2 authentication: %3")
                .arg(m_settings.targetName(), method, QString::fromUtf8(ssh_get_error(m_session))));
        m_phase = Phase::Done;
        return Step::Failed;
    }
}

bool SshAuthenticator::publicKeyFirst() const
{
    for (const QString& key : m_keys) {
        if (QFileInfo::exists(key))
            return true;
    }
    if (!m_settings.useAgent)
        return false;
    const QString socket = agentSocketPath(m_settings);
    return !socket.isEmpty() && QFileInfo::exists(socket);
}

void SshAuthenticator::learnMethods()
{
    // libssh keeps the list of the server's last refusal; 0 when nothing reached the server (an
    // empty agent is "denied" without a request).
    if (const int methods = ssh_userauth_list(m_session, nullptr); methods != 0) {
        m_methods = methods;
        m_methodsKnown = true;
    }
}

SshAuthenticator::Step SshAuthenticator::runNone()
{
    // "none" only asks the server which methods it takes, at the cost of a round trip. A key goes
    // first without asking: a refused one brings the same list. The question is worth its round
    // trip only before a method that asks the user for a secret (runPassword comes back here).
    if (!m_noneSent && m_afterNone == Phase::NextKey && publicKeyFirst()) {
        m_methods = SSH_AUTH_METHOD_PUBLICKEY | SSH_AUTH_METHOD_PASSWORD |
                    SSH_AUTH_METHOD_INTERACTIVE; // assumed until a reply says
        m_phase = Phase::NextKey;
        return step();
    }
    m_noneSent = true;
    const int rc = ssh_userauth_none(m_session, nullptr);
    if (rc == SSH_AUTH_AGAIN)
        return Step::Again;
    if (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_ERROR)
        return *handleAuthResult(rc, QStringLiteral("none"), {});
    m_methods = ssh_userauth_list(m_session, nullptr);
    m_methodsKnown = true; // whatever it says: asked once
    m_phase = m_afterNone;
    return step();
}

SshAuthenticator::Step SshAuthenticator::runNextKey()
{
    freeKeys();
    ++m_keyIndex;
    if (!(m_methods & SSH_AUTH_METHOD_PUBLICKEY) || m_keyIndex >= m_keys.size()) {
        if (!m_keyNotes.isEmpty())
            m_tried.append(QStringLiteral("publickey (") + m_keyNotes.join(QStringLiteral(", ")) +
                           u')');
        m_phase = Phase::Agent;
        return step();
    }
    const QString path = m_keys.at(m_keyIndex);
    if (!QFileInfo::exists(path)) {
        m_keyNotes.append(keyLabel() + QStringLiteral(": file not found"));
        return step();
    }
    // A key without passphrase goes out signed at once: one round trip, where offering it first
    // costs two. An encrypted key is offered first, so that its passphrase is asked for only when
    // the server would take the key.
    if (!isEncryptedKeyFile(path)) {
        m_phase = Phase::LoadPrivateKey;
        return step();
    }
    const QByteArray publicPath = QFile::encodeName(path + QStringLiteral(".pub"));
    if (QFileInfo::exists(path + QStringLiteral(".pub")) &&
        ssh_pki_import_pubkey_file(publicPath.constData(), &m_publicKey) == SSH_OK) {
        m_phase = Phase::TryPublicKey;
    } else {
        m_phase = Phase::LoadPrivateKey;
    }
    return step();
}

SshAuthenticator::Step SshAuthenticator::runTryPublicKey()
{
    const int rc = ssh_userauth_try_publickey(m_session, nullptr, m_publicKey);
    if (rc == SSH_AUTH_AGAIN)
        return Step::Again;
    if (rc == SSH_AUTH_SUCCESS) {
        m_phase = Phase::LoadPrivateKey; // the server would accept it: now the private half is
                                         // worth loading
        return step();
    }
    if (rc == SSH_AUTH_DENIED) {
        learnMethods();
        m_keyNotes.append(keyLabel() + QStringLiteral(": not accepted"));
        m_phase = Phase::NextKey;
        return step();
    }
    if (const auto result = handleAuthResult(rc, QStringLiteral("publickey"), {}))
        return *result;
    m_phase = Phase::NextKey;
    return step();
}

SshAuthenticator::Step SshAuthenticator::runLoadPrivateKey()
{
    const QString path = m_keys.at(m_keyIndex);
    const QByteArray encoded = QFile::encodeName(path);
    const char* passphrase = m_passphrase ? m_passphrase->data() : nullptr;
    if (ssh_pki_import_privkey_file(encoded.constData(), passphrase, nullptr, nullptr,
                                    &m_privateKey) == SSH_OK) {
        m_passphrase.reset(); // wiped: not needed once the key is decrypted
        m_phase = Phase::AuthPrivateKey;
        return step();
    }
    m_privateKey = nullptr;
    if (!isEncryptedKeyFile(path)) {
        m_keyNotes.append(keyLabel() + QStringLiteral(": unreadable or unsupported key file"));
        m_phase = Phase::NextKey;
        return step();
    }
    if (!m_passphraseAsked && m_credentials) {
        m_passphraseAsked = true;
        requestSecret(CredentialKind::KeyPassphrase, path, {});
        return Step::Waiting;
    }
    if (!m_passphrase) {
        m_keyNotes.append(keyLabel() + QStringLiteral(": encrypted, no passphrase available"));
    } else {
        m_keyNotes.append(keyLabel() + QStringLiteral(": wrong passphrase"));
        if (m_credentials)
            m_credentials->secretRejected(makeRequest(CredentialKind::KeyPassphrase, path, {}));
    }
    m_phase = Phase::NextKey;
    return step();
}

SshAuthenticator::Step SshAuthenticator::runAuthPrivateKey()
{
    const int rc = ssh_userauth_publickey(m_session, nullptr, m_privateKey);
    if (rc == SSH_AUTH_AGAIN)
        return Step::Again;
    if (rc == SSH_AUTH_DENIED) {
        learnMethods();
        m_keyNotes.append(keyLabel() + QStringLiteral(": not accepted"));
        m_phase = Phase::NextKey;
        return step();
    }
    if (rc == SSH_AUTH_PARTIAL) {
        m_keyNotes.append(keyLabel() + QStringLiteral(": accepted, more factors required"));
        learnMethods();
        m_keyIndex = int(m_keys.size()); // go on with the other methods
        m_phase = Phase::NextKey;
        return step();
    }
    return *handleAuthResult(rc, QStringLiteral("publickey"), {});
}

SshAuthenticator::Step SshAuthenticator::runAgent()
{
    if (!m_settings.useAgent || !(m_methods & SSH_AUTH_METHOD_PUBLICKEY)) {
        m_phase = Phase::Password;
        return step();
    }
    const QString socket = agentSocketPath(m_settings);
    if (socket.isEmpty() || !QFileInfo::exists(socket)) {
        m_tried.append(QStringLiteral("agent (not running)"));
        m_phase = Phase::Password;
        return step();
    }
    const int rc = ssh_userauth_agent(m_session, nullptr);
    if (rc == SSH_AUTH_AGAIN)
        return Step::Again;
    if (const auto result =
            handleAuthResult(rc, QStringLiteral("agent"), QStringLiteral("no identity accepted")))
        return *result;
    m_phase = Phase::Password;
    return step();
}

SshAuthenticator::Step SshAuthenticator::runPassword()
{
    if (!m_methodsKnown) {
        // Only keys were tried so far, and none reached the server: ask which methods it takes
        // before asking the user for a password it may not accept.
        m_afterNone = Phase::Password;
        m_phase = Phase::None;
        return step();
    }
    if (!m_settings.usePassword || !(m_methods & SSH_AUTH_METHOD_PASSWORD)) {
        m_phase = Phase::KeyboardInteractive;
        return step();
    }
    if (!m_password && !m_passwordAsked && m_credentials) {
        m_passwordAsked = true;
        requestSecret(CredentialKind::SshPassword, {}, {});
        return Step::Waiting;
    }
    if (!m_password) {
        m_tried.append(QStringLiteral("password (no password available)"));
        m_phase = Phase::KeyboardInteractive;
        return step();
    }
    const int rc = ssh_userauth_password(m_session, nullptr, m_password->data());
    if (rc == SSH_AUTH_AGAIN)
        return Step::Again;
    if (const auto result =
            handleAuthResult(rc, QStringLiteral("password"), QStringLiteral("rejected")))
        return *result;
    if (rc == SSH_AUTH_DENIED && m_credentials)
        m_credentials->secretRejected(makeRequest(CredentialKind::SshPassword, {}, {}));
    // The same password would be refused again by keyboard-interactive: do not re-send it.
    m_password.reset();
    m_phase = Phase::KeyboardInteractive;
    m_passwordUsedInKbd = true;
    return step();
}

SshAuthenticator::Step SshAuthenticator::runKeyboardInteractive()
{
    if (!m_settings.useKeyboardInteractive || !(m_methods & SSH_AUTH_METHOD_INTERACTIVE))
        return finishFailed();
    for (;;) {
        if (m_kbdStage == KbdStage::Prompts) {
            const int prompts = ssh_userauth_kbdint_getnprompts(m_session);
            for (int i = 0; i < prompts; ++i) {
                char echo = 0;
                const char* text = ssh_userauth_kbdint_getprompt(m_session, uint(i), &echo);
                if (echo) {
                    ssh_userauth_kbdint_setanswer(m_session, uint(i), ""); // not a secret we know
                    continue;
                }
                if (!m_password && !m_passwordAsked && m_credentials) {
                    m_passwordAsked = true;
                    requestSecret(CredentialKind::SshPassword, {}, QString::fromUtf8(text));
                    return Step::Waiting; // the prompts are answered again when it arrives
                }
                if (!m_password) {
                    m_tried.append(
                        m_passwordUsedInKbd
                            ? QStringLiteral("keyboard-interactive (password already rejected)")
                            : QStringLiteral("keyboard-interactive (no password available)"));
                    return finishFailed();
                }
                ssh_userauth_kbdint_setanswer(m_session, uint(i), m_password->data());
                m_passwordUsedInKbd = true;
            }
            if (++m_kbdRounds > 8) {
                m_tried.append(QStringLiteral("keyboard-interactive (too many prompts)"));
                return finishFailed();
            }
            m_kbdStage = KbdStage::Sending;
        }
        const int rc = ssh_userauth_kbdint(m_session, nullptr, nullptr);
        if (rc == SSH_AUTH_AGAIN)
            return Step::Again;
        if (rc == SSH_AUTH_INFO) {
            m_kbdStage = KbdStage::Prompts;
            continue;
        }
        if (const auto result = handleAuthResult(rc, QStringLiteral("keyboard-interactive"),
                                                 QStringLiteral("rejected")))
            return *result;
        if (rc == SSH_AUTH_DENIED && m_passwordUsedInKbd && m_credentials)
            m_credentials->secretRejected(makeRequest(CredentialKind::SshPassword, {}, {}));
        return finishFailed();
    }
}

SshAuthenticator::Step SshAuthenticator::finishFailed()
{
    QStringList offered;
    if (m_methods & SSH_AUTH_METHOD_PUBLICKEY)
        offered << QStringLiteral("publickey");
    if (m_methods & SSH_AUTH_METHOD_PASSWORD)
        offered << QStringLiteral("password");
    if (m_methods & SSH_AUTH_METHOD_INTERACTIVE)
        offered << QStringLiteral("keyboard-interactive");
    if (m_methods & SSH_AUTH_METHOD_GSSAPI_MIC)
        offered << QStringLiteral("gssapi-with-mic");
    const QString tried =
        m_tried.isEmpty() ? QStringLiteral("no usable method") : m_tried.join(QStringLiteral(", "));
    m_error = makeError(
        ErrorKind::Auth,
        QStringLiteral("authentication failed for %1@%2: tried %3; the server accepts: %4")
            .arg(m_settings.effectiveUser(), m_settings.host, tried,
                 offered.isEmpty() ? QStringLiteral("nothing")
                                   : offered.join(QStringLiteral(", "))));
    m_phase = Phase::Done;
    freeKeys();
    m_password.reset();
    return Step::Failed;
}

CredentialRequest SshAuthenticator::makeRequest(CredentialKind kind, const QString& keyPath,
                                                const QString& prompt) const
{
    CredentialRequest request;
    request.kind = kind;
    request.inventoryId = m_settings.inventoryId;
    request.target = m_settings.targetHost.isEmpty() ? m_settings.host : m_settings.targetHost;
    request.viaJump = m_settings.isJumpHop;
    request.host = m_settings.host;
    request.port = m_settings.port;
    request.user = m_settings.effectiveUser();
    request.keyPath = keyPath;
    request.prompt = prompt;
    return request;
}

void SshAuthenticator::requestSecret(CredentialKind kind, const QString& keyPath,
                                     const QString& prompt)
{
    m_waiting = true;
    std::weak_ptr<int> token = m_token;
    m_credentials->requestSecret(makeRequest(kind, keyPath, prompt), m_context,
                                 [this, token, kind](std::optional<SecretBuffer> secret) {
                                     if (token.expired())
                                         return;
                                     if (kind == CredentialKind::KeyPassphrase)
                                         m_passphrase = std::move(secret);
                                     else
                                         m_password = std::move(secret);
                                     m_waiting = false;
                                     m_wake();
                                 });
}

} // namespace hostdeck::engine
