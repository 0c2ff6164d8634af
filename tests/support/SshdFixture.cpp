#include "tests/support/SshdFixture.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <libssh/libssh.h>

#include <csignal>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

namespace hostdeck::test {

struct SshdFixture::Server
{
    std::unique_ptr<QProcess> process;
    quint16 port = 0;
    QString hostKey;
    QString hostPublicLine; ///< "ssh-ed25519 AAAA..."
};

namespace {

/// Servers and agents die with the test process even when it cannot clean up (a sanitizer abort,
/// a crash): they would otherwise keep running and hold CTest's output pipe until its timeout.
void dieWithParent(QProcess& process)
{
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

QByteArray randomSecret()
{
    QByteArray bytes(18, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(bytes.data()),
                                          bytes.size() / 4);
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

bool isListening(quint16 port)
{
    QFile tcp(QStringLiteral("/proc/net/tcp"));
    if (!tcp.open(QIODevice::ReadOnly))
        return false;
    const QByteArray needle = QStringLiteral("0100007F:%1 00000000:0000 0A")
                                  .arg(port, 4, 16, QLatin1Char('0'))
                                  .toUpper()
                                  .toLatin1();
    return tcp.readAll().toUpper().contains(needle);
}

/// Every pid whose parent chain leads to `root` (children before parents).
QList<qint64> descendants(qint64 root)
{
    QHash<qint64, QList<qint64>> children;
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const qsizetype close = text.lastIndexOf(')');
        const QList<QByteArray> fields = text.mid(close + 2).split(' ');
        if (fields.size() > 1)
            children[fields.at(1).toLongLong()].append(pid);
    }
    QList<qint64> result;
    std::function<void(qint64)> walk = [&](qint64 pid) {
        for (qint64 child : children.value(pid)) {
            walk(child);
            result.append(child);
        }
    };
    walk(root);
    return result;
}

void stopProcess(QProcess* process)
{
    if (!process || process->state() == QProcess::NotRunning)
        return;
    process->terminate();
    if (!process->waitForFinished(3000)) {
        process->kill();
        process->waitForFinished(3000);
    }
}

} // namespace

SshdFixture::SshdFixture()
{
    static int fixtures = 0;
    m_user = QStringLiteral("hdtest-%1-%2").arg(::getpid()).arg(++fixtures);
}

SshdFixture::~SshdFixture()
{
    stopAll();
    if (m_userCreated) // the user, its home and its password go
        run(QStringLiteral("userdel"), {QStringLiteral("-r"), QStringLiteral("-f"), m_user});
}

void SshdFixture::removeStaleUsers() const
{
    QFile passwd(QStringLiteral("/etc/passwd"));
    if (!passwd.open(QIODevice::ReadOnly))
        return;
    for (const QByteArray& line : passwd.readAll().split('\n')) {
        const QString name = QString::fromUtf8(line.left(line.indexOf(':')));
        if (!name.startsWith(QLatin1String("hdtest-")))
            continue;
        const QString pid = name.section(u'-', 1, 1);
        if (pid.toLongLong() > 0 && !QFile::exists(QStringLiteral("/proc/") + pid))
            run(QStringLiteral("userdel"), {QStringLiteral("-r"), QStringLiteral("-f"), name});
    }
}

QString SshdFixture::run(const QString& program, const QStringList& arguments,
                         const QByteArray& input) const
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForStarted(5000))
        return QStringLiteral("cannot start %1").arg(program);
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(20000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0)
        return QStringLiteral("%1 %2 failed: %3")
            .arg(program, arguments.join(u' '),
                 QString::fromLocal8Bit(process.readAllStandardError()));
    return {};
}

QString SshdFixture::makeKey(const QString& path, const QString& type) const
{
    return run(QStringLiteral("ssh-keygen"),
               {QStringLiteral("-q"), QStringLiteral("-t"), type, QStringLiteral("-N"), QString(),
                QStringLiteral("-C"), QStringLiteral("hostdeck-test"), QStringLiteral("-f"), path});
}

QByteArray SshdFixture::runMarker()
{
    static const QByteArray marker =
        "HOSTDECK_TEST_RUN=" + QByteArray::number(::getpid()) + '-' + randomSecret().left(8);
    return marker;
}

QString SshdFixture::setUp()
{
    // Local agents and other children of this test inherit the marker too.
    const QByteArray marker = runMarker();
    qputenv(marker.left(marker.indexOf('=')).constData(), marker.mid(marker.indexOf('=') + 1));
    if (!m_dir.isValid())
        return QStringLiteral("no temp dir");
    if (geteuid() != 0)
        return QStringLiteral("the sshd fixture needs root (it creates the login user %1)")
            .arg(m_user);
    QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                            QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                            QFile::ExeOther);
    QDir().mkpath(QStringLiteral("/run/sshd"));
    removeStaleUsers();
    if (!run(QStringLiteral("id"), {m_user}).isEmpty()) {
        // Empty skeleton: no rc files, so nothing prints or slows the shell down.
        const QString error =
            run(QStringLiteral("useradd"),
                {QStringLiteral("-m"), QStringLiteral("-k"), QStringLiteral("/dev/null"),
                 QStringLiteral("-s"), QStringLiteral("/bin/sh"), m_user});
        if (!error.isEmpty())
            return error;
        m_userCreated = true;
    }
    m_password = randomSecret();
    if (const QString error =
            run(QStringLiteral("chpasswd"), {}, m_user.toUtf8() + ':' + m_password + '\n');
        !error.isEmpty())
        return error;

    for (const QString& name : {QStringLiteral("id_plain"), QStringLiteral("id_other")}) {
        if (const QString error = makeKey(dir() + u'/' + name, QStringLiteral("ed25519"));
            !error.isEmpty())
            return error;
    }
    // The encrypted key is written through libssh so its passphrase never reaches a command line.
    m_passphrase = randomSecret();
    ssh_key key = nullptr;
    if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK)
        return QStringLiteral("cannot generate a key");
    const QByteArray encryptedPath = QFile::encodeName(encryptedClientKey());
    char* publicBase64 = nullptr;
    const bool written =
        ssh_pki_export_privkey_file(key, m_passphrase.constData(), nullptr, nullptr,
                                    encryptedPath.constData()) == SSH_OK &&
        ssh_pki_export_pubkey_base64(key, &publicBase64) == SSH_OK;
    ssh_key_free(key);
    if (!written)
        return QStringLiteral("cannot write the encrypted key");
    const QString encryptedPublic = QStringLiteral("ssh-ed25519 %1 hostdeck-test-encrypted")
                                        .arg(QString::fromLatin1(publicBase64));
    ssh_string_free_char(publicBase64);
    writeFile(QStringLiteral("id_encrypted.pub"), {encryptedPublic});
    QFile::setPermissions(encryptedClientKey(), QFile::ReadOwner | QFile::WriteOwner);

    QFile plainPub(clientKey() + QStringLiteral(".pub"));
    plainPub.open(QIODevice::ReadOnly);
    const QString keys =
        writeFile(QStringLiteral("authorized_keys"),
                  {QString::fromUtf8(plainPub.readAll()).trimmed(), encryptedPublic});
    QFile::setPermissions(keys, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                    QFile::ReadOther);
    return {};
}

QString SshdFixture::clientKey() const
{
    return dir() + QStringLiteral("/id_plain");
}
QString SshdFixture::encryptedClientKey() const
{
    return dir() + QStringLiteral("/id_encrypted");
}
QString SshdFixture::unauthorizedKey() const
{
    return dir() + QStringLiteral("/id_other");
}

QString SshdFixture::writeFile(const QString& name, const QStringList& lines) const
{
    const QString path = dir() + u'/' + name;
    QFile file(path);
    file.open(QIODevice::WriteOnly | QIODevice::Truncate);
    for (const QString& line : lines)
        file.write(line.toUtf8() + '\n');
    return path;
}

int SshdFixture::startServer(const SshdOptions& options)
{
    auto server = std::make_unique<Server>();
    const int index = int(m_servers.size());
    const QString serverDir = dir() + QStringLiteral("/sshd%1").arg(index);
    QDir().mkpath(serverDir);
    server->hostKey = serverDir + QStringLiteral("/host_key");
    if (m_error = makeKey(server->hostKey, options.hostKeyType); !m_error.isEmpty())
        return -1;
    QFile pub(server->hostKey + QStringLiteral(".pub"));
    pub.open(QIODevice::ReadOnly);
    const QStringList words = QString::fromUtf8(pub.readAll()).split(u' ');
    server->hostPublicLine = words.value(0) + u' ' + words.value(1).trimmed();

    QStringList config = {
        QStringLiteral("ListenAddress 127.0.0.1"),
        QStringLiteral("HostKey ") + server->hostKey,
        QStringLiteral("AuthorizedKeysFile ") + dir() + QStringLiteral("/authorized_keys"),
        QStringLiteral("StrictModes no"), // the keys live under /tmp
        QStringLiteral("PubkeyAuthentication yes"),
        QStringLiteral("PasswordAuthentication ") +
            QLatin1String(options.passwordAuthentication ? "yes" : "no"),
        QStringLiteral("KbdInteractiveAuthentication ") +
            QLatin1String(options.keyboardInteractive ? "yes" : "no"),
        QStringLiteral("UsePAM ") + QLatin1String(options.keyboardInteractive ? "yes" : "no"),
        QStringLiteral("UseDNS no"),
        QStringLiteral("PrintMotd no"),
        QStringLiteral("PrintLastLog no"),
        QStringLiteral("AllowTcpForwarding ") + QLatin1String(options.tcpForwarding ? "yes" : "no"),
        QStringLiteral("MaxAuthTries 10"),
        QStringLiteral("LogLevel ERROR"),
        // Marks every session of this run (see runMarker()).
        QStringLiteral("SetEnv ") + QString::fromLatin1(runMarker()),
    };
    if (options.maxSessions > 0)
        config.append(QStringLiteral("MaxSessions %1").arg(options.maxSessions));
    config.append(options.extraConfig);
    const QString configFile = writeFile(QStringLiteral("sshd%1/sshd_config").arg(index), config);

    for (int attempt = 0; attempt < 5; ++attempt) {
        server->port = freePort();
        server->process = std::make_unique<QProcess>();
        server->process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        server->process->setStandardInputFile(QProcess::nullDevice());
        dieWithParent(*server->process);
        server->process->start(QStringLiteral("/usr/sbin/sshd"),
                               {QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"),
                                configFile, QStringLiteral("-p"), QString::number(server->port),
                                QStringLiteral("-o"), QStringLiteral("PidFile=none")});
        if (!server->process->waitForStarted(5000)) {
            m_error = QStringLiteral("cannot start /usr/sbin/sshd");
            return -1;
        }
        m_allPids.append(server->process->processId());
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 5000 && server->process->state() == QProcess::Running &&
               !isListening(server->port))
            QThread::msleep(10);
        if (server->process->state() == QProcess::Running && isListening(server->port)) {
            m_servers.push_back(std::move(server));
            return index;
        }
        stopProcess(
            server->process.get()); // port taken meanwhile, or a config error: retry / report
    }
    m_error = QStringLiteral("sshd did not start listening (config %1)").arg(configFile);
    return -1;
}

quint16 SshdFixture::port(int server) const
{
    return m_servers.at(size_t(server))->port;
}
qint64 SshdFixture::pid(int server) const
{
    return m_servers.at(size_t(server))->process->processId();
}

QString SshdFixture::knownHostsLine(int server) const
{
    return QStringLiteral("[127.0.0.1]:%1 %2")
        .arg(port(server))
        .arg(m_servers.at(size_t(server))->hostPublicLine);
}

QString SshdFixture::hostKeyFingerprint(int server) const
{
    const QByteArray blob = QByteArray::fromBase64(
        m_servers.at(size_t(server))->hostPublicLine.section(u' ', 1, 1).toLatin1());
    const QByteArray hash = QCryptographicHash::hash(blob, QCryptographicHash::Sha256)
                                .toBase64(QByteArray::OmitTrailingEquals);
    return QStringLiteral("SHA256:") + QString::fromLatin1(hash);
}

QString SshdFixture::foreignKnownHostsLine(int server, const QString& type)
{
    static int counter = 0;
    const QString path = dir() + QStringLiteral("/foreign%1").arg(++counter);
    if (!makeKey(path, type).isEmpty())
        return {};
    QFile pub(path + QStringLiteral(".pub"));
    pub.open(QIODevice::ReadOnly);
    const QStringList words = QString::fromUtf8(pub.readAll()).split(u' ');
    return QStringLiteral("[127.0.0.1]:%1 %2 %3")
        .arg(port(server))
        .arg(words.value(0), words.value(1).trimmed());
}

void SshdFixture::killServer(int server)
{
    QProcess* process = m_servers.at(size_t(server))->process.get();
    if (process->state() == QProcess::NotRunning)
        return;
    // Only the sshd processes: the connections drop as if the host died, and the commands they
    // ran see EOF and exit on their own (killing those first would end the channels cleanly).
    for (qint64 child : descendants(process->processId())) {
        QFile comm(QStringLiteral("/proc/%1/comm").arg(child));
        if (comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == "sshd")
            ::kill(pid_t(child), SIGKILL);
    }
    process->kill();
    process->waitForFinished(3000);
}

quint16 SshdFixture::startSilentServer()
{
    if (!m_silent) {
        m_silent = std::make_unique<QTcpServer>();
        m_silent->listen(QHostAddress::LocalHost, 0);
        QObject::connect(m_silent.get(), &QTcpServer::newConnection, m_silent.get(), [this]() {
            while (QTcpSocket* peer = m_silent->nextPendingConnection())
                m_silentPeers.push_back(peer); // kept open, never written to
        });
    }
    return m_silent->serverPort();
}

quint16 SshdFixture::closedPort() const
{
    return freePort();
}

QString SshdFixture::startAgent(const QString& key)
{
    const QString socket = dir() + QStringLiteral("/agent%1.sock").arg(m_agents.size());
    auto agent = std::make_unique<QProcess>();
    agent->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    dieWithParent(*agent);
    agent->start(QStringLiteral("ssh-agent"), {QStringLiteral("-D"), QStringLiteral("-a"), socket});
    if (!agent->waitForStarted(5000))
        return {};
    m_allPids.append(agent->processId());
    m_agents.push_back(std::move(agent));
    QElapsedTimer clock;
    clock.start();
    while (!QFile::exists(socket) && clock.elapsed() < 5000)
        QThread::msleep(10);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SSH_AUTH_SOCK"), socket);
    for (int attempt = 0; attempt < 20; ++attempt) { // the socket file appears just before listen()
        QProcess add;
        add.setProcessEnvironment(env);
        add.start(QStringLiteral("ssh-add"), {QStringLiteral("-q"), key});
        add.closeWriteChannel();
        if (add.waitForFinished(10000) && add.exitStatus() == QProcess::NormalExit &&
            add.exitCode() == 0)
            return socket;
        m_error =
            QStringLiteral("ssh-add failed: ") + QString::fromLocal8Bit(add.readAllStandardError());
        QThread::msleep(50);
    }
    return {};
}

QList<qint64> SshdFixture::startedPids() const
{
    return m_allPids;
}

void SshdFixture::stopAll()
{
    for (auto& server : m_servers) {
        if (server->process->state() != QProcess::NotRunning) {
            // Connection children first: a terminated listener leaves them to their clients.
            for (qint64 child : descendants(server->process->processId()))
                ::kill(pid_t(child), SIGTERM);
        }
        stopProcess(server->process.get());
    }
    for (auto& agent : m_agents)
        stopProcess(agent.get());
    for (QTcpSocket* peer : m_silentPeers)
        delete peer;
    m_silentPeers.clear();
    m_silent.reset();
}

} // namespace hostdeck::test
