#pragma once

#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace hostdeck::test {

/// `ssh -G` output: key -> values in order (identityfile repeats).
struct SshView
{
    bool ok = false;
    QString error;
    QMap<QString, QStringList> values;
    QString value(const QString& key) const { return values.value(key).join(u'\n'); }
};

/// One hop ssh dials: user, host name, port as `ssh -G` prints them.
struct SshHop
{
    QString user;
    QString host;
    QString port;
    bool operator==(const SshHop&) const = default;
    QString toString() const { return user + u'@' + host + u':' + port; }
};

/// The real OpenSSH client as the reference: `ssh -G` runs and the jump hops ssh would dial.
class SshReference
{
public:
    explicit SshReference(QProcessEnvironment environment) : m_env(std::move(environment)) {}

    /// Starts `ssh -G -F file OPTIONS host` (stdin /dev/null); finish() collects it.
    QProcess* start(const QString& file, const QStringList& options, const QString& host) const;
    static SshView finish(QProcess* process); ///< waits, parses, deletes the process
    SshView run(const QString& file, const QStringList& options, const QString& host) const;

    /// The hops ssh dials for a destination whose `ssh -G` view is `target`: each hop is its own
    /// `ssh -l U -p P -J EARLIER HOP`, and only the first hop's own ProxyJump applies. False when
    /// the chain loops or a hop's lookup fails (ssh would fail too).
    bool chain(const QString& file, const SshView& target, QList<SshHop>& hops,
               int depth = 0) const;
    /// What ssh makes of a path with %tokens, ~ and ${ENV} for that destination (it expands
    /// IdentityFile exactly as ControlPath, which `ssh -G` prints expanded).
    QString expandPath(const QString& file, const QString& host, const QString& path) const;

private:
    QProcessEnvironment m_env;
};

} // namespace hostdeck::test
