#pragma once

#include "tests/support/SshdFixture.h"
#include "tests/support/TestEnv.h"

#include "engine/agent/ToolRegistry.h"
#include "engine/runner/CallPlan.h"
#include "engine/runner/DefaultTransportFactory.h"
#include "engine/runner/Run.h"
#include "engine/runner/SessionPool.h"
#include "engine/ssh/StaticCredentialProvider.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace hostdeck::test {

/// A SessionPool over DefaultTransportFactory with the built-in tools plus tests/support/tools.
inline std::unique_ptr<engine::SessionPool>
makeTestPool(std::shared_ptr<engine::CredentialProvider> credentials = {},
             engine::SessionPool::Options options = {})
{
    if (!credentials)
        credentials = std::make_shared<engine::StaticCredentialProvider>();
    auto tools =
        std::make_shared<engine::ToolRegistry>(engine::ToolRegistry::load({testToolsDir()}));
    auto factory = std::make_unique<engine::DefaultTransportFactory>(credentials, nullptr);
    return std::make_unique<engine::SessionPool>(std::move(factory), tools, credentials,
                                                 std::move(options));
}

/// An SSH target for fixture server `server`, key auth only, known_hosts given.
inline engine::HostTarget sshTarget(const SshdFixture& sshd, int server, const QString& knownHosts,
                                    const QString& name = {})
{
    engine::HostTarget target;
    target.name = name.isEmpty() ? QStringLiteral("h%1").arg(server) : name;
    target.kind = engine::HostTarget::Kind::Ssh;
    target.ssh.user = sshd.user();
    target.ssh.host = QStringLiteral("127.0.0.1");
    target.ssh.port = sshd.port(server);
    target.ssh.identityFiles = {sshd.clientKey()};
    target.ssh.useDefaultIdentities = false;
    target.ssh.useAgent = false;
    target.ssh.knownHostsFile = knownHosts;
    target.ssh.globalKnownHostsFile = QStringLiteral("/dev/null");
    target.ssh.connectTimeout = std::chrono::seconds(5);
    target.interpreter = {QStringLiteral("/usr/bin/python3")};
    return target;
}

inline engine::CallRequest makeCall(const QString& tool, const QString& method,
                                    const QJsonObject& args = {})
{
    engine::CallRequest request;
    request.tool = tool;
    request.method = method;
    request.args = args;
    return request;
}

/// Exec.run without live streaming: with stream=true the current tools/_proc.py reports
/// rc -9 for a program that takes a while (e.g. `sleep 0.5`); see the report.
inline engine::CallRequest execCall(const QStringList& argv)
{
    return makeCall(QStringLiteral("Exec"), QStringLiteral("run"),
                    {{QStringLiteral("argv"), QJsonArray::fromStringList(argv)},
                     {QStringLiteral("stream"), false}});
}

/// A run of one call on `hosts` (the run service's CallPlan), `forks` at once; the request's
/// check mode and timeout become the run's options.
inline engine::RunRequest callRun(const QList<engine::HostTarget>& hosts,
                                  const engine::CallRequest& call, int forks = 100)
{
    engine::RunRequest request;
    request.targets = hosts;
    request.plan = std::make_shared<engine::CallPlan>(call.tool, call.method, call.args);
    request.options.forks = forks;
    request.options.check = call.check;
    request.options.callTimeout = call.timeout;
    request.options.origin = QStringLiteral("test");
    return request;
}

/// Collects what a Run emits: its events, and the host records as they arrive.
struct RunRecorder
{
    explicit RunRecorder(engine::Run* run)
    {
        QObject::connect(run, &engine::Run::events, run,
                         [this](const QList<engine::RunEvent>& batch) {
                             ++batches;
                             for (const engine::RunEvent& event : batch) {
                                 events.append(event);
                                 if (event.type != engine::RunEvent::Type::HostResult)
                                     continue;
                                 results.append(event.record);
                                 arrivalMs.insert(event.host, clock.elapsed());
                             }
                         });
        QObject::connect(run, &engine::Run::finished, run, [this](const engine::RunSummary& s) {
            summary = s;
            finished = true;
        });
        clock.start();
    }
    engine::HostResult result(const QString& host) const
    {
        for (const engine::HostResult& r : results) {
            if (r.host == host)
                return r;
        }
        return {};
    }
    QList<engine::HostResult> results;
    QList<engine::RunEvent> events;
    QHash<QString, qint64> arrivalMs;
    int batches = 0;
    bool finished = false;
    engine::RunSummary summary;
    QElapsedTimer clock;
};

/// Every process whose command line (NUL-separated argv) contains `needle`.
inline QStringList processesWithInCmdline(const QByteArray& needle)
{
    QStringList hits;
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        if (entry.toLongLong() <= 0)
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(needle))
            hits << entry;
    }
    return hits;
}

/// Processes started by this test run (SshdFixture::runMarker() in their environment or in an
/// ancestor's: sudo resets the environment of the command it runs) whose command line contains
/// `needle`; other tests' agents on the same machine are not this test's leftovers.
inline QStringList processesOfThisRunWithInCmdline(const QByteArray& needle)
{
    const QByteArray marker = SshdFixture::runMarker();
    const auto parentOf = [](const QString& pid) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return QString();
        const QByteArray text = stat.readAll();
        return QString::fromLatin1(text.mid(text.lastIndexOf(')') + 2).split(' ').value(1));
    };
    QStringList hits;
    for (const QString& pid : processesWithInCmdline(needle)) {
        QString at = pid;
        for (int depth = 0; depth < 6 && at.toLongLong() > 1; ++depth, at = parentOf(at)) {
            QFile environ(QStringLiteral("/proc/%1/environ").arg(at));
            if (environ.open(QIODevice::ReadOnly) && environ.readAll().contains(marker)) {
                hits << pid;
                break;
            }
        }
    }
    return hits;
}

/// Pids whose whole argv is exactly `argv` ("sleep 30" must not match somebody's "sleep 300").
inline QStringList processesWithArgv(const QList<QByteArray>& argv)
{
    QByteArray wanted;
    for (const QByteArray& arg : argv)
        wanted += arg + '\0';
    QStringList hits;
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        if (entry.toLongLong() <= 0)
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll() == wanted)
            hits << entry;
    }
    return hits;
}

} // namespace hostdeck::test
