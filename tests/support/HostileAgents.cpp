#include "tests/support/HostileAgents.h"

#include "tests/support/TestEnv.h"

#include <QDir>
#include <QFile>
#include <QUuid>

#include <csignal>
#include <sys/types.h>

namespace hostdeck::test {

namespace {

QString fakeAgentPath()
{
    return sourceDir() + QStringLiteral("/tests/support/fake_agent.py");
}

QByteArray readProc(qint64 pid, const char* what)
{
    QFile file(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(what)));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// (pid, ppid, state) of every process.
struct ProcEntry
{
    qint64 pid;
    qint64 ppid;
    char state;
};

QList<ProcEntry> processes()
{
    QList<ProcEntry> all;
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        const qint64 pid = entry.toLongLong();
        if (pid <= 0)
            continue;
        const QByteArray stat = readProc(pid, "stat");
        const qsizetype close = stat.lastIndexOf(')');
        if (close < 0)
            continue;
        const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
        if (fields.size() < 2 || fields[0].isEmpty())
            continue;
        all.append({pid, fields[1].toLongLong(), fields[0][0]});
    }
    return all;
}

qint64 statusKib(const char* key)
{
    const QList<QByteArray> lines = readProc(qint64(::getpid()), "status").split('\n');
    for (const QByteArray& line : lines) {
        if (line.startsWith(key))
            return line.mid(qsizetype(qstrlen(key))).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

} // namespace

QStringList fakeAgent(const QString& mode, const QByteArray& marker)
{
    return {python(), fakeAgentPath(), mode, QString::fromLatin1(marker)};
}

QStringList fakeAgentInline(const QString& mode, const QByteArray& marker,
                            const QString& remotePython)
{
    QFile file(fakeAgentPath());
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(fakeAgentPath()));
    return {remotePython, QStringLiteral("-c"), QString::fromUtf8(file.readAll()), mode,
            QString::fromLatin1(marker)};
}

QByteArray newMarker()
{
    return "hostdeck-test-" + QUuid::createUuid().toByteArray(QUuid::Id128);
}

QList<qint64> pidsWithArg(const QByteArray& needle)
{
    QList<qint64> hits;
    for (const ProcEntry& p : processes()) {
        if (p.state == 'Z' || p.pid == qint64(::getpid()))
            continue;
        if (readProc(p.pid, "cmdline").contains(needle))
            hits << p.pid;
    }
    return hits;
}

QList<qint64> descendantsOf(qint64 root)
{
    const QList<ProcEntry> all = processes();
    QList<qint64> found{root};
    for (qsizetype i = 0; i < found.size(); ++i) {
        for (const ProcEntry& p : all) {
            if (p.ppid == found[i] && !found.contains(p.pid))
                found << p.pid;
        }
    }
    found.removeFirst();
    return found;
}

QByteArray commOf(qint64 pid)
{
    return readProc(pid, "comm").trimmed();
}

void killAll(const QList<qint64>& pids)
{
    for (qint64 pid : pids)
        ::kill(pid_t(pid), SIGKILL);
}

qint64 peakRssKib()
{
    return statusKib("VmHWM:");
}

qint64 currentRssKib()
{
    return statusKib("VmRSS:");
}

bool resetPeakRss()
{
    QFile file(QStringLiteral("/proc/self/clear_refs"));
    return file.open(QIODevice::WriteOnly) && file.write("5") == 1;
}

} // namespace hostdeck::test
