// Differential test: generated ssh_config files resolved by Hostdeck (`hostdeck-cli ssh-config
// resolve`) and by the real OpenSSH client (`ssh -G`), field by field, ProxyJump chains hop by hop
// the way ssh's own jump processes resolve them.
#include "tests/engine/ssh/SshConfigGenerator.h"
#include "tests/engine/ssh/SshReference.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using hostdeck::test::GeneratedSshConfig;
using hostdeck::test::SshConfigGenerator;
using hostdeck::test::SshHop;
using hostdeck::test::SshReference;
using hostdeck::test::SshView;

namespace {

constexpr int configCount = 300;
constexpr quint32 seed = 20261203;

const QStringList& comparedFields()
{
    static const QStringList fields = {QStringLiteral("hostname"),
                                       QStringLiteral("user"),
                                       QStringLiteral("port"),
                                       QStringLiteral("identityfile"),
                                       QStringLiteral("proxyjump"),
                                       QStringLiteral("proxycommand"),
                                       QStringLiteral("userknownhostsfile"),
                                       QStringLiteral("globalknownhostsfile"),
                                       QStringLiteral("hostkeyalias"),
                                       QStringLiteral("stricthostkeychecking"),
                                       QStringLiteral("connecttimeout"),
                                       QStringLiteral("serveraliveinterval"),
                                       QStringLiteral("hashknownhosts"),
                                       QStringLiteral("batchmode"),
                                       QStringLiteral("controlpath"),
                                       QStringLiteral("identityagent")};
    return fields;
}

/// A JSON field of Hostdeck's answer in `ssh -G`'s spelling.
QString hostdeckValue(const QJsonObject& object, const QString& field)
{
    const QJsonValue value = object.value(field);
    if (value.isArray()) {
        QStringList parts;
        for (const QJsonValue& item : value.toArray())
            parts.append(item.toString());
        // ssh -G prints identityfile one per line, the known_hosts lists on one line.
        return parts.join(field == QLatin1String("identityfile") ? u'\n' : u' ');
    }
    if (value.isDouble())
        return QString::number(value.toInt());
    return value.toString();
}

} // namespace

class TestSshConfigDiff : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_home;
    QString m_cli;
    QProcessEnvironment m_env;

    QProcess* startCli(const QStringList& arguments)
    {
        auto* process = new QProcess(this);
        process->setProcessEnvironment(m_env);
        process->setStandardInputFile(QProcess::nullDevice());
        process->start(m_cli, arguments);
        return process;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("ssh")).isEmpty(),
                 "the OpenSSH client (package openssh-client) is the reference of this test");
        m_cli = qEnvironmentVariable("HOSTDECK_BINARY_DIR") + QStringLiteral("/app/hostdeck-cli");
        QVERIFY2(QFile::exists(m_cli), qPrintable(m_cli));
        m_home = m_dir.filePath(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(m_home + QStringLiteral("/.ssh")));
        // Relative and ~ includes resolve through $HOME (ssh's glob); both tools see the same.
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("HOME"), m_home);
        m_env.remove(QStringLiteral("HOSTDECK_UNSET_VARIABLE"));
    }

    void generatedConfigsAgreeWithSshG()
    {
        SshConfigGenerator generator(seed, m_dir.filePath(QStringLiteral("configs")), m_home);
        const SshReference ssh(m_env);
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("configs"))));
        int lookups = 0, bothRefused = 0, execReported = 0, chainsCompared = 0, loops = 0;
        int proxyCommandHops = 0;
        QMap<QString, int> agreeing;
        QStringList disagreements;
        for (int n = 0; n < configCount; ++n) {
            const GeneratedSshConfig config = generator.next();
            for (auto it = config.files.cbegin(); it != config.files.cend(); ++it) {
                QFile file(it.key());
                QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
                file.write(it.value().toUtf8());
            }
            // All lookups of one file at once: ssh -G per alias, Hostdeck for all of them.
            QList<QProcess*> running;
            for (const QString& alias : config.aliases)
                running.append(ssh.start(config.mainFile, {}, alias));
            QProcess* hostdeck =
                startCli(QStringList{QStringLiteral("ssh-config"), QStringLiteral("resolve"),
                                     QStringLiteral("--ssh-config"), config.mainFile} +
                         config.aliases);
            hostdeck->waitForFinished(20000);
            const QJsonArray answers =
                QJsonDocument::fromJson(hostdeck->readAllStandardOutput()).array();
            const QString hostdeckErr = QString::fromUtf8(hostdeck->readAllStandardError());
            hostdeck->deleteLater();
            QVERIFY2(answers.size() == config.aliases.size(), qPrintable(hostdeckErr));
            for (int a = 0; a < config.aliases.size(); ++a) {
                ++lookups;
                const SshView view = SshReference::finish(running.at(a));
                const QJsonObject ours = answers.at(a).toObject();
                const QString where =
                    QStringLiteral("%1 %2").arg(config.mainFile, config.aliases.at(a));
                const bool weRefused = ours.contains(QStringLiteral("error"));
                if (!view.ok || weRefused) {
                    if (view.ok == weRefused)
                        disagreements
                            << QStringLiteral("%1: ssh %2 (%3), Hostdeck %4")
                                   .arg(where,
                                        view.ok ? QStringLiteral("accepts")
                                                : QStringLiteral("refuses"),
                                        view.error, ours.value(QStringLiteral("error")).toString());
                    else
                        ++bothRefused;
                    continue;
                }
                const QString unsupported = QString::fromUtf8(
                    QJsonDocument(ours.value(QStringLiteral("unsupported")).toArray()).toJson());
                if (unsupported.contains(QLatin1String("Match exec"))) {
                    ++execReported; // reported with file and line; ssh ran the command
                    continue;
                }
                for (const QString& field : comparedFields()) {
                    const QString theirs = view.value(field);
                    const QString mine = hostdeckValue(ours, field);
                    if (theirs == mine)
                        ++agreeing[field];
                    else
                        disagreements << QStringLiteral("%1: %2: ssh '%3' Hostdeck '%4'")
                                             .arg(where, field, theirs, mine);
                }
                const QString jump = view.value(QStringLiteral("proxyjump"));
                if (jump.isEmpty() || jump.contains(u'%'))
                    continue;
                QList<SshHop> expected;
                const bool finite = ssh.chain(config.mainFile, view, expected);
                if (!finite) {
                    ++loops;
                    if (!ours.contains(QStringLiteral("connect_error")))
                        disagreements << where + QStringLiteral(": ssh's jump chain loops or "
                                                                "fails, Hostdeck resolves it");
                    continue;
                }
                QList<SshHop> actual;
                for (const QJsonValue& hop : ours.value(QStringLiteral("jump_chain")).toArray()) {
                    const QJsonObject h = hop.toObject();
                    actual.append({h.value(QStringLiteral("user")).toString(),
                                   h.value(QStringLiteral("hostname")).toString(),
                                   QString::number(h.value(QStringLiteral("port")).toInt())});
                }
                if (actual.isEmpty() &&
                    ours.value(QStringLiteral("connect_error"))
                        .toString()
                        .contains(QLatin1String("ProxyCommand is not supported"))) {
                    // A hop reached through a ProxyCommand: ssh would run the command, Hostdeck
                    // refuses the hop naming the file and line (it runs no local commands).
                    ++proxyCommandHops;
                    continue;
                }
                ++chainsCompared;
                if (actual != expected) {
                    QStringList ourHops, theirHops;
                    for (const SshHop& hop : actual)
                        ourHops << hop.toString();
                    for (const SshHop& hop : expected)
                        theirHops << hop.toString();
                    disagreements
                        << QStringLiteral("%1: jump chain ssh [%2] Hostdeck [%3] %4")
                               .arg(where, theirHops.join(u','), ourHops.join(u','),
                                    ours.value(QStringLiteral("connect_error")).toString());
                }
            }
        }
        const int compared = lookups - bothRefused - execReported;
        qInfo("ssh-config differential (seed %u): %d files, %d lookups: %d compared on %d fields, "
              "%d refused by both, %d with a Match exec reported unsupported; %d ProxyJump chains "
              "compared hop by hop, %d looping chains refused, %d hops behind a ProxyCommand "
              "refused by Hostdeck",
              seed, configCount, lookups, compared, int(comparedFields().size()), bothRefused,
              execReported, chainsCompared, loops, proxyCommandHops);
        for (const QString& field : comparedFields())
            qInfo("  %-22s %d/%d agree", qPrintable(field), agreeing.value(field), compared);
        for (const QString& line : disagreements.mid(0, 30))
            qWarning("%s", qPrintable(line));
        QVERIFY2(
            disagreements.isEmpty(),
            qPrintable(QStringLiteral("%1 disagreements with ssh -G").arg(disagreements.size())));
        QVERIFY(compared > configCount); // the generator must produce comparable lookups
        QVERIFY(bothRefused > 0);        // and some broken files
        QVERIFY(chainsCompared > 20);
    }
};

QTEST_GUILESS_MAIN(TestSshConfigDiff)
#include "tst_sshconfigdiff.moc"
