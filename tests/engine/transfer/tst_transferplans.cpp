// Copy, sync and fetch as runs of the run service (CopyPlan, SyncPlan, FetchPlan) against a real
// sshd on 127.0.0.1, on generated trees (random sizes, nested folders, symlinks, modes, mtimes,
// unicode names): copy, a re-copy that sends nothing (the agent's own I/O counters show it),
// changes that travel alone, sync --delete, check mode that changes nothing, fetch, an
// interrupted copy leaving no temp file, and paths outside the root refused.
#include "tests/engine/transfer/TransferTreeUtil.h"
#include "tests/support/SshdFixture.h"
#include "tests/support/TestEnv.h"

#include "engine/runner/CallPlan.h"
#include "engine/runner/EngineClient.h"
#include "engine/ssh/StaticCredentialProvider.h"
#include "engine/transfer/CopyPlan.h"
#include "engine/transfer/FetchPlan.h"
#include "engine/transfer/LocalTree.h"
#include "engine/transfer/SyncPlan.h"
#include "engine/transfer/TreeEntry.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace hostdeck::engine;
using namespace hostdeck::test;
using namespace std::chrono_literals;

namespace {

struct Outcome
{
    QList<HostResult> results;
    QList<RunEvent> events;
    RunSummary summary;
    bool finished = false;

    HostResult first() const { return results.value(0); }
    QJsonObject value(int i = 0) const { return results.value(i).value.toObject(); }
    int count(const QString& what, int i = 0) const
    {
        return value(i).value(QStringLiteral("counts")).toObject().value(what).toInt(-1);
    }
    QStringList list(const QString& what, int i = 0) const
    {
        QStringList out;
        for (const QJsonValue& v : value(i).value(what).toArray())
            out << v.toString();
        out.sort();
        return out;
    }
};

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

qint64 procIo(qint64 pid, const QByteArray& field)
{
    QFile io(QStringLiteral("/proc/%1/io").arg(pid));
    if (!io.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : io.readAll().split('\n')) {
        if (line.startsWith(QByteArray(field + ':')))
            return line.mid(field.size() + 1).trimmed().toLongLong();
    }
    return -1;
}

} // namespace

class TestTransferPlans : public QObject
{
    Q_OBJECT

    SshdFixture m_sshd;
    QString m_knownHosts;
    QTemporaryDir m_tmp;
    QString m_remote; ///< a folder the login user may write to
    std::unique_ptr<EngineClient> m_engine;
    GeneratedTree m_tree;
    QString m_source;

    HostTarget target(const QString& name = QStringLiteral("h0")) const
    {
        HostTarget t;
        t.name = name;
        t.kind = HostTarget::Kind::Ssh;
        t.ssh.user = m_sshd.user();
        t.ssh.host = QStringLiteral("127.0.0.1");
        t.ssh.port = m_sshd.port(0);
        t.ssh.identityFiles = {m_sshd.clientKey()};
        t.ssh.useDefaultIdentities = false;
        t.ssh.useAgent = false;
        t.ssh.knownHostsFile = m_knownHosts;
        t.ssh.globalKnownHostsFile = QStringLiteral("/dev/null");
        t.interpreter = {QStringLiteral("/usr/bin/python3")};
        return t;
    }

    Outcome run(std::shared_ptr<const Plan> plan, bool check = false,
                const QStringList& hosts = {QStringLiteral("h0")},
                const std::function<void(RunHandle*, const RunEvent&)>& onEvent = {})
    {
        RunRequest request;
        for (const QString& host : hosts)
            request.targets << target(host);
        request.plan = std::move(plan);
        request.options.check = check;
        request.options.origin = QStringLiteral("test");
        Outcome outcome;
        RunHandle* handle = m_engine->startRun(std::move(request));
        connect(handle, &RunHandle::events, this,
                [&outcome, handle, onEvent](const QList<RunEvent>& batch) {
                    for (const RunEvent& event : batch) {
                        outcome.events << event;
                        if (event.type == RunEvent::Type::HostResult)
                            outcome.results << event.record;
                        if (event.type == RunEvent::Type::RunFinished) {
                            outcome.summary = event.summary;
                            outcome.finished = true;
                        }
                        if (onEvent)
                            onEvent(handle, event);
                    }
                });
        QElapsedTimer clock;
        clock.start();
        while (!outcome.finished && clock.elapsed() < 240000)
            QTest::qWait(20);
        return outcome;
    }

    std::shared_ptr<const Plan> copyPlan(const QStringList& sources, const QString& remote,
                                         CopyOptions options = {})
    {
        options.remote = remote;
        auto plan = CopyPlan::create(sources, options);
        if (!plan)
            qWarning("CopyPlan: %s", qPrintable(plan.error().message));
        return plan ? *plan : nullptr;
    }

    std::shared_ptr<const Plan> syncPlan(const QString& local, const QString& remote,
                                         bool deleteExtra)
    {
        CopyOptions options;
        options.remote = remote;
        options.deleteExtra = deleteExtra;
        auto plan = SyncPlan::create(local, options);
        return plan ? *plan : nullptr;
    }

    /// The pid of the pooled agent of host h0 (Probe.pid of the test tools).
    qint64 agentPid()
    {
        const Outcome o =
            run(std::make_shared<CallPlan>(QStringLiteral("Probe"), QStringLiteral("pid")));
        return o.first().ok ? o.first().value.toInteger() : -1;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        const QString problem = m_sshd.setUp();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY2(m_sshd.startServer() == 0, qPrintable(m_sshd.lastError()));
        m_knownHosts = m_sshd.writeFile(QStringLiteral("known_hosts"), {m_sshd.knownHostsLine(0)});
        m_remote = m_tmp.filePath(QStringLiteral("remote"));
        QVERIFY(QDir().mkpath(m_remote));
        QVERIFY(QFile::setPermissions(m_tmp.path(), QFileDevice::Permissions(0x7755)));
        QVERIFY(QFile::setPermissions(m_remote, QFileDevice::Permissions(0x7777)));
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("tree seed %u", seed);
        m_source = m_tmp.filePath(QStringLiteral("src/tree"));
        QVERIFY(QDir().mkpath(m_source));
        m_tree = generateTree(m_source, seed, 400, true);
        EngineConfig config;
        config.userToolDirs = {testToolsDir()};
        config.descriptionCache = QStringLiteral("-");
        config.credentials = std::make_shared<StaticCredentialProvider>();
        m_engine = std::make_unique<EngineClient>(config);
    }

    void copyTreeThenNothingTravels()
    {
        const QString dest = m_remote + QStringLiteral("/site");
        Outcome first = run(copyPlan({m_source}, dest + QLatin1Char('/')));
        QVERIFY(first.finished);
        QVERIFY2(first.first().ok, qPrintable(first.first().error.message));
        QCOMPARE(first.first().status, HostStatus::Changed);
        QCOMPARE(first.count(QStringLiteral("copied")),
                 int(m_tree.files.size() + m_tree.links.size()));
        QCOMPARE(first.value().value(QStringLiteral("bytes")).toInteger(), m_tree.bytes);
        QCOMPARE(first.value().value(QStringLiteral("bytes_sent")).toInteger(), m_tree.bytes);
        const QMap<QString, QString> local = snapshotTree(m_source);
        const QMap<QString, QString> remote = snapshotTree(dest + QStringLiteral("/tree"));
        QVERIFY2(local == remote, qPrintable(firstDifference(local, remote)));
        QCOMPARE(QFileInfo(dest + QStringLiteral("/tree")).owner(), m_sshd.user());
        // Progress came as step.output events of stream "progress", the last one complete.
        QJsonObject last;
        int progressEvents = 0;
        for (const RunEvent& event : std::as_const(first.events)) {
            if (event.type == RunEvent::Type::StepOutput &&
                event.stream == QStringLiteral("progress")) {
                last = event.data.toObject();
                ++progressEvents;
            }
        }
        QVERIFY(progressEvents >= 2);
        QCOMPARE(last.value(QStringLiteral("bytes")).toInteger(), m_tree.bytes);
        QCOMPARE(last.value(QStringLiteral("total")).toInteger(), m_tree.bytes);
        QCOMPARE(last.value(QStringLiteral("files")).toInt(),
                 int(m_tree.files.size() + m_tree.links.size()));

        // Again: nothing differs, nothing is sent. The agent's own counters say so (it reads
        // what sshd hands it on stdin, and writes files: both stay far below the tree's size).
        const qint64 pid = agentPid();
        QVERIFY(pid > 0);
        const qint64 readBefore = procIo(pid, "rchar");
        const qint64 writtenBefore = procIo(pid, "wchar");
        Outcome again = run(copyPlan({m_source}, dest + QLatin1Char('/')));
        QVERIFY2(again.first().ok, qPrintable(again.first().error.message));
        QCOMPARE(again.first().status, HostStatus::Ok);
        QCOMPARE(again.value().value(QStringLiteral("changed")).toBool(), false);
        QCOMPARE(again.value().value(QStringLiteral("bytes_sent")).toInteger(), 0);
        QCOMPARE(again.count(QStringLiteral("unchanged")),
                 int(m_tree.files.size() + m_tree.links.size()));
        QCOMPARE(agentPid(), pid); // the same pooled agent did both
        const qint64 read = procIo(pid, "rchar") - readBefore;
        const qint64 written = procIo(pid, "wchar") - writtenBefore;
        qInfo("no-change re-copy of %lld bytes: the agent read %lld and wrote %lld bytes",
              m_tree.bytes, read, written);
        QVERIFY2(read < m_tree.bytes / 20, qPrintable(QString::number(read)));
        QVERIFY2(written < m_tree.bytes / 20, qPrintable(QString::number(written)));
        QCOMPARE(snapshotTree(dest + QStringLiteral("/tree")), remote);
    }

    void oneFileIsHashedOnBothEnds()
    {
        const QString file = m_source + QLatin1Char('/') + m_tree.files.constFirst();
        const QString dest = m_remote + QStringLiteral("/one.bin");
        Outcome first = run(copyPlan({file}, dest));
        QVERIFY2(first.first().ok, qPrintable(first.first().error.message));
        QCOMPARE(sha256Of(dest), sha256Of(file));
        // Another mtime here, the same content: hashed on both ends, nothing sent.
        QVERIFY(setMtime(file, 1600000000LL * 1000000000LL));
        Outcome again = run(copyPlan({file}, dest));
        QVERIFY2(again.first().ok, qPrintable(again.first().error.message));
        QCOMPARE(again.value().value(QStringLiteral("changed")).toBool(), false);
        QCOMPARE(again.value().value(QStringLiteral("bytes_sent")).toInteger(), 0);
        // Into an existing folder: REMOTE/NAME.
        Outcome into = run(copyPlan({file}, m_remote));
        QVERIFY2(into.first().ok, qPrintable(into.first().error.message));
        QCOMPARE(into.value().value(QStringLiteral("dest")).toString(),
                 m_remote + QLatin1Char('/') + QFileInfo(file).fileName());
    }

    void changesTravelAlone()
    {
        const QString dest = m_remote + QStringLiteral("/site");
        QRandomGenerator rng(7);
        QStringList files = m_tree.files;
        files.removeIf([&](const QString& f) {
            return QFileInfo(m_source + QLatin1Char('/') + f).size() < 10;
        });
        QStringList rewritten, touched, grown;
        for (int i = 0; i < 3; ++i) {
            const QString f = files.takeAt(int(rng.bounded(int(files.size()))));
            const QString path = m_source + QLatin1Char('/') + f;
            QByteArray data = randomBytes(rng, QFileInfo(path).size()); // same size, new bytes
            QVERIFY(writeBytes(path, data));
            rewritten << f;
        }
        for (int i = 0; i < 2; ++i) {
            const QString f = files.takeAt(int(rng.bounded(int(files.size()))));
            QVERIFY(setMtime(m_source + QLatin1Char('/') + f, 1700000000123456789LL + i));
            touched << f;
        }
        for (int i = 0; i < 2; ++i) {
            const QString f = files.takeAt(int(rng.bounded(int(files.size()))));
            QFile file(m_source + QLatin1Char('/') + f);
            QVERIFY(file.open(QIODevice::Append));
            file.write("more\n");
            grown << f;
        }
        QVERIFY(QDir(m_source).mkpath(QStringLiteral("new folder/deeper")));
        QVERIFY(writeBytes(m_source + QStringLiteral("/new folder/deeper/new.txt"), "new\n"));
        const QString chmodded = files.takeFirst();
        QVERIFY(::chmod(QFile::encodeName(m_source + QLatin1Char('/') + chmodded).constData(),
                        0604) == 0);

        Outcome o = run(copyPlan({m_source}, dest + QLatin1Char('/')));
        QVERIFY2(o.first().ok, qPrintable(o.first().error.message));
        const auto prefixed = [](const QStringList& list) {
            QStringList out;
            for (const QString& p : list)
                out << QStringLiteral("tree/") + p;
            return sorted(out);
        };
        QCOMPARE(
            o.list(QStringLiteral("copied")),
            prefixed(rewritten + grown + QStringList{QStringLiteral("new folder/deeper/new.txt")}));
        QCOMPARE(o.list(QStringLiteral("attributes")), prefixed(touched + QStringList{chmodded}));
        QCOMPARE(o.list(QStringLiteral("created")),
                 prefixed({QStringLiteral("new folder"), QStringLiteral("new folder/deeper")}));
        qint64 expected = 4;
        for (const QString& f : rewritten + grown)
            expected += QFileInfo(m_source + QLatin1Char('/') + f).size();
        QCOMPARE(o.value().value(QStringLiteral("bytes_sent")).toInteger(), expected);
        const QMap<QString, QString> local = snapshotTree(m_source);
        const QMap<QString, QString> remote = snapshotTree(dest + QStringLiteral("/tree"));
        QVERIFY2(local == remote, qPrintable(firstDifference(local, remote)));
    }

    void syncDeleteAndCheckMode()
    {
        const QString dest = m_remote + QStringLiteral("/site/tree");
        // Extra files on the host, a file gone here, a file changed here.
        QVERIFY(writeBytes(dest + QStringLiteral("/extra.txt"), "extra"));
        QVERIFY(QDir(dest).mkpath(QStringLiteral("extra dir/sub")));
        QVERIFY(writeBytes(dest + QStringLiteral("/extra dir/sub/x"), "x"));
        for (const QString& dir : {QStringLiteral("/extra dir"), QStringLiteral("/extra dir/sub")})
            QVERIFY(QFile::setPermissions(dest + dir, QFileDevice::Permissions(0x7777)));
        const QString gone = m_tree.files.at(5);
        QVERIFY(QFile::remove(m_source + QLatin1Char('/') + gone));
        const QString changed = m_tree.files.at(6);
        QVERIFY(writeBytes(m_source + QLatin1Char('/') + changed, "changed here\n"));

        const QMap<QString, QString> before = snapshotTree(dest);
        Outcome check = run(syncPlan(m_source, dest, true), true);
        QVERIFY2(check.first().ok, qPrintable(check.first().error.message));
        QCOMPARE(check.first().status, HostStatus::Changed);
        QCOMPARE(check.value().value(QStringLiteral("check")).toBool(), true);
        QCOMPARE(check.list(QStringLiteral("deleted")),
                 sorted({QStringLiteral("extra.txt"), QStringLiteral("extra dir"), gone}));
        QCOMPARE(check.list(QStringLiteral("copied")), QStringList{changed});
        QCOMPARE(snapshotTree(dest), before); // check mode changed nothing, mtimes included

        // Without --delete the extra files stay.
        Outcome keep = run(syncPlan(m_source, dest, false));
        QVERIFY2(keep.first().ok, qPrintable(keep.first().error.message));
        QCOMPARE(keep.list(QStringLiteral("deleted")), QStringList{});
        QVERIFY(QFile::exists(dest + QStringLiteral("/extra.txt")));

        Outcome real = run(syncPlan(m_source, dest, true));
        QVERIFY2(real.first().ok, qPrintable(real.first().error.message));
        QCOMPARE(real.list(QStringLiteral("deleted")),
                 sorted({QStringLiteral("extra.txt"), QStringLiteral("extra dir"), gone}));
        const QMap<QString, QString> local = snapshotTree(m_source);
        const QMap<QString, QString> remote = snapshotTree(dest);
        QVERIFY2(local == remote, qPrintable(firstDifference(local, remote)));
        Outcome again = run(syncPlan(m_source, dest, true), true);
        QCOMPARE(again.first().status, HostStatus::Ok);
    }

    void fetchIntoAFolderPerHost()
    {
        const QString back = m_tmp.filePath(QStringLiteral("back"));
        FetchJob job;
        job.remote = m_remote + QStringLiteral("/site/tree");
        job.localDir = back;
        auto plan = FetchPlan::create(job);
        QVERIFY(plan);
        Outcome o = run(*plan, false, {QStringLiteral("h0"), QStringLiteral("h1")});
        QCOMPARE(o.results.size(), 2);
        SnapshotOptions writable;
        writable.dirModeOr = 0700;
        const QMap<QString, QString> remote = snapshotTree(job.remote, writable);
        for (const QString& host : {QStringLiteral("h0"), QStringLiteral("h1")}) {
            const QMap<QString, QString> fetched =
                snapshotTree(back + QLatin1Char('/') + host + QStringLiteral("/tree"), writable);
            QVERIFY2(fetched == remote,
                     qPrintable(host + QStringLiteral(": ") + firstDifference(remote, fetched)));
        }
        for (const HostResult& r : std::as_const(o.results))
            QVERIFY2(r.ok && r.changed, qPrintable(r.error.message));
        Outcome again = run(*plan, false, {QStringLiteral("h0"), QStringLiteral("h1")});
        for (const HostResult& r : std::as_const(again.results)) {
            QVERIFY2(r.ok, qPrintable(r.error.message));
            QCOMPARE(r.status, HostStatus::Ok);
            QCOMPARE(r.value.toObject().value(QStringLiteral("bytes_sent")).toInteger(), 0);
        }
        // One file: LOCALDIR/HOST/NAME; the same content is not fetched again.
        job.remote = m_remote + QStringLiteral("/one.bin");
        auto one = FetchPlan::create(job);
        QVERIFY(one);
        Outcome file = run(*one);
        QVERIFY2(file.first().ok, qPrintable(file.first().error.message));
        QCOMPARE(sha256Of(back + QStringLiteral("/h0/one.bin")), sha256Of(job.remote));
        Outcome fileAgain = run(*one);
        QCOMPARE(fileAgain.first().status, HostStatus::Ok);
    }

    void interruptedCopyLeavesNoTempFile()
    {
        const QString big = m_tmp.filePath(QStringLiteral("src/big"));
        QVERIFY(QDir().mkpath(big));
        QRandomGenerator rng(11);
        QVERIFY(writeBytes(big + QStringLiteral("/a.bin"), randomBytes(rng, 96 << 20)));
        generateTree(big, 12, 300, false);
        bool cancelled = false;
        Outcome o = run(
            copyPlan({big}, m_remote + QStringLiteral("/cut/")), false, {QStringLiteral("h0")},
            [&cancelled](RunHandle* handle, const RunEvent& event) {
                if (!cancelled && event.stream == QStringLiteral("progress") &&
                    event.data.toObject().value(QStringLiteral("bytes")).toInteger() > (8 << 20)) {
                    cancelled = true;
                    handle->cancel();
                }
            });
        QVERIFY(cancelled);
        QCOMPARE(o.first().status, HostStatus::Cancelled);
        // The agent drops what it was writing (its abort comes after the chunks already sent).
        QTRY_COMPARE_WITH_TIMEOUT(tempFilesUnder(m_remote + QStringLiteral("/cut")), QStringList{},
                                  10000);
        QVERIFY(QFileInfo(m_remote + QStringLiteral("/cut/big/a.bin")).size() != (96 << 20));
    }

    void pathsOutsideTheRootAreRefused()
    {
        for (const QString& bad :
             {QStringLiteral("../x"), QStringLiteral("/etc/passwd"), QStringLiteral("a/../../x"),
              QStringLiteral("a//b"), QStringLiteral("./a"), QString()}) {
            const auto entry =
                TreeEntry::fromManifest({{QStringLiteral("path"), bad},
                                         {QStringLiteral("type"), QStringLiteral("file")},
                                         {QStringLiteral("size"), 1},
                                         {QStringLiteral("mtime_ns"), 1}});
            QVERIFY2(!entry, qPrintable(bad));
            QCOMPARE(entry.error().kind, ErrorKind::Protocol);
        }
        QVERIFY(!copyPlan({m_source}, QStringLiteral("relative/path"))->validate(ToolCatalog{}));
        // A symlink on the host where the tree has a folder: replaced, never written through.
        const QString dest = m_remote + QStringLiteral("/site/tree");
        const QString outside = m_tmp.filePath(QStringLiteral("outside"));
        QVERIFY(QDir().mkpath(outside));
        QVERIFY(QFile::setPermissions(outside, QFileDevice::Permissions(0x7777)));
        const QString folder = m_tree.dirs.constFirst();
        QVERIFY(QDir(dest + QLatin1Char('/') + folder).removeRecursively());
        QVERIFY(::symlink(QFile::encodeName(outside).constData(),
                          QFile::encodeName(dest + QLatin1Char('/') + folder).constData()) == 0);
        Outcome o = run(syncPlan(m_source, dest, false));
        QVERIFY2(o.first().ok, qPrintable(o.first().error.message));
        QCOMPARE(QDir(outside).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{});
        const QMap<QString, QString> local = snapshotTree(m_source);
        const QMap<QString, QString> remote = snapshotTree(dest);
        QVERIFY2(local == remote, qPrintable(firstDifference(local, remote)));
        // Fetch: a symlink here where the host has a folder is replaced, not written through.
        const QString back = m_tmp.filePath(QStringLiteral("back2"));
        const QString mine = back + QStringLiteral("/h0/tree/") + folder;
        QVERIFY(QDir().mkpath(QFileInfo(mine).path()));
        QVERIFY(::symlink(QFile::encodeName(outside).constData(),
                          QFile::encodeName(mine).constData()) == 0);
        FetchJob job;
        job.remote = dest;
        job.localDir = back;
        Outcome fetched = run(*FetchPlan::create(job));
        QVERIFY2(fetched.first().ok, qPrintable(fetched.first().error.message));
        QCOMPARE(QDir(outside).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{});
        QVERIFY(QFileInfo(mine).isDir() && !QFileInfo(mine).isSymLink());
    }

    void cleanupTestCase()
    {
        m_engine.reset();
        m_sshd.stopAll();
    }
};

QTEST_GUILESS_MAIN(TestTransferPlans)
#include "tst_transferplans.moc"
