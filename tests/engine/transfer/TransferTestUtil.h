#pragma once

// Helpers shared by the transfer tests and tests/bench/bench_upload.cpp (header-only).

#include "engine/agent/AgentSession.h"
#include "engine/ssh/SshConnection.h"
#include "engine/ssh/SshTransport.h"
#include "engine/transfer/Sha256.h"
#include "engine/transfer/TransferResult.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace hostdeck::test {

/// Peak resident set of this process so far (VmHWM), in KiB; -1 when unknown.
inline qint64 peakRssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray& line : lines)
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

/// Resets VmHWM to the current RSS (Linux >= 4.0: write 5 to clear_refs) so a later
/// peakRssKiB() measures only what follows. Returns false when the kernel refused.
inline bool resetPeakRss()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    return clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
}

/// Writes `size` pseudo-random (incompressible) bytes to `path`, 1 MiB at a time; returns the
/// sha256.
inline QByteArray writeRandomFile(const QString& path, qint64 size, quint32 seed = 42)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    QRandomGenerator random(seed);
    engine::Sha256 hash;
    QByteArray block(1 << 20, Qt::Uninitialized);
    for (qint64 left = size; left > 0;) {
        const qint64 n = qMin<qint64>(left, block.size());
        random.fillRange(reinterpret_cast<quint32*>(block.data()), block.size() / 4);
        if (file.write(block.constData(), n) != n)
            return {};
        hash.addData(block.constData(), n);
        left -= n;
    }
    return hash.hexDigest();
}

inline QByteArray fileSha256(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    engine::Sha256 hash;
    QByteArray block(1 << 20, Qt::Uninitialized);
    for (qint64 n; (n = file.read(block.data(), block.size())) > 0;)
        hash.addData(block.constData(), n);
    return hash.hexDigest();
}

/// Starts `transfer` and waits (test-only) for finished(); a timed-out wait fails the test.
template <typename Transfer>
engine::TransferResult runTransfer(Transfer& transfer, int timeoutMs = 120000)
{
    QSignalSpy spy(&transfer, &Transfer::finished);
    transfer.start();
    if (spy.isEmpty() && !spy.wait(timeoutMs)) {
        // A transfer that never ends fails the test, whatever the caller then checks.
        QTest::qFail("the transfer did not finish in time", __FILE__, __LINE__);
        engine::TransferResult timedOut;
        timedOut.error =
            engine::makeError(engine::ErrorKind::Timeout, QStringLiteral("test gave up waiting"));
        return timedOut;
    }
    return spy.takeFirst().at(0).value<engine::TransferResult>();
}

/// An agent session over SSH with the connection it runs on (the connection outlives it).
struct SshAgent
{
    std::unique_ptr<engine::SshConnection> connection;
    std::unique_ptr<engine::AgentSession> session;

    SshAgent() = default;
    SshAgent(SshAgent&&) = default;
    SshAgent& operator=(SshAgent&&) = default;
    ~SshAgent()
    {
        session.reset();
        connection.reset();
    }
};

inline SshAgent makeSshAgent(const engine::SshSettings& settings,
                             std::shared_ptr<const engine::ToolRegistry> tools)
{
    SshAgent agent;
    agent.connection = std::make_unique<engine::SshConnection>(settings);
    engine::AgentSession::Options options;
    options.bootstrap.interpreter = {QStringLiteral("/usr/bin/python3")};
    options.compressMin = 4096;
    agent.session = std::make_unique<engine::AgentSession>(
        std::make_unique<engine::SshTransport>(agent.connection.get()), std::move(tools), options);
    return agent;
}

} // namespace hostdeck::test
