#include "engine/inventory/CredentialStore.h"
#include "tests/support/KeyringFixture.h"

#include <QCoreApplication>
#include <QTest>
#include <QUuid>

#include <optional>

using namespace hostdeck::engine;
using namespace hostdeck::test;
using namespace Qt::Literals::StringLiterals;

namespace {

constexpr int timeoutMs = 20000;

// QSKIP returns from the calling function, so this must be a macro.
#define REQUIRE_KEYRING_MODE(wanted)                                                               \
    if (KeyringFixture::mode() != KeyringFixture::Mode::wanted)                                    \
    QSKIP("needs keyring mode " #wanted)

QByteArray freshSecret(const char* label)
{
    return QByteArray(label) + '-' + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
}

} // namespace

class TstCredentialStore : public QObject
{
    Q_OBJECT

private:
    CredentialStore* m_store = nullptr;
    QList<QByteArray> m_usedSecrets;

    Status store(const QString& inv, const QString& target, CredentialKind kind,
                 const QByteArray& secret)
    {
        m_usedSecrets.append(secret);
        std::optional<Status> result;
        m_store->store(inv, target, kind, SecretBuffer(QByteArray(secret)), this,
                       [&result](Status s) { result = s; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, timeoutMs)) {
            // A hung call fails the test; a made-up error would pass `QVERIFY(!r.ok())`.
            QTest::qFail("store did not answer", __FILE__, __LINE__);
            return makeError(ErrorKind::Timeout, u"store did not answer"_s);
        }
        return *result;
    }

    Result<SecretBuffer> read(const QString& inv, const QString& target, CredentialKind kind)
    {
        std::optional<Result<SecretBuffer>> result;
        m_store->read(inv, target, kind, this,
                      [&result](Result<SecretBuffer> r) { result.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, timeoutMs)) {
            // A hung call fails the test; a made-up error would pass `QVERIFY(!r.ok())`.
            QTest::qFail("read did not answer", __FILE__, __LINE__);
            return makeError(ErrorKind::Timeout, u"read did not answer"_s);
        }
        return std::move(*result);
    }

    Result<SecretBuffer> lookup(const Inventory& inv, const QString& host, CredentialKind kind)
    {
        std::optional<Result<SecretBuffer>> result;
        m_store->lookup(inv, host, kind, this,
                        [&result](Result<SecretBuffer> r) { result.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, timeoutMs)) {
            // A hung call fails the test; a made-up error would pass `QVERIFY(!r.ok())`.
            QTest::qFail("lookup did not answer", __FILE__, __LINE__);
            return makeError(ErrorKind::Timeout, u"lookup did not answer"_s);
        }
        return std::move(*result);
    }

    Status wait(const std::function<void(CredentialStore::StatusCallback)>& start)
    {
        std::optional<Status> result;
        start([&result](Status s) { result = s; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, timeoutMs)) {
            // A hung call fails the test; a made-up error would pass `QVERIFY(!r.ok())`.
            QTest::qFail("no answer", __FILE__, __LINE__);
            return makeError(ErrorKind::Timeout, u"no answer"_s);
        }
        return *result;
    }

    static QString describe(const Result<SecretBuffer>& r)
    {
        return r.ok() ? u"ok"_s : errorKindName(r.error().kind) + u": "_s + r.error().message;
    }

    static Inventory nestedInventory()
    {
        Inventory inv;
        inv.setId(QUuid::createUuid().toString(QUuid::WithoutBraces));
        inv.addHost(Host(u"web1"_s), u"web"_s);
        inv.addHost(Host(u"web2"_s), u"web"_s);
        inv.addHost(Host(u"db1"_s), u"db"_s);
        inv.addHost(Host(u"lone"_s));
        [[maybe_unused]] const Status a = inv.addChild(u"prod"_s, u"web"_s);
        [[maybe_unused]] const Status b = inv.addChild(u"prod"_s, u"db"_s);
        return inv;
    }

private slots:
    void init() { m_store = new CredentialStore(this); }
    void cleanup()
    {
        delete m_store;
        m_store = nullptr;
    }

    // --- a working, unlocked Secret Service -----------------------------------------------

    void writeReadDelete_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<int>("kind");
        for (const QString& target : {u"web1"_s, u"webservers"_s, u"all"_s}) {
            for (CredentialKind kind : allCredentialKinds())
                QTest::addRow("%s/%s", qPrintable(target), qPrintable(credentialKindName(kind)))
                    << target << int(kind);
        }
    }

    void writeReadDelete()
    {
        REQUIRE_KEYRING_MODE(Unlocked);
        QFETCH(QString, target);
        QFETCH(int, kind);
        const auto k = CredentialKind(kind);
        const QString inv = u"inv-rw"_s;
        const QByteArray secret = freshSecret("rw");
        const Status stored = store(inv, target, k, secret);
        QVERIFY2(stored.ok(), qPrintable(stored ? QString() : stored.error().message));
        Result<SecretBuffer> back = read(inv, target, k);
        QVERIFY2(back.ok(), qPrintable(describe(back)));
        QCOMPARE(back->bytes(), secret);
        // Overwrite keeps one entry with the new value.
        const QByteArray second = freshSecret("rw2");
        QVERIFY(store(inv, target, k, second).ok());
        QCOMPARE(read(inv, target, k)->bytes(), second);
        QVERIFY(wait([&](auto done) { m_store->remove(inv, target, k, this, done); }).ok());
        const Result<SecretBuffer> gone = read(inv, target, k);
        QVERIFY(!gone.ok());
        QCOMPARE(gone.error().kind, ErrorKind::NotFound);
        // Deleting what is not there is fine.
        QVERIFY(wait([&](auto done) { m_store->remove(inv, target, k, this, done); }).ok());
    }

    void inventoriesAreSeparate()
    {
        REQUIRE_KEYRING_MODE(Unlocked);
        QVERIFY(store(u"inv-a"_s, u"h"_s, CredentialKind::SshPassword, freshSecret("a")).ok());
        const Result<SecretBuffer> other = read(u"inv-b"_s, u"h"_s, CredentialKind::SshPassword);
        QVERIFY(!other.ok());
        QCOMPARE(other.error().kind, ErrorKind::NotFound);
    }

    void renameMovesEveryKind()
    {
        REQUIRE_KEYRING_MODE(Unlocked);
        const QString inv = u"inv-rename"_s;
        QMap<int, QByteArray> secrets;
        for (CredentialKind kind : allCredentialKinds()) {
            secrets[int(kind)] = freshSecret("mv");
            QVERIFY(store(inv, u"old-name"_s, kind, secrets[int(kind)]).ok());
        }
        const Status moved = wait([&](auto done) {
            m_store->renameTarget(inv, u"old-name"_s, u"new-name"_s, this, done);
        });
        QVERIFY2(moved.ok(), qPrintable(moved ? QString() : moved.error().message));
        for (CredentialKind kind : allCredentialKinds()) {
            QCOMPARE(read(inv, u"old-name"_s, kind).error().kind, ErrorKind::NotFound);
            const Result<SecretBuffer> now = read(inv, u"new-name"_s, kind);
            QVERIFY2(now.ok(), qPrintable(describe(now)));
            QCOMPARE(now->bytes(), secrets[int(kind)]);
        }
    }

    void removeTargetDeletesEveryKind()
    {
        REQUIRE_KEYRING_MODE(Unlocked);
        const QString inv = u"inv-remove"_s;
        for (CredentialKind kind : allCredentialKinds())
            QVERIFY(store(inv, u"doomed"_s, kind, freshSecret("rm")).ok());
        QVERIFY(store(inv, u"kept"_s, CredentialKind::SshPassword, freshSecret("kept")).ok());
        QVERIFY(wait([&](auto done) { m_store->removeTarget(inv, u"doomed"_s, this, done); }).ok());
        for (CredentialKind kind : allCredentialKinds())
            QCOMPARE(read(inv, u"doomed"_s, kind).error().kind, ErrorKind::NotFound);
        QVERIFY(read(inv, u"kept"_s, CredentialKind::SshPassword).ok());
    }

    void lookupWalksHostThenGroupsThenAll()
    {
        REQUIRE_KEYRING_MODE(Unlocked);
        const Inventory inv = nestedInventory();
        const auto kind = CredentialKind::SudoPassword;
        const QByteArray all = freshSecret("all");
        const QByteArray prod = freshSecret("prod");
        const QByteArray web = freshSecret("web");
        const QByteArray own = freshSecret("own");
        QVERIFY(store(inv.id(), u"all"_s, kind, all).ok());
        QVERIFY(store(inv.id(), u"prod"_s, kind, prod).ok());
        QVERIFY(store(inv.id(), u"web"_s, kind, web).ok());
        QVERIFY(store(inv.id(), u"web1"_s, kind, own).ok());
        QCOMPARE(lookup(inv, u"web1"_s, kind)->bytes(), own);
        QCOMPARE(lookup(inv, u"web2"_s, kind)->bytes(), web);
        QCOMPARE(lookup(inv, u"db1"_s, kind)->bytes(), prod);
        QCOMPARE(lookup(inv, u"lone"_s, kind)->bytes(), all);
        // Another kind has nothing anywhere.
        const Result<SecretBuffer> none = lookup(inv, u"web1"_s, CredentialKind::SshPassword);
        QVERIFY(!none.ok());
        QCOMPARE(none.error().kind, ErrorKind::NotFound);
        QVERIFY(none.error().message.contains(u"web1"_s));
    }

    void sessionCacheAnswersLookups()
    {
        REQUIRE_KEYRING_MODE(Unlocked);
        const Inventory inv = nestedInventory();
        const QByteArray cached = freshSecret("cached");
        m_usedSecrets.append(cached);
        m_store->rememberForSession(inv.id(), u"prod"_s, CredentialKind::KeyPassphrase,
                                    SecretBuffer(QByteArray(cached)));
        QCOMPARE(lookup(inv, u"web1"_s, CredentialKind::KeyPassphrase)->bytes(), cached);
        // A nearer keychain entry still wins over a farther cached one.
        const QByteArray own = freshSecret("nearer");
        QVERIFY(store(inv.id(), u"web1"_s, CredentialKind::KeyPassphrase, own).ok());
        QCOMPARE(lookup(inv, u"web1"_s, CredentialKind::KeyPassphrase)->bytes(), own);
        m_store->forgetSession();
        QCOMPARE(lookup(inv, u"web2"_s, CredentialKind::KeyPassphrase).error().kind,
                 ErrorKind::NotFound);
    }

    void callbackSkippedWhenContextDies()
    {
        REQUIRE_KEYRING_MODE(Unlocked);
        bool called = false;
        auto* context = new QObject;
        m_store->read(u"inv-ctx"_s, u"h"_s, CredentialKind::SshPassword, context,
                      [&called](Result<SecretBuffer>) { called = true; });
        delete context;
        // A second read through a live context proves the first one has finished by then.
        QVERIFY(!read(u"inv-ctx"_s, u"h"_s, CredentialKind::SshPassword).ok());
        QTest::qWait(50);
        QVERIFY(!called);
    }

    // --- a locked keyring ----------------------------------------------------------------

    void lockedKeyringRefusesClearly()
    {
        REQUIRE_KEYRING_MODE(Locked);
        const QByteArray secret = freshSecret("locked");
        const Status stored = store(u"inv-locked"_s, u"h"_s, CredentialKind::SshPassword, secret);
        QVERIFY(!stored.ok());
        QCOMPARE(stored.error().kind, ErrorKind::Keychain);
        QVERIFY2(stored.error().message.contains(u"locked"_s), qPrintable(stored.error().message));
        QVERIFY2(stored.error().message.contains(u"session only"_s),
                 qPrintable(stored.error().message));
        const Result<SecretBuffer> back =
            read(u"inv-locked"_s, u"h"_s, CredentialKind::SshPassword);
        QVERIFY(!back.ok());
    }

    // --- no Secret Service at all --------------------------------------------------------

    void noBusFailsClearly()
    {
        REQUIRE_KEYRING_MODE(NoBus);
        const QByteArray secret = freshSecret("nobus");
        const Status stored = store(u"inv-nobus"_s, u"h"_s, CredentialKind::SshPassword, secret);
        QVERIFY(!stored.ok());
        QCOMPARE(stored.error().kind, ErrorKind::Keychain);
        QVERIFY2(stored.error().message.contains(u"no usable keychain"_s),
                 qPrintable(stored.error().message));
        const Inventory inv = nestedInventory();
        const Result<SecretBuffer> looked = lookup(inv, u"web1"_s, CredentialKind::SshPassword);
        QVERIFY(!looked.ok());
        QCOMPARE(looked.error().kind, ErrorKind::Keychain);
        const Status removed =
            wait([&](auto done) { m_store->removeTarget(inv.id(), u"web1"_s, this, done); });
        QCOMPARE(removed.error().kind, ErrorKind::Keychain);
    }

    // --- every mode ----------------------------------------------------------------------

    void sessionFallbackWorksWithoutKeychain()
    {
        const Inventory inv = nestedInventory();
        const QByteArray prompted = freshSecret("prompted");
        m_usedSecrets.append(prompted);
        m_store->rememberForSession(inv.id(), u"web"_s, CredentialKind::SshPassword,
                                    SecretBuffer(QByteArray(prompted)));
        const Result<SecretBuffer> found = lookup(inv, u"web2"_s, CredentialKind::SshPassword);
        QVERIFY2(found.ok(), qPrintable(describe(found)));
        QCOMPARE(found->bytes(), prompted);
    }

    void noSecretReachedAnyFile()
    {
        QVERIFY(!m_usedSecrets.isEmpty());
        QVERIFY(!KeyringFixture::root().isEmpty());
        for (const QByteArray& secret : std::as_const(m_usedSecrets)) {
            const QStringList files = KeyringFixture::filesContaining(secret);
            QVERIFY2(files.isEmpty(), qPrintable(files.join(u", "_s)));
        }
    }
};

HOSTDECK_KEYRING_TEST_MAIN(TstCredentialStore)
#include "tst_credentialstore.moc"
