#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <vector>

class QProcess;
class QTcpServer;
class QTcpSocket;

namespace hostdeck::test {

/// How one test sshd is configured (everything else: key auth on, PAM off, no rc noise).
struct SshdOptions
{
    bool passwordAuthentication = true;
    bool keyboardInteractive = false; ///< needs PAM on Linux: turns UsePAM on for this server
    int maxSessions = 0;              ///< 0: OpenSSH's default (10)
    bool tcpForwarding = true;        ///< AllowTcpForwarding (a ProxyJump hop needs it)
    QString hostKeyType = QStringLiteral("ed25519");
    QStringList extraConfig; ///< more sshd_config lines (e.g. "Banner FILE")
};

/// Real /usr/sbin/sshd instances on 127.0.0.1 free ports for tests, each with its own host key
/// and config in a temp dir; a clean login user of its own (`hdtest-PID-N`, shell /bin/sh, empty
/// home, a made-up password) with authorized_keys; client key pairs (plain, encrypted, not
/// authorized); a real ssh-agent; a "silent" server that accepts TCP and never answers. The
/// destructor stops exactly the processes it started (and their children) and deletes the user;
/// users left by a test process that died are deleted by the next setUp(). Tests running at the
/// same time (ctest -j, other checkouts on the machine) never share a login user or its password.
class SshdFixture
{
public:
    SshdFixture();
    ~SshdFixture();
    SshdFixture(const SshdFixture&) = delete;
    SshdFixture& operator=(const SshdFixture&) = delete;

    /// Creates user, keys and password. Returns an error text, empty on success.
    QString setUp();
    /// `HOSTDECK_TEST_RUN=<unique>`: in the environment of every session the servers start and
    /// of every child of this process after setUp(), so a process search can tell this run's
    /// processes from those of other tests running on the machine.
    static QByteArray runMarker();

    QString user() const { return m_user; }
    QString dir() const { return m_dir.path(); }
    QString clientKey() const;          ///< authorized, no passphrase
    QString encryptedClientKey() const; ///< authorized, passphrase keyPassphrase()
    QString unauthorizedKey() const;    ///< valid key the servers do not accept
    QByteArray keyPassphrase() const { return m_passphrase; }
    QByteArray password() const { return m_password; } ///< the user's password, made up per run

    /// Starts a server; returns its index, or -1 (see lastError()).
    int startServer(const SshdOptions& options = {});
    QString lastError() const { return m_error; }
    quint16 port(int server) const;
    qint64 pid(int server) const;
    /// `[127.0.0.1]:PORT ssh-ed25519 AAAA...`
    QString knownHostsLine(int server) const;
    /// `SHA256:...` as OpenSSH prints it.
    QString hostKeyFingerprint(int server) const;
    /// A line for the same address with a newly generated key of `type` (changed/other key).
    QString foreignKnownHostsLine(int server, const QString& type = QStringLiteral("ed25519"));
    /// Writes `lines` to a new file in the temp dir; returns its path.
    QString writeFile(const QString& name, const QStringList& lines) const;
    /// SIGKILL the server and every process under it (live connections drop at once).
    void killServer(int server);

    /// A port where a TCP server accepts and never says anything.
    quint16 startSilentServer();
    /// A port where nothing listens.
    quint16 closedPort() const;
    /// Starts `ssh-agent -D` with `key` added; returns its socket path (empty on error).
    QString startAgent(const QString& key);

    /// Pids of every process this fixture started (for a "nothing left running" check).
    QList<qint64> startedPids() const;
    void stopAll();

private:
    struct Server;
    QString run(const QString& program, const QStringList& arguments,
                const QByteArray& input = {}) const;
    QString makeKey(const QString& path, const QString& type) const;
    void removeStaleUsers() const;

    QTemporaryDir m_dir;
    QString m_user;
    bool m_userCreated = false;
    QByteArray m_passphrase;
    QByteArray m_password;
    QString m_error;
    std::vector<std::unique_ptr<Server>> m_servers;
    std::vector<std::unique_ptr<QProcess>> m_agents;
    std::unique_ptr<QTcpServer> m_silent;
    std::vector<QTcpSocket*> m_silentPeers;
    QList<qint64> m_allPids;
};

} // namespace hostdeck::test
