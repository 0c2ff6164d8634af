// The GUI's credentials against a real Secret Service (KeyringFixture): KeychainCredentialProvider
// first (host, then groups, then all, found by the request's inventory and host), then
// GuiCredentialProvider's prompt; a typed secret is kept for the session only.
#include "engine/inventory/CredentialStore.h"
#include "engine/inventory/Inventory.h"
#include "engine/runner/KeychainCredentialProvider.h"
#include "tests/support/KeyringFixture.h"
#include "ui/prompts/GuiCredentialProvider.h"
#include "ui/prompts/Prompts.h"

#include <QApplication>
#include <QWidget>
#include <QtTest>

using namespace hostdeck;
using namespace hostdeck::ui;

class TestGuiCredentials : public QObject
{
    Q_OBJECT

private slots:
    void keychainFirstThenPromptForTheSession();

private:
    /// Asks the provider as the engine does and returns what it answered ("<none>" for nothing).
    QByteArray ask(engine::CredentialProvider& provider, const QString& target,
                   const QString& address, const QString& user,
                   engine::CredentialKind kind = engine::CredentialKind::SshPassword,
                   bool viaJump = false)
    {
        engine::CredentialRequest request;
        request.kind = kind;
        request.inventoryId = QStringLiteral("gui-cred-test");
        request.target = target;
        request.viaJump = viaJump;
        request.host = address;
        request.port = 22;
        request.user = user;
        std::optional<QByteArray> answer;
        provider.requestSecret(
            request, &m_engineSide, [&answer](std::optional<engine::SecretBuffer> secret) {
                answer = secret ? QByteArray(secret->data(), secret->size()) : QByteArray("<none>");
            });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 20000); }();
        return answer.value_or(QByteArray("<timeout>"));
    }

    QObject m_engineSide;
};

void TestGuiCredentials::keychainFirstThenPromptForTheSession()
{
    engine::Inventory inventory;
    inventory.setId(QStringLiteral("gui-cred-test"));
    engine::Host web(QStringLiteral("web1"));
    web.setAddress(QStringLiteral("10.9.0.1"));
    inventory.addHost(web, QStringLiteral("web"));
    engine::Host db(QStringLiteral("db1"));
    db.setAddress(QStringLiteral("10.9.0.2"));
    inventory.addHost(db, QStringLiteral("db"));

    engine::CredentialStore store;
    bool stored = false;
    store.store(
        inventory.id(), QStringLiteral("web"), engine::CredentialKind::SshPassword,
        engine::SecretBuffer(QByteArray("group-secret-1")), this, [&stored](engine::Status status) {
            QVERIFY2(status.ok(), qPrintable(status.ok() ? QString() : status.error().message));
            stored = true;
        });
    QTRY_VERIFY_WITH_TIMEOUT(stored, 20000);

    QWidget window;
    Prompts prompts(&window);
    prompts.setInteractive(false);
    auto prompt = std::make_shared<GuiCredentialProvider>(&prompts, &store);
    auto provider = std::make_shared<engine::KeychainCredentialProvider>(&store, prompt);
    provider->setInventory(inventory);

    // web1 has no secret of its own; its group's comes from the keychain, nobody is asked.
    QCOMPARE(
        ask(*provider, QStringLiteral("web1"), QStringLiteral("10.9.0.1"), QStringLiteral("alice")),
        QByteArray("group-secret-1"));
    // A jump host addressed like web1 on the way to db1 uses web1's secrets.
    QCOMPARE(ask(*provider, QStringLiteral("db1"), QStringLiteral("10.9.0.1"),
                 QStringLiteral("alice"), engine::CredentialKind::SshPassword, true),
             QByteArray("group-secret-1"));
    QVERIFY(!prompts.asked().join(QLatin1Char('\n')).contains(QStringLiteral("secret:")));

    // db1 has none anywhere: the seam asks; the answer is kept for the session only.
    const QByteArray typed("typed-secret-7f3a9");
    prompts.setNextSecret(typed);
    QCOMPARE(
        ask(*provider, QStringLiteral("db1"), QStringLiteral("10.9.0.2"), QStringLiteral("bob")),
        typed);
    QCOMPARE(prompts.asked().filter(QStringLiteral("secret:")).size(), 1);
    QVERIFY2(prompts.asked()
                 .filter(QStringLiteral("secret:"))
                 .constFirst()
                 .contains(QStringLiteral("(db1)")),
             "the question names the inventory host");
    QCOMPARE(
        ask(*provider, QStringLiteral("db1"), QStringLiteral("10.9.0.2"), QStringLiteral("bob")),
        typed); // from the session
    QCOMPARE(prompts.asked().filter(QStringLiteral("secret:")).size(), 1);
    // ... and never in the keychain or any file.
    bool readBack = false;
    store.read(inventory.id(), QStringLiteral("db1"), engine::CredentialKind::SshPassword, this,
               [&readBack](engine::Result<engine::SecretBuffer> secret) {
                   QVERIFY(!secret.ok());
                   QCOMPARE(secret.error().kind, engine::ErrorKind::NotFound);
                   readBack = true;
               });
    QTRY_VERIFY_WITH_TIMEOUT(readBack, 20000);
    QVERIFY(test::KeyringFixture::filesContaining(typed).isEmpty());

    // The server refused web1's stored secret: the next time the user is asked instead.
    engine::CredentialRequest refused;
    refused.kind = engine::CredentialKind::SshPassword;
    refused.inventoryId = inventory.id();
    refused.target = QStringLiteral("web1");
    refused.host = QStringLiteral("10.9.0.1");
    refused.port = 22;
    refused.user = QStringLiteral("alice");
    provider->secretRejected(refused);
    prompts.setNextSecret(QByteArray("retyped"));
    QCOMPARE(
        ask(*provider, QStringLiteral("web1"), QStringLiteral("10.9.0.1"), QStringLiteral("alice")),
        QByteArray("retyped"));

    // Cancelled prompt: no secret.
    QCOMPARE(ask(*provider, QStringLiteral("nohost"), QStringLiteral("10.9.9.9"),
                 QStringLiteral("carol")),
             QByteArray("<none>"));
}

int main(int argc, char** argv)
{
    if (const std::optional<int> rc = hostdeck::test::KeyringFixture::enter(argc, argv))
        return *rc;
    QApplication app(argc, argv);
    TestGuiCredentials test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_guicredentials.moc"
