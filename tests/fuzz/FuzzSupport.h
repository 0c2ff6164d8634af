#pragma once
// Shared by the fuzz targets: a failed invariant aborts (libFuzzer keeps the input), and inputs
// that must be files go to a private directory in memory-backed /dev/shm when it exists.
#include "engine/inventory/Inventory.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace hostdeck::fuzz {

inline void check(bool condition, const char* target, const char* what)
{
    if (condition)
        return;
    std::fprintf(stderr, "%s: invariant violated: %s\n", target, what);
    std::abort();
}

/// An inventory with hosts and groups sorted by name (and each group's member lists sorted): what
/// a save/load must keep. The order of definition is not compared: saving writes `all` first and
/// a group's hosts before its children, so a file that defined them in another order comes back
/// reordered (reported, not a fuzz failure).
inline std::pair<QList<engine::Host>, QList<engine::Group>> canonical(const engine::Inventory& inv)
{
    QList<engine::Host> hosts = inv.hosts();
    std::sort(hosts.begin(), hosts.end(),
              [](const engine::Host& a, const engine::Host& b) { return a.name() < b.name(); });
    QList<engine::Group> groups = inv.groups();
    for (engine::Group& group : groups) {
        std::sort(group.hosts.begin(), group.hosts.end());
        std::sort(group.children.begin(), group.children.end());
    }
    std::sort(groups.begin(), groups.end(),
              [](const engine::Group& a, const engine::Group& b) { return a.name < b.name; });
    return {hosts, groups};
}

/// A directory of this process for input files (created once, removed at exit).
inline QString scratchDir()
{
    static const QString dir = [] {
        const QString base = QDir(QStringLiteral("/dev/shm")).exists() ? QStringLiteral("/dev/shm")
                                                                       : QDir::tempPath();
        const QString path = QStringLiteral("%1/hostdeck-fuzz-%2").arg(base).arg(::getpid());
        QDir().mkpath(path);
        std::atexit([] {
            QDir(QStringLiteral("%1/hostdeck-fuzz-%2")
                     .arg(QDir(QStringLiteral("/dev/shm")).exists() ? QStringLiteral("/dev/shm")
                                                                    : QDir::tempPath())
                     .arg(::getpid()))
                .removeRecursively();
        });
        return path;
    }();
    return dir;
}

/// Writes `data` to `name` in the scratch directory and returns the path.
inline QString writeScratch(const QString& name, const QByteArray& data)
{
    const QString path = scratchDir() + QLatin1Char('/') + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        std::abort();
    file.write(data);
    return path;
}

} // namespace hostdeck::fuzz
