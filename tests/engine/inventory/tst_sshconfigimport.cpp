// `inventory import --from ssh-config`: imported hosts must connect exactly as `ssh ALIAS` would.
// A hand-written config checks the details; generated configs are imported, saved and loaded as
// YAML, turned into connection settings the way `call -i` does (InventorySshSettings), and
// compared with the real `ssh -G` (hop by hop for ProxyJump, identity files expanded by ssh).
#include "tests/engine/ssh/SshConfigGenerator.h"
#include "tests/engine/ssh/SshReference.h"

#include "engine/inventory/InventoryFile.h"
#include "engine/inventory/SshConfigImporter.h"
#include "engine/ssh/InventorySshSettings.h"
#include "engine/ssh/SshConfigSyntax.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace hostdeck::engine;
using namespace hostdeck::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int configCount = 80;
constexpr quint32 seed = 7;

void writeFile(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
}

const char* handWritten =
    R"ssh(# Personal config: Host * first, so its values win (first value wins)
Include conf.d/*.conf missing.conf

Host *
    ServerAliveInterval 30
    User everyone

Host web1 web2
    HostName %h.example.com
    User deploy
    Port 2222
    IdentityFile ~/.ssh/id_web
    IdentityFile ~/.ssh/id_%h_%p

Host web1
    Port 9999
    ProxyJump bastion

Host bastion
    HostName=203.0.113.10
    StrictHostKeyChecking accept-new
    ForwardAgent yes
    UserKnownHostsFile ~/.ssh/kh_bastion %d/kh_all

Host *.internal !secret.internal "quoted name"
    HostKeyAlias shared-alias

Match originalhost db* exec "test -e /etc/hostname"
    User matched
)ssh";

const QStringList& defaultIdentities()
{
    static const QStringList list = {u"~/.ssh/id_rsa"_s,        u"~/.ssh/id_ecdsa"_s,
                                     u"~/.ssh/id_ecdsa_sk"_s,   u"~/.ssh/id_ed25519"_s,
                                     u"~/.ssh/id_ed25519_sk"_s, u"~/.ssh/id_xmss"_s,
                                     u"~/.ssh/id_dsa"_s};
    return list;
}

} // namespace

class TestSshConfigImport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QByteArray m_oldHome;
    QString m_home;

    /// The import, saved and loaded back as YAML (what `inventory import --to FILE` leaves).
    Result<Inventory> importAndReload(const QString& config, QList<ImportIssue>* issues = nullptr)
    {
        const Result<ImportResult> imported = SshConfigImporter::importFile(config);
        if (!imported)
            return imported.error();
        if (issues)
            *issues = imported->issues;
        Inventory inventory = imported->inventory;
        inventory.ensureId();
        const QString yaml = config + u".yml"_s;
        if (Status saved = InventoryFile::save(inventory, yaml); !saved)
            return saved.error();
        return InventoryFile::load(yaml);
    }

    static Result<SshSettings> settingsOf(const Inventory& inventory, const QString& host)
    {
        const HostVariables lookup =
            [&inventory](const QString& name) -> std::optional<QVariantMap> {
            if (!inventory.hasHost(name))
                return std::nullopt;
            return inventory.resolvedHost(name).vars();
        };
        return InventorySshSettings::forHost(host, inventory.resolvedHost(host).vars(),
                                             SshSettings(), lookup);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(!QStandardPaths::findExecutable(u"ssh"_s).isEmpty(),
                 "the OpenSSH client is the reference of this test");
        m_oldHome = qgetenv("HOME");
        m_home = m_dir.filePath(u"home"_s);
        qputenv("HOME", QFile::encodeName(m_home)); // relative Includes: $HOME/.ssh, as ssh's glob
        QVERIFY(QDir().mkpath(m_home + u"/.ssh"_s));
    }

    void cleanupTestCase() { qputenv("HOME", m_oldHome); }

    void handWrittenConfig()
    {
        const QString config = m_dir.filePath(u"ssh/config"_s);
        writeFile(config, handWritten);
        writeFile(m_home + u"/.ssh/conf.d/10-a.conf"_s, "Host db1\n    HostName 10.0.0.21\n");
        writeFile(m_home + u"/.ssh/conf.d/20-b.conf"_s, "Host db2\n    Port 5022\n");
        QList<ImportIssue> issues;
        const Result<Inventory> inventory = importAndReload(config, &issues);
        QVERIFY2(inventory.ok(), qPrintable(inventory ? QString() : inventory.error().message));
        QStringList names;
        for (const Host& host : inventory->hosts())
            names << host.name();
        QCOMPARE(names, (QStringList{u"db1"_s, u"db2"_s, u"web1"_s, u"web2"_s, u"bastion"_s}));
        QCOMPARE(inventory->group(Inventory::allGroup())->vars.value(u"hostdeck_ssh_config"_s),
                 QVariant(u"none"_s));

        const Result<SshSettings> web1 = settingsOf(*inventory, u"web1"_s);
        QVERIFY2(web1.ok(), qPrintable(web1 ? QString() : web1.error().message));
        QCOMPARE(web1->host, u"web1.example.com"_s);
        QCOMPARE(web1->user, u"everyone"_s); // Host * came first
        QCOMPARE(web1->port, quint16(2222));
        const QString home = sshconfig::homeDirectory();
        QCOMPARE(web1->identityFiles, (QStringList{home + u"/.ssh/id_web"_s,
                                                   home + u"/.ssh/id_web1.example.com_2222"_s}));
        // The jump alias is dialled with bastion's own settings, not as root@bastion:22.
        QCOMPARE(web1->jumpHosts.size(), 1);
        const SshSettings hop = web1->forJumpHost(web1->jumpHosts.first());
        QCOMPARE(hop.host, u"203.0.113.10"_s);
        QCOMPARE(hop.user, u"everyone"_s);
        QCOMPARE(hop.port, quint16(22));
        QCOMPARE(hop.hostKeyPolicy, HostKeyPolicy::AcceptNew);
        QCOMPARE(hop.effectiveUserKnownHostsFiles(),
                 (QStringList{home + u"/.ssh/kh_bastion"_s, home + u"/kh_all"_s}));
        const Result<SshSettings> db2 = settingsOf(*inventory, u"db2"_s);
        QVERIFY(db2.ok());
        QCOMPARE(db2->port, quint16(5022)); // from the include, relative to ~/.ssh

        QStringList lines;
        for (const ImportIssue& issue : std::as_const(issues))
            lines << u"%1:%2 %3"_s.arg(QFileInfo(issue.file).fileName())
                         .arg(issue.line)
                         .arg(issue.problem);
        const auto has = [&lines](const QString& prefix, const QString& word) {
            for (const QString& line : lines) {
                if (line.startsWith(prefix) && line.contains(word))
                    return true;
            }
            return false;
        };
        const QString all = lines.join(u'\n');
        QVERIFY2(has(u"config:4 "_s, u"'*'"_s), qPrintable(all));
        QVERIFY2(has(u"config:5 "_s, u"serveraliveinterval"_s), qPrintable(all));
        QVERIFY2(has(u"config:22 "_s, u"forwardagent"_s), qPrintable(all));
        QVERIFY2(has(u"config:25 "_s, u"*.internal"_s), qPrintable(all));
        QVERIFY2(has(u"config:25 "_s, u"quoted name"_s), qPrintable(all));
        QVERIFY2(has(u"config:28 "_s, u"host db1: 'Match exec"_s), qPrintable(all));
        QVERIFY2(has(u"config:28 "_s, u"host db2: 'Match exec"_s), qPrintable(all));
        QVERIFY2(has(u"config:2 "_s, u"missing.conf"_s), qPrintable(all));
        QVERIFY2(!has(u"config:8 "_s, QString()), qPrintable(all)); // imported as is
    }

    void generatedImportsConnectAsSsh()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"HOME"_s, m_home);
        const SshReference ssh(env);
        const QString dir = m_dir.filePath(u"generated"_s);
        QVERIFY(QDir().mkpath(dir));
        SshConfigGenerator generator(seed, dir, m_home);
        int imported = 0, compared = 0, refusedImports = 0, skipped = 0, chains = 0;
        QStringList disagreements;
        for (int n = 0; n < configCount; ++n) {
            const GeneratedSshConfig config = generator.next();
            for (auto it = config.files.cbegin(); it != config.files.cend(); ++it)
                writeFile(it.key(), it.value().toUtf8());
            QList<ImportIssue> issues;
            const Result<Inventory> inventory = importAndReload(config.mainFile, &issues);
            if (!inventory) {
                ++refusedImports; // a broken file (ssh refuses it too) or an alias ssh refuses
                continue;
            }
            for (const Host& host : inventory->hosts()) {
                ++imported;
                const QString alias = host.name();
                bool unsupported = false;
                for (const ImportIssue& issue : std::as_const(issues))
                    unsupported =
                        unsupported || issue.problem.startsWith(u"host "_s + alias + u':');
                const SshView view = ssh.run(config.mainFile, {}, alias);
                const Result<SshSettings> ours = settingsOf(*inventory, alias);
                if (!view.ok || unsupported || !ours) {
                    QList<SshHop> hops; // ssh -G succeeds but a jump process of ssh would fail
                    if (view.ok && !unsupported && ssh.chain(config.mainFile, view, hops))
                        disagreements << u"%1 %2: ssh resolves it, Hostdeck: %3"_s.arg(
                            config.mainFile, alias, ours.error().message);
                    ++skipped;
                    continue;
                }
                ++compared;
                const auto check = [&](const char* what, const QString& theirs,
                                       const QString& mine) {
                    if (theirs != mine)
                        disagreements << u"%1 %2: %3: ssh '%4' Hostdeck '%5'"_s.arg(
                            config.mainFile, alias, QLatin1String(what), theirs, mine);
                };
                check("hostname", view.value(u"hostname"_s), ours->host);
                check("user", view.value(u"user"_s), ours->effectiveUser());
                check("port", view.value(u"port"_s), QString::number(ours->port));
                const QStringList rawIdentities = view.values.value(u"identityfile"_s);
                QStringList expected;
                if (rawIdentities != defaultIdentities()) {
                    for (const QString& raw : rawIdentities)
                        expected << ssh.expandPath(config.mainFile, alias, raw);
                }
                check("identityfile", expected.join(u' '), ours->identityFiles.join(u' '));
                if (host.vars().contains(u"hostdeck_known_hosts"_s))
                    check("userknownhostsfile", view.value(u"userknownhostsfile"_s),
                          ours->effectiveUserKnownHostsFiles().join(u' '));
                check("hostkeyalias", view.value(u"hostkeyalias"_s), ours->hostKeyAlias);
                const QString strict = view.value(u"stricthostkeychecking"_s);
                const bool acceptNew = strict == u"accept-new"_s || strict == u"false"_s;
                check("stricthostkeychecking", QString::number(acceptNew),
                      QString::number(ours->hostKeyPolicy == HostKeyPolicy::AcceptNew));
                check("hashknownhosts", view.value(u"hashknownhosts"_s),
                      ours->hashKnownHosts ? u"yes"_s : u"no"_s);
                const QString jump = view.value(u"proxyjump"_s);
                if (jump.isEmpty()) {
                    check("jump", QString(),
                          ours->jumpHosts.isEmpty() ? QString()
                                                    : u"%1 hops"_s.arg(ours->jumpHosts.size()));
                    continue;
                }
                if (jump.contains(u'%'))
                    continue; // tokens: the chain check of tst_sshconfigdiff skips them too
                QList<SshHop> hops;
                if (!ssh.chain(config.mainFile, view, hops))
                    continue; // a loop: ssh never gets there either
                ++chains;
                QStringList theirs, mine;
                for (const SshHop& hop : hops)
                    theirs << hop.toString();
                for (const SshEndpoint& hop : ours->jumpHosts) {
                    const SshSettings own = ours->forJumpHost(hop);
                    mine << SshHop{own.effectiveUser(), own.host, QString::number(own.port)}
                                .toString();
                }
                check("jump chain", theirs.join(u','), mine.join(u','));
            }
        }
        qInfo("ssh-config import (seed %u): %d files (%d refused as ssh refuses them), %d hosts "
              "imported, %d compared with ssh -G after a YAML round trip, %d skipped (ssh fails "
              "for them or a Match exec/ProxyCommand was reported), %d jump chains hop by hop",
              seed, configCount, refusedImports, imported, compared, skipped, chains);
        for (const QString& line : disagreements.mid(0, 20))
            qWarning("%s", qPrintable(line));
        QVERIFY2(disagreements.isEmpty(),
                 qPrintable(u"%1 disagreements"_s.arg(disagreements.size())));
        QVERIFY(compared > configCount);
        QVERIFY(chains > 5);
    }
};

QTEST_GUILESS_MAIN(TestSshConfigImport)
#include "tst_sshconfigimport.moc"
