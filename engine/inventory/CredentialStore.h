#pragma once

#include "engine/inventory/Inventory.h"
#include "engine/util/CredentialKind.h"
#include "engine/util/Result.h"
#include "engine/util/SecretBuffer.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <map>

namespace QKeychain {
class Job;
}

namespace hostdeck::engine {

/// Secrets per host or group in the OS keychain (QtKeychain, insecure fallback off), keyed
/// `hostdeck/<inventory id>/<host or group>/<kind>`. Every call is asynchronous: the callback runs
/// later on this object's thread, and only while `context` is alive. When the keychain cannot be
/// used (no Secret Service, locked, access denied) calls fail with ErrorKind::Keychain saying so,
/// and the caller may keep a secret it prompted for in the session cache (memory only, wiped when
/// this store is destroyed). Secrets are never logged.
class CredentialStore : public QObject
{
    Q_OBJECT

public:
    using StatusCallback = std::function<void(Status)>;
    using SecretCallback = std::function<void(Result<SecretBuffer>)>;

    explicit CredentialStore(QObject* parent = nullptr,
                             QString service = QStringLiteral("hostdeck"));
    ~CredentialStore() override;

    static QString keyFor(const QString& inventoryId, const QString& target, CredentialKind kind);

    void store(const QString& inventoryId, const QString& target, CredentialKind kind,
               SecretBuffer secret, QObject* context, StatusCallback done);
    /// Exactly this key; ErrorKind::NotFound when absent.
    void read(const QString& inventoryId, const QString& target, CredentialKind kind,
              QObject* context, SecretCallback done);
    /// For a host: the host's own secret, else its groups' nearest first, else `all`'s. The
    /// session cache is consulted at each step before the keychain.
    void lookup(const Inventory& inventory, const QString& host, CredentialKind kind,
                QObject* context, SecretCallback done);
    /// Deletes the secret; deleting one that is not there succeeds.
    void remove(const QString& inventoryId, const QString& target, CredentialKind kind,
                QObject* context, StatusCallback done);
    /// Every kind of secret of a removed host or group.
    void removeTarget(const QString& inventoryId, const QString& target, QObject* context,
                      StatusCallback done);
    /// Moves every kind of secret of a renamed host or group to its new name.
    void renameTarget(const QString& inventoryId, const QString& from, const QString& to,
                      QObject* context, StatusCallback done);

    void rememberForSession(const QString& inventoryId, const QString& target, CredentialKind kind,
                            SecretBuffer secret);
    void forgetSession();

private:
    struct LookupState;
    using JobCallback = std::function<void(QKeychain::Job*)>;

    void startJob(QKeychain::Job* job, const QString& key, JobCallback onFinished);
    void readKey(const QString& key, SecretCallback done);
    void writeKey(const QString& key, SecretBuffer secret, StatusCallback done);
    void deleteKey(const QString& key, StatusCallback done);
    void lookupStep(std::shared_ptr<LookupState> state);
    void removeKinds(const QString& inventoryId, const QString& target, QList<CredentialKind> kinds,
                     StatusCallback done);
    void moveKinds(const QString& inventoryId, const QString& from, const QString& to,
                   QList<CredentialKind> kinds, StatusCallback done);
    static Error keychainError(QKeychain::Job* job, const QString& key);
    static StatusCallback guarded(QObject* context, StatusCallback done);
    static SecretCallback guarded(QObject* context, SecretCallback done);

    QString m_service;
    std::map<QString, SecretBuffer> m_sessionCache;
};

} // namespace hostdeck::engine
