// Unit tests of the SSH layer's pure parts: remote command quoting, addresses, ssh config.
#include "ssh/RemoteCommand.h"
#include "ssh/SshConfigResolver.h"
#include "ssh/SshSettings.h"

#include <QTemporaryDir>
#include <QTest>

using namespace hostdeck::engine;

class TestSshConfig : public QObject
{
    Q_OBJECT

private slots:
    void quoting_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("plain") << QStringLiteral("echo") << QStringList{QStringLiteral("hi")}
                               << QByteArray("exec 'echo' 'hi'");
        QTest::newRow("quote") << QStringLiteral("printf") << QStringList{QStringLiteral("it's")}
                               << QByteArray("exec 'printf' 'it'\\''s'");
        QTest::newRow("empty") << QStringLiteral("x") << QStringList{QString()}
                               << QByteArray("exec 'x' ''");
        QTest::newRow("metachars")
            << QStringLiteral("/usr/bin/python3")
            << QStringList{QStringLiteral("$(id); `x` \"a\" \\n *")}
            << QByteArray("exec '/usr/bin/python3' '$(id); `x` \"a\" \\n *'");
        QTest::newRow("utf8") << QStringLiteral("echo") << QStringList{QStringLiteral("h\u00e9")}
                              << QByteArray("exec 'echo' 'h\xc3\xa9'");
    }
    void quoting()
    {
        QFETCH(QString, program);
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, line);
        QCOMPARE(RemoteCommand::commandLine({program, arguments}), line);
    }

    void endpoints_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("host") << QStringLiteral("web1") << true << QString()
                              << QStringLiteral("web1") << 22;
        QTest::newRow("user@host:port")
            << QStringLiteral("deploy@web1:2222") << true << QStringLiteral("deploy")
            << QStringLiteral("web1") << 2222;
        QTest::newRow("ipv6") << QStringLiteral("[::1]:2200") << true << QString()
                              << QStringLiteral("::1") << 2200;
        QTest::newRow("bare ipv6")
            << QStringLiteral("fe80::1") << true << QString() << QStringLiteral("fe80::1") << 22;
        QTest::newRow("bad port") << QStringLiteral("web1:99999") << false << QString() << QString()
                                  << 0;
        QTest::newRow("empty user")
            << QStringLiteral("@web1") << false << QString() << QString() << 0;
    }
    void endpoints()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        const Result<SshEndpoint> endpoint = SshEndpoint::parse(text);
        QCOMPARE(endpoint.ok(), ok);
        if (!ok)
            return;
        QTEST(endpoint->user, "user");
        QTEST(endpoint->host, "host");
        QTEST(int(endpoint->port), "port");
    }

    void hostPatterns()
    {
        QVERIFY(SshConfigResolver::hostMatches(QStringLiteral("web*"), QStringLiteral("web1")));
        QVERIFY(SshConfigResolver::hostMatches(QStringLiteral("db1 web?"), QStringLiteral("web2")));
        QVERIFY(
            !SshConfigResolver::hostMatches(QStringLiteral("web? !web2"), QStringLiteral("web2")));
        QVERIFY(SshConfigResolver::hostMatches(QStringLiteral("*,!web2"), QStringLiteral("db")));
        QVERIFY(!SshConfigResolver::hostMatches(
            QStringLiteral("!web2"), QStringLiteral("db"))); // negation alone never matches
    }

    void resolveConfig()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("config"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("# comment\n"
                   "Host web1 web2\n"
                   "    HostName %h.example.net\n"
                   "    Port 2222\n"
                   "    ProxyJump jumper,ops@gate.example.net:2200\n"
                   "Host jumper\n"
                   "    HostName 10.0.0.1\n"
                   "    User bastion\n"
                   "    IdentityFile ~/.ssh/jump_key\n"
                   "Host *\n"
                   "    User deploy\n"
                   "    Port 22\n"
                   "    IdentityFile=\"/keys/%r-%h\"\n");
        file.close();
        SshSettings base;
        base.sshConfigFile = path;
        const Result<SshSettings> web = SshConfigResolver::resolve(QStringLiteral("web1"), base);
        QVERIFY(web.ok());
        QCOMPARE(web->host, QStringLiteral("web1.example.net"));
        QCOMPARE(web->user, QStringLiteral("deploy"));
        QCOMPARE(web->port, quint16(2222));
        QCOMPARE(web->identityFiles, QStringList{QStringLiteral("/keys/deploy-web1.example.net")});
        QCOMPARE(web->jumpHosts.size(), 2);
        QCOMPARE(web->jumpHosts[0].host, QStringLiteral("10.0.0.1"));
        QCOMPARE(web->jumpHosts[0].user, QStringLiteral("bastion"));
        QCOMPARE(web->jumpHosts[0].port, quint16(22));
        QCOMPARE(web->jumpHosts[0].identityFiles.first(),
                 QDir::homePath() + QStringLiteral("/.ssh/jump_key"));
        QCOMPARE(web->jumpHosts[1].toString(), QStringLiteral("ops@gate.example.net:2200"));

        const Result<SshSettings> explicitOverride =
            SshConfigResolver::resolve(QStringLiteral("root@web2:2300"), base);
        QVERIFY(explicitOverride.ok());
        QCOMPARE(explicitOverride->user, QStringLiteral("root"));
        QCOMPARE(explicitOverride->port, quint16(2300));

        const Result<SshSettings> other = SshConfigResolver::resolve(QStringLiteral("db"), base);
        QVERIFY(other.ok());
        QCOMPARE(other->host, QStringLiteral("db"));
        QVERIFY(other->jumpHosts.isEmpty());

        base.sshConfigFile = dir.filePath(QStringLiteral("missing"));
        QCOMPARE(SshConfigResolver::resolve(QStringLiteral("db"), base).error().kind,
                 ErrorKind::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestSshConfig)
#include "tst_sshconfig.moc"
