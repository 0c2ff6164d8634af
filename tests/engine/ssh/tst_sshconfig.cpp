// Unit tests of the SSH layer's pure parts: remote command quoting, addresses, ssh config.
#include "engine/ssh/RemoteCommand.h"
#include "engine/ssh/SshConfigResolver.h"
#include "engine/ssh/SshConfigSyntax.h"
#include "engine/ssh/SshSettings.h"

#include <QDir>

#include <QTemporaryDir>
#include <QTest>

using namespace hostdeck::engine;
using namespace Qt::StringLiterals;

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

    // Expected values below were read off the real OpenSSH 9.2 (`ssh -G`) for the same input.
    void patterns_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("matches");
        QTest::newRow("star") << u"web*"_s << u"web1"_s << true;
        QTest::newRow("question") << u"w?b1"_s << u"web1"_s << true;
        QTest::newRow("case-sensitive") << u"web1"_s << u"WEB1"_s << false;
        QTest::newRow("comma is literal") << u"a,b"_s << u"a"_s << false;
        QTest::newRow("no classes") << u"web[12]"_s << u"web1"_s << false;
        QTest::newRow("brackets literal") << u"web[12]"_s << u"web[12]"_s << true;
        QTest::newRow("star matches empty") << u"web*"_s << u"web"_s << true;
        QTest::newRow("backtracking") << u"*a*b"_s << u"xaxaxb"_s << true;
    }
    void patterns()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, host);
        QTEST(sshconfig::matchPattern(host, pattern), "matches");
    }

    void patternLists()
    {
        QCOMPARE(sshconfig::matchPatternList(u"web2"_s, u"web*,!web2"_s, true), -1);
        QCOMPARE(sshconfig::matchPatternList(u"WEB1"_s, u"web*,!web2"_s, true), 1);
        QCOMPARE(sshconfig::matchPatternList(u"db"_s, u"!web2"_s, true), 0);
        QCOMPARE(sshconfig::matchPatternList(u"Root"_s, u"root"_s, false), 0);
    }

    void lines_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("keyword");
        QTest::addColumn<QStringList>("args");
        QTest::newRow("spaces") << u"  Port 22"_s << u"port"_s << QStringList{u"22"_s};
        QTest::newRow("equals") << u"Port=23611"_s << u"port"_s << QStringList{u"23611"_s};
        QTest::newRow("spaced equals") << u"Port = 23611"_s << u"port"_s << QStringList{u"23611"_s};
        QTest::newRow("comment word") << u"Host c # note"_s << u"host"_s << QStringList{u"c"_s};
        QTest::newRow("hash inside") << u"User a#b"_s << u"user"_s << QStringList{u"a#b"_s};
        QTest::newRow("quotes") << u"IdentityFile \"/k/a b\" 'c d'"_s << u"identityfile"_s
                                << QStringList{u"/k/a b"_s, u"c d"_s};
        QTest::newRow("comment line") << u"  # Host x"_s << QString() << QStringList();
        QTest::newRow("blank") << u" \t "_s << QString() << QStringList();
    }
    void lines()
    {
        QFETCH(QString, line);
        const auto split = sshconfig::splitLine(line);
        QVERIFY(split.ok());
        QTEST(split->has_value() ? split->value().keyword : QString(), "keyword");
        QTEST(split->has_value() ? split->value().args : QStringList(), "args");
        QVERIFY(!sshconfig::splitLine(u"User \"open"_s).ok());
        QVERIFY(!sshconfig::splitLine(u"User"_s).ok());
    }

    void valuesAsOpenSsh()
    {
        QCOMPARE(sshconfig::portNumber(u"ssh"_s), 22);
        QCOMPARE(sshconfig::portNumber(u"http"_s), 80);
        QCOMPARE(sshconfig::portNumber(u"023"_s), 23);
        QCOMPARE(sshconfig::portNumber(u"70000"_s), -1);
        QCOMPARE(sshconfig::seconds(u"1h30m"_s), 5400);
        QCOMPARE(sshconfig::seconds(u"1m1"_s), 61);
        QCOMPARE(sshconfig::seconds(u"5x"_s), -1);
        QCOMPARE(sshconfig::seconds(u"2147483648"_s), -1);
        const auto jump = sshconfig::parseJump(u"a,b c"_s); // a blank ends the value
        QVERIFY(jump.ok());
        QCOMPARE(jump->display(), u"a,b"_s);
        QCOMPARE(sshconfig::parseJump(u"j@10.1.2.3:44"_s)->display(), u"j@[10.1.2.3]:44"_s);
        QCOMPARE(sshconfig::parseJump(u"h:ssh"_s)->display(), u"h:22"_s);
        QVERIFY(sshconfig::parseJump(u"NONE"_s)->isNone);
        QVERIFY(!sshconfig::parseJump(u"a,,b"_s).ok());
        QVERIFY(!sshconfig::parseJump(u"h:0"_s).ok());
        QVERIFY(!sshconfig::parseJump(u"::1"_s).ok());
    }

    void resolveConfig()
    {
        QTemporaryDir dir;
        const QString path = writeConfig(dir, u"config"_s,
                                         "# comment\n"
                                         "Host web1 web2\n"
                                         "    HostName %h.example.net\n"
                                         "    Port 2222\n"
                                         "    ProxyJump jumper,ops@gate.example.net:2200\n"
                                         "Host jumper\n"
                                         "    HostName 10.0.0.1\n"
                                         "    IdentityFile ~/.ssh/jump_key\n"
                                         "Host *\n"
                                         "    User deploy\n"
                                         "    Port 22\n"
                                         "    IdentityFile=\"/keys/%r-%h\"\n");
        SshSettings base;
        base.sshConfigFile = path;
        const Result<SshSettings> web = SshConfigResolver::resolve(u"web1"_s, base);
        QVERIFY2(web.ok(), qPrintable(web ? QString() : web.error().message));
        QCOMPARE(web->host, u"web1.example.net"_s);
        QCOMPARE(web->user, u"deploy"_s);
        QCOMPARE(web->port, quint16(2222));
        QCOMPARE(web->identityFiles, QStringList{u"/keys/deploy-web1.example.net"_s});
        QCOMPARE(web->jumpHosts.size(), 2);
        // The hop is its own `ssh jumper`: Host * gives it User deploy, its keys come first.
        QCOMPARE(web->jumpHosts[0].host, u"10.0.0.1"_s);
        QCOMPARE(web->jumpHosts[0].user, u"deploy"_s);
        QCOMPARE(web->jumpHosts[0].port, quint16(22));
        QCOMPARE(web->jumpHosts[0].identityFiles,
                 (QStringList{sshconfig::homeDirectory() + u"/.ssh/jump_key"_s,
                              u"/keys/deploy-10.0.0.1"_s}));
        QCOMPARE(web->jumpHosts[1].toString(), u"ops@gate.example.net:2200"_s);

        const Result<SshSettings> explicitOverride =
            SshConfigResolver::resolve(u"root@web2:2300"_s, base);
        QVERIFY(explicitOverride.ok());
        QCOMPARE(explicitOverride->user, u"root"_s);
        QCOMPARE(explicitOverride->port, quint16(2300));

        const Result<SshSettings> other = SshConfigResolver::resolve(u"db"_s, base);
        QVERIFY(other.ok());
        QCOMPARE(other->host, u"db"_s);
        QVERIFY(other->jumpHosts.isEmpty());

        base.sshConfigFile = dir.filePath(u"missing"_s);
        QCOMPARE(SshConfigResolver::resolve(u"db"_s, base).error().kind, ErrorKind::NotFound);
    }

    void jumpHopsAsSsh()
    {
        QTemporaryDir dir;
        const QString path = writeConfig(dir, u"config"_s,
                                         "Host target\n"
                                         "    User appuser\n"
                                         "    ProxyJump bastion\n"
                                         "Host bastion\n"
                                         "    ProxyJump gw\n"
                                         "Host gw\n"
                                         "    ProxyJump none\n"
                                         "    Port 2201\n"
                                         "Host *\n"
                                         "    ProxyJump gw\n");
        SshSettings base;
        base.sshConfigFile = path;
        const Result<SshSettings> target = SshConfigResolver::resolve(u"target"_s, base);
        QVERIFY2(target.ok(), qPrintable(target ? QString() : target.error().message));
        // bastion's own ProxyJump is followed; gw's `none` stops the later Host * jump.
        QCOMPARE(target->jumpHosts.size(), 2);
        QCOMPARE(target->jumpHosts[0].host, u"gw"_s);
        QCOMPARE(target->jumpHosts[0].port, quint16(2201));
        QCOMPARE(target->jumpHosts[1].host, u"bastion"_s);
        // A hop without its own User is dialled with the login name, not the target's user.
        for (const SshEndpoint& hop : target->jumpHosts) {
            QCOMPARE(target->forJumpHost(hop).effectiveUser(), sshconfig::localUserName());
            QCOMPARE(hop.user, QString());
        }
        QCOMPARE(target->user, u"appuser"_s);
    }

    void includeAndMatch()
    {
        QTemporaryDir dir;
        const QByteArray oldHome = qgetenv("HOME");
        qputenv("HOME", dir.path().toUtf8());
        QDir().mkpath(dir.filePath(u".ssh"_s));
        writeConfig(dir, u".ssh/rel.conf"_s, "Host inc1\n    User fromrelative\n");
        const QString path = writeConfig(dir, u"config"_s,
                                         "Include rel.conf\n"
                                         "Host alias1\n"
                                         "    HostName Target.Example\n"
                                         "Match host target.example\n"
                                         "    User matchedhost\n"
                                         "Match final host target.example\n"
                                         "    IdentityFile /final\n"
                                         "Host target.example\n"
                                         "    HostKeyAlias SeenInFinalPass\n"
                                         "Match originalhost execd exec \"true\"\n"
                                         "    User fromexec\n");
        const SshConfigFiles files = SshConfigFiles::explicitFile(path);
        const Result<SshHostConfig> included =
            SshConfigResolver::lookup(files, SshConfigQuery{u"inc1"_s, {}, -1, {}});
        QVERIFY(included.ok());
        QCOMPARE(included->user, u"fromrelative"_s); // relative Include: ~/.ssh of $HOME

        const Result<SshHostConfig> alias =
            SshConfigResolver::lookup(files, SshConfigQuery{u"alias1"_s, {}, -1, {}});
        QVERIFY(alias.ok());
        QCOMPARE(alias->hostName, u"target.example"_s);
        QCOMPARE(alias->user, u"matchedhost"_s);
        QCOMPARE(alias->identityFiles, QStringList{u"/final"_s});
        QCOMPARE(alias->hostKeyAlias, u"seeninfinalpass"_s);
        QVERIFY(alias->unsupported.isEmpty()); // the exec's host criterion failed first

        SshSettings base;
        base.sshConfigFile = path;
        const Result<SshSettings> execd = SshConfigResolver::resolve(u"execd"_s, base);
        QVERIFY(!execd.ok());
        QVERIFY2(execd.error().message.contains(path + u" line 10: 'Match exec \"true\"'"_s) ||
                     execd.error().message.contains(path + u" line 10: 'Match exec true'"_s),
                 qPrintable(execd.error().message));
        qputenv("HOME", oldHome);
    }

private:
    static QString writeConfig(QTemporaryDir& dir, const QString& name, const char* text)
    {
        const QString path = dir.filePath(name);
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        file.write(text);
        return path;
    }
};

QTEST_GUILESS_MAIN(TestSshConfig)
#include "tst_sshconfig.moc"
