#include "engine/inventory/CredentialStore.h"

#include <QLoggingCategory>

#include <qt6keychain/keychain.h>

namespace hostdeck::engine {

namespace {
Q_LOGGING_CATEGORY(lcCredentials, "hostdeck.engine.credentials")

const QString sessionOnly =
    QStringLiteral("secrets will be asked for and kept in memory for this session only");
} // namespace

struct CredentialStore::LookupState
{
    QString inventoryId;
    CredentialKind kind;
    QStringList candidates; ///< host, groups nearest first, all
    qsizetype next = 0;
    std::optional<Error> keychainFailure; ///< once the keychain failed, only the cache is consulted
    SecretCallback done;
};

CredentialStore::CredentialStore(QObject* parent, QString service)
    : QObject(parent), m_service(std::move(service))
{
}

CredentialStore::~CredentialStore()
{
    forgetSession();
}

QString CredentialStore::keyFor(const QString& inventoryId, const QString& target,
                                CredentialKind kind)
{
    return QStringLiteral("hostdeck/%1/%2/%3").arg(inventoryId, target, credentialKindName(kind));
}

CredentialStore::StatusCallback CredentialStore::guarded(QObject* context, StatusCallback done)
{
    const bool hasContext = context != nullptr;
    return
        [hasContext, context = QPointer<QObject>(context), done = std::move(done)](Status status) {
            if ((!hasContext || context) && done)
                done(std::move(status));
        };
}

CredentialStore::SecretCallback CredentialStore::guarded(QObject* context, SecretCallback done)
{
    const bool hasContext = context != nullptr;
    return [hasContext, context = QPointer<QObject>(context),
            done = std::move(done)](Result<SecretBuffer> result) {
        if ((!hasContext || context) && done)
            done(std::move(result));
    };
}

Error CredentialStore::keychainError(QKeychain::Job* job, const QString& key)
{
    const QString detail = job->errorString();
    switch (job->error()) {
    case QKeychain::EntryNotFound:
        return makeError(ErrorKind::NotFound, QStringLiteral("no secret stored under %1").arg(key));
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return makeError(
            ErrorKind::Keychain,
            QStringLiteral("the keychain refused access to %1 (is the keyring locked?): %2; %3")
                .arg(key, detail, sessionOnly));
    case QKeychain::CouldNotDeleteEntry:
        return makeError(
            ErrorKind::Keychain,
            QStringLiteral("could not delete %1 from the keychain: %2").arg(key, detail));
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
    case QKeychain::NoError:
        break;
    }
    return makeError(
        ErrorKind::Keychain,
        QStringLiteral(
            "no usable keychain (is a Secret Service running on the session bus?): %1; %2")
            .arg(detail, sessionOnly));
}

void CredentialStore::startJob(QKeychain::Job* job, const QString& key, JobCallback onFinished)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plaintext file, whatever the library default
    job->setKey(key);
    connect(
        job, &QKeychain::Job::finished, this,
        [onFinished = std::move(onFinished)](QKeychain::Job* finished) { onFinished(finished); });
    job->start();
}

void CredentialStore::readKey(const QString& key, SecretCallback done)
{
    startJob(new QKeychain::ReadPasswordJob(m_service, this), key,
             [key, done = std::move(done)](QKeychain::Job* job) {
                 if (job->error() != QKeychain::NoError) {
                     qCDebug(lcCredentials) << "read" << key << "failed:" << job->error();
                     done(keychainError(job, key));
                     return;
                 }
                 QByteArray bytes = static_cast<QKeychain::ReadPasswordJob*>(job)->binaryData();
                 SecretBuffer secret(bytes);
                 SecretBuffer::wipe(bytes);
                 done(std::move(secret));
             });
}

void CredentialStore::writeKey(const QString& key, SecretBuffer secret, StatusCallback done)
{
    auto* job = new QKeychain::WritePasswordJob(m_service, this);
    job->setBinaryData(secret.bytes());
    secret.clear();
    startJob(job, key, [key, done = std::move(done)](QKeychain::Job* finished) {
        if (finished->error() != QKeychain::NoError) {
            qCDebug(lcCredentials) << "write" << key << "failed:" << finished->error();
            done(keychainError(finished, key));
            return;
        }
        done(Ok{});
    });
}

void CredentialStore::deleteKey(const QString& key, StatusCallback done)
{
    startJob(new QKeychain::DeletePasswordJob(m_service, this), key,
             [key, done = std::move(done)](QKeychain::Job* job) {
                 if (job->error() != QKeychain::NoError &&
                     job->error() != QKeychain::EntryNotFound) {
                     done(keychainError(job, key));
                     return;
                 }
                 done(Ok{});
             });
}

void CredentialStore::store(const QString& inventoryId, const QString& target, CredentialKind kind,
                            SecretBuffer secret, QObject* context, StatusCallback done)
{
    writeKey(keyFor(inventoryId, target, kind), std::move(secret),
             guarded(context, std::move(done)));
}

void CredentialStore::read(const QString& inventoryId, const QString& target, CredentialKind kind,
                           QObject* context, SecretCallback done)
{
    readKey(keyFor(inventoryId, target, kind), guarded(context, std::move(done)));
}

void CredentialStore::remove(const QString& inventoryId, const QString& target, CredentialKind kind,
                             QObject* context, StatusCallback done)
{
    m_sessionCache.erase(keyFor(inventoryId, target, kind));
    deleteKey(keyFor(inventoryId, target, kind), guarded(context, std::move(done)));
}

void CredentialStore::lookup(const Inventory& inventory, const QString& host, CredentialKind kind,
                             QObject* context, SecretCallback done)
{
    auto state = std::make_shared<LookupState>();
    state->inventoryId = inventory.id();
    state->kind = kind;
    state->candidates.append(host);
    const QStringList groups = inventory.groupsOf(host); // farthest first: all, ..., deepest
    for (auto it = groups.crbegin(); it != groups.crend(); ++it)
        state->candidates.append(*it);
    state->done = guarded(context, std::move(done));
    // Always answer from the event loop, even on a cache hit, so callers see one behaviour.
    QMetaObject::invokeMethod(
        this, [this, state] { lookupStep(state); }, Qt::QueuedConnection);
}

void CredentialStore::lookupStep(std::shared_ptr<LookupState> state)
{
    while (state->next < state->candidates.size()) {
        const QString key =
            keyFor(state->inventoryId, state->candidates.at(state->next), state->kind);
        ++state->next;
        const auto cached = m_sessionCache.find(key);
        if (cached != m_sessionCache.end()) {
            state->done(cached->second.copy());
            return;
        }
        if (state->keychainFailure)
            continue;
        readKey(key, [this, state](Result<SecretBuffer> result) {
            if (result.ok()) {
                state->done(std::move(result));
                return;
            }
            if (result.error().kind != ErrorKind::NotFound)
                state->keychainFailure = result.error();
            lookupStep(state);
        });
        return;
    }
    if (state->keychainFailure) {
        state->done(*state->keychainFailure);
        return;
    }
    state->done(makeError(ErrorKind::NotFound,
                          QStringLiteral("no %1 stored for host '%2', its groups or all")
                              .arg(credentialKindName(state->kind), state->candidates.first())));
}

void CredentialStore::removeTarget(const QString& inventoryId, const QString& target,
                                   QObject* context, StatusCallback done)
{
    removeKinds(inventoryId, target, allCredentialKinds(), guarded(context, std::move(done)));
}

void CredentialStore::removeKinds(const QString& inventoryId, const QString& target,
                                  QList<CredentialKind> kinds, StatusCallback done)
{
    if (kinds.isEmpty()) {
        done(Ok{});
        return;
    }
    const CredentialKind kind = kinds.takeFirst();
    m_sessionCache.erase(keyFor(inventoryId, target, kind));
    deleteKey(keyFor(inventoryId, target, kind),
              [this, inventoryId, target, kinds, done](Status status) {
                  if (!status) {
                      done(status);
                      return;
                  }
                  removeKinds(inventoryId, target, kinds, done);
              });
}

void CredentialStore::renameTarget(const QString& inventoryId, const QString& from,
                                   const QString& to, QObject* context, StatusCallback done)
{
    moveKinds(inventoryId, from, to, allCredentialKinds(), guarded(context, std::move(done)));
}

void CredentialStore::moveKinds(const QString& inventoryId, const QString& from, const QString& to,
                                QList<CredentialKind> kinds, StatusCallback done)
{
    if (kinds.isEmpty()) {
        done(Ok{});
        return;
    }
    const CredentialKind kind = kinds.takeFirst();
    const QString oldKey = keyFor(inventoryId, from, kind);
    const QString newKey = keyFor(inventoryId, to, kind);
    const auto cached = m_sessionCache.find(oldKey);
    if (cached != m_sessionCache.end()) {
        m_sessionCache[newKey] = std::move(cached->second);
        m_sessionCache.erase(oldKey);
    }
    auto next = [this, inventoryId, from, to, kinds, done](Status status) {
        if (!status) {
            done(status);
            return;
        }
        moveKinds(inventoryId, from, to, kinds, done);
    };
    readKey(oldKey, [this, oldKey, newKey, next, done](Result<SecretBuffer> secret) {
        if (!secret) {
            if (secret.error().kind == ErrorKind::NotFound)
                next(Ok{});
            else
                done(secret.error());
            return;
        }
        writeKey(newKey, std::move(secret).value(), [this, oldKey, next](Status written) {
            if (!written) {
                next(written);
                return;
            }
            deleteKey(oldKey, next);
        });
    });
}

void CredentialStore::rememberForSession(const QString& inventoryId, const QString& target,
                                         CredentialKind kind, SecretBuffer secret)
{
    m_sessionCache[keyFor(inventoryId, target, kind)] = std::move(secret);
}

void CredentialStore::forgetSession()
{
    m_sessionCache.clear(); // SecretBuffer wipes itself
}

} // namespace hostdeck::engine
