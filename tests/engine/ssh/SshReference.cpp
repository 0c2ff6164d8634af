#include "tests/engine/ssh/SshReference.h"

namespace hostdeck::test {

namespace {

/// A hop as written in a ProxyJump (ssh:// URI, [address], user@, :port or :service).
SshHop parseHop(QString text)
{
    SshHop hop;
    if (text.startsWith(QLatin1String("ssh://")))
        text = text.mid(6);
    const qsizetype at = text.lastIndexOf(u'@');
    if (at >= 0) {
        hop.user = text.left(at);
        text = text.mid(at + 1);
    }
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        hop.host = text.mid(1, close - 1);
        hop.port = text.mid(close + 2);
    } else {
        hop.host = text.section(u':', 0, 0);
        hop.port = text.section(u':', 1);
    }
    return hop;
}

} // namespace

QProcess* SshReference::start(const QString& file, const QStringList& options,
                              const QString& host) const
{
    auto* process = new QProcess;
    process->setProcessEnvironment(m_env);
    process->setStandardInputFile(QProcess::nullDevice());
    process->start(QStringLiteral("ssh"),
                   QStringList{QStringLiteral("-G"), QStringLiteral("-F"), file} + options +
                       QStringList{host});
    return process;
}

SshView SshReference::finish(QProcess* process)
{
    SshView view;
    process->waitForFinished(20000);
    view.ok = process->exitStatus() == QProcess::NormalExit && process->exitCode() == 0;
    view.error = QString::fromUtf8(process->readAllStandardError()).trimmed();
    for (const QString& line : QString::fromUtf8(process->readAllStandardOutput()).split(u'\n')) {
        const qsizetype space = line.indexOf(u' ');
        if (space > 0)
            view.values[line.left(space)].append(line.mid(space + 1));
    }
    delete process;
    return view;
}

SshView SshReference::run(const QString& file, const QStringList& options,
                          const QString& host) const
{
    return finish(start(file, options, host));
}

bool SshReference::chain(const QString& file, const SshView& target, QList<SshHop>& hops,
                         int depth) const
{
    const QString jump = target.value(QStringLiteral("proxyjump"));
    if (jump.isEmpty())
        return true;
    if (depth > 12)
        return false; // a loop: ssh would start jump processes forever
    const QStringList parts = jump.split(u',');
    for (int k = 0; k < parts.size(); ++k) {
        const SshHop written = parseHop(parts.at(k));
        QStringList options;
        if (!written.user.isEmpty())
            options << QStringLiteral("-l") << written.user;
        if (!written.port.isEmpty())
            options << QStringLiteral("-p") << written.port;
        if (k > 0)
            options << QStringLiteral("-J") << parts.mid(0, k).join(u',');
        const SshView hop = run(file, options, written.host);
        if (!hop.ok)
            return false;
        if (k == 0 && !chain(file, hop, hops, depth + 1))
            return false;
        hops.append({hop.value(QStringLiteral("user")), hop.value(QStringLiteral("hostname")),
                     hop.value(QStringLiteral("port"))});
    }
    return true;
}

QString SshReference::expandPath(const QString& file, const QString& host,
                                 const QString& path) const
{
    const SshView view =
        run(file, {QStringLiteral("-o"), QStringLiteral("ControlPath=\"%1\"").arg(path)}, host);
    return view.value(QStringLiteral("controlpath"));
}

} // namespace hostdeck::test
