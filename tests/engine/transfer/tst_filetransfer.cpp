// FileUpload / FileDownload end to end: a real agent over the local transport (200 MB, checksums,
// skip of identical files, bounded controller memory, cancel, errors) and over SSH to a real sshd.
#include "tests/engine/transfer/TransferTestUtil.h"
#include "tests/support/AgentTestUtil.h"
#include "tests/support/SshdFixture.h"
#include "tests/support/TestEnv.h"

#include "engine/transfer/FileDownload.h"
#include "engine/transfer/FileUpload.h"

#include <QCryptographicHash>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace hostdeck::engine;
using namespace hostdeck::test;
using namespace std::chrono_literals;

namespace {

constexpr qint64 kLarge = 200LL << 20;
constexpr qint64 kBoundKiB = 64 << 10; ///< controller peak RSS growth allowed for a 200 MB transfer

FileUpload::Options uploadOptions(const QString& local, const QString& remote)
{
    FileUpload::Options o;
    o.localPath = local;
    o.remotePath = remote;
    return o;
}

QStringList entries(const QString& dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System |
                               QDir::NoDotAndDotDot);
}

} // namespace

class TestFileTransfer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::unique_ptr<AgentSession> m_session;
    QString m_large;
    QByteArray m_largeSha;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY(QDir(m_tmp.path()).mkpath(QStringLiteral("src")));
        QVERIFY(QDir(m_tmp.path()).mkpath(QStringLiteral("remote")));
        QVERIFY(QDir(m_tmp.path()).mkpath(QStringLiteral("back")));
        m_large = m_tmp.filePath(QStringLiteral("src/large.bin"));
        m_largeSha = writeRandomFile(m_large, kLarge);
        QVERIFY(!m_largeSha.isEmpty());
        m_session = makeLocalTestSession();
        QCOMPARE(startAndWait(*m_session), QString());
    }

    void uploadLargeFileWithBoundedMemory()
    {
        const QString dest = m_tmp.filePath(QStringLiteral("remote/large.bin"));
        FileUpload upload(m_session.get(), uploadOptions(m_large, dest));
        qint64 lastProgress = -1;
        int progressSignals = 0;
        connect(&upload, &FileUpload::progress, this, [&](qint64 done, qint64 total) {
            QCOMPARE(total, kLarge);
            QVERIFY(done >= lastProgress);
            lastProgress = done;
            ++progressSignals;
        });
        QVERIFY(resetPeakRss());
        const qint64 before = peakRssKiB();
        const TransferResult result = runTransfer(upload);
        const qint64 grown = peakRssKiB() - before;
        QVERIFY2(result.ok, qPrintable(result.error.message));
        QVERIFY(!result.skipped);
        QVERIFY(result.changed);
        QCOMPARE(result.size, kLarge);
        QCOMPARE(result.bytesSent, kLarge);
        QCOMPARE(result.sha256.toLatin1(), m_largeSha);
        QCOMPARE(lastProgress, kLarge);
        QVERIFY(progressSignals >= 200);
        // The real file on disk, read back independently.
        QCOMPARE(QFileInfo(dest).size(), kLarge);
        QCOMPARE(fileSha256(dest), m_largeSha);
        QCOMPARE(entries(m_tmp.filePath(QStringLiteral("remote"))),
                 QStringList{QStringLiteral("large.bin")});
        qInfo("upload of 200 MB: controller peak RSS grew by %lld KiB", grown);
        QVERIFY2(grown < kBoundKiB,
                 qPrintable(QStringLiteral("peak RSS grew by %1 KiB").arg(grown)));
    }

    void identicalReuploadIsSkipped()
    {
        const QString dest = m_tmp.filePath(QStringLiteral("remote/large.bin"));
        QVERIFY(QFile::exists(dest));
        const QDateTime mtime = QFileInfo(dest).lastModified();
        FileUpload upload(m_session.get(), uploadOptions(m_large, dest));
        const TransferResult result = runTransfer(upload);
        QVERIFY2(result.ok, qPrintable(result.error.message));
        QVERIFY(result.skipped);
        QVERIFY(!result.changed);
        QCOMPARE(result.bytesSent, 0);
        QCOMPARE(QFileInfo(dest).lastModified(), mtime);
    }

    void modeDriftOnIdenticalFileIsFixedWithoutData()
    {
        const QString dest = m_tmp.filePath(QStringLiteral("remote/large.bin"));
        FileUpload::Options o = uploadOptions(m_large, dest);
        o.mode = QStringLiteral("0600");
        FileUpload upload(m_session.get(), o);
        const TransferResult result = runTransfer(upload);
        QVERIFY2(result.ok, qPrintable(result.error.message));
        QVERIFY(result.skipped);
        QVERIFY(result.changed);
        QCOMPARE(result.bytesSent, 0);
        QCOMPARE(QFileInfo(dest).permissions() & 0x7777,
                 QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser);
    }

    void downloadLargeFileWithBoundedMemory()
    {
        const QString remote = m_tmp.filePath(QStringLiteral("remote/large.bin"));
        const QString local = m_tmp.filePath(QStringLiteral("back/large.bin"));
        FileDownload::Options o;
        o.remotePath = remote;
        o.localPath = local;
        FileDownload download(m_session.get(), o);
        qint64 seenTotal = -1;
        connect(&download, &FileDownload::progress, this,
                [&](qint64, qint64 total) { seenTotal = total; });
        QVERIFY(resetPeakRss());
        const qint64 before = peakRssKiB();
        const TransferResult result = runTransfer(download);
        const qint64 grown = peakRssKiB() - before;
        QVERIFY2(result.ok, qPrintable(result.error.message));
        QCOMPARE(result.size, kLarge);
        QCOMPARE(result.sha256.toLatin1(), m_largeSha);
        QCOMPARE(seenTotal, kLarge);
        QCOMPARE(fileSha256(local), m_largeSha);
        QCOMPARE(entries(m_tmp.filePath(QStringLiteral("back"))),
                 QStringList{QStringLiteral("large.bin")});
        qInfo("download of 200 MB: controller peak RSS grew by %lld KiB", grown);
        QVERIFY2(grown < kBoundKiB,
                 qPrintable(QStringLiteral("peak RSS grew by %1 KiB").arg(grown)));
        QFile::remove(local);
    }

    void cancelMidUploadLeavesNoTempFile()
    {
        const QString dir = m_tmp.filePath(QStringLiteral("cancel"));
        QVERIFY(QDir().mkpath(dir));
        FileUpload upload(m_session.get(),
                          uploadOptions(m_large, dir + QStringLiteral("/large.bin")));
        qint64 progressAtCancel = -1;
        connect(&upload, &FileUpload::progress, this, [&](qint64 done, qint64) {
            if (progressAtCancel < 0 && done >= (8 << 20)) {
                progressAtCancel = done;
                QVERIFY(!entries(dir).isEmpty()); // the temp file exists while the upload runs
                upload.cancel();
            }
        });
        const TransferResult result = runTransfer(upload);
        QVERIFY(progressAtCancel > 0);
        QVERIFY(!result.ok);
        QCOMPARE(result.error.kind, ErrorKind::Cancelled);
        QVERIFY2(result.error.message.contains(m_large), qPrintable(result.error.message));
        QVERIFY(result.bytesSent < kLarge);
        QCOMPARE(entries(dir), QStringList{});
        // The session is still usable afterwards.
        QCOMPARE(callAndWait(*m_session, QStringLiteral("FileSystem"), QStringLiteral("exists"),
                             {{QStringLiteral("path"), dir}})
                     .value.toBool(),
                 true);
    }

    void sameSizeDestinationIsHashedThenReplaced()
    {
        // A destination of the same size may be identical: the agent asks for the checksum
        // first, and a different content is then sent in full.
        const QString dest = m_tmp.filePath(QStringLiteral("remote/same-size.bin"));
        QFile src(m_large);
        QVERIFY(src.open(QIODevice::ReadOnly));
        QByteArray content = src.read(3 << 20);
        content[1000] = char(content[1000] ^ 0x5a);
        {
            QFile out(dest);
            QVERIFY(out.open(QIODevice::WriteOnly));
            QCOMPARE(out.write(content), content.size());
        }
        const QString small = m_tmp.filePath(QStringLiteral("same-size-source.bin"));
        content[1000] = char(content[1000] ^ 0x5a);
        {
            QFile out(small);
            QVERIFY(out.open(QIODevice::WriteOnly));
            QCOMPARE(out.write(content), content.size());
        }
        FileUpload upload(m_session.get(), uploadOptions(small, dest));
        const TransferResult result = runTransfer(upload);
        QVERIFY2(result.ok, qPrintable(result.error.message));
        QVERIFY(!result.skipped);
        QVERIFY(result.changed);
        QCOMPARE(result.bytesSent, content.size());
        QFile landed(dest);
        QVERIFY(landed.open(QIODevice::ReadOnly));
        QCOMPARE(landed.readAll(), content);
        QCOMPARE(result.sha256.toLatin1(),
                 QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
    }

    void cancelBeforeSendingLeavesTheDestinationAlone()
    {
        // The destination has the source's size: the upload would hash before sending.
        const QString dir = m_tmp.filePath(QStringLiteral("cancel-hash"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(QFile::copy(m_large, dir + QStringLiteral("/large.bin")));
        {
            QFile f(dir + QStringLiteral("/large.bin"));
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.seek(10));
            QCOMPARE(f.write("x", 1), 1);
        }
        const QByteArray before = [&] {
            QFile f(dir + QStringLiteral("/large.bin"));
            return f.open(QIODevice::ReadOnly)
                       ? QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256)
                       : QByteArray();
        }();
        FileUpload upload(m_session.get(),
                          uploadOptions(m_large, dir + QStringLiteral("/large.bin")));
        QSignalSpy spy(&upload, &FileUpload::finished);
        upload.start();
        upload.cancel();
        QVERIFY(spy.wait(20000));
        const TransferResult result = spy.first().at(0).value<TransferResult>();
        QCOMPARE(result.error.kind, ErrorKind::Cancelled);
        QCOMPARE(entries(dir), QStringList{QStringLiteral("large.bin")});
        QFile after(dir + QStringLiteral("/large.bin"));
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(QCryptographicHash::hash(after.readAll(), QCryptographicHash::Sha256), before);
    }

    void uploadErrorsNameTheFile()
    {
        FileUpload missing(m_session.get(),
                           uploadOptions(m_tmp.filePath(QStringLiteral("src/none.bin")),
                                         m_tmp.filePath(QStringLiteral("remote/none.bin"))));
        TransferResult result = runTransfer(missing);
        QVERIFY(!result.ok);
        QCOMPARE(result.error.kind, ErrorKind::NotFound);
        QVERIFY2(result.error.message.contains(QStringLiteral("src/none.bin")),
                 qPrintable(result.error.message));

        const QString small = m_tmp.filePath(QStringLiteral("src/small.txt"));
        QVERIFY(!writeRandomFile(small, 1000).isEmpty());
        const QString badDest = m_tmp.filePath(QStringLiteral("no-such-dir/x.txt"));
        FileUpload bad(m_session.get(), uploadOptions(small, badDest));
        result = runTransfer(bad);
        QVERIFY(!result.ok);
        QCOMPARE(result.error.kind, ErrorKind::Remote);
        QVERIFY2(result.error.message.contains(badDest), qPrintable(result.error.message));
        QVERIFY2(result.error.message.contains(small), qPrintable(result.error.message));
    }

    void emptyFileRoundTrip()
    {
        const QString empty = m_tmp.filePath(QStringLiteral("src/empty"));
        QFile f(empty);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        const QString dest = m_tmp.filePath(QStringLiteral("remote/empty"));
        FileUpload upload(m_session.get(), uploadOptions(empty, dest));
        const TransferResult result = runTransfer(upload);
        QVERIFY2(result.ok, qPrintable(result.error.message));
        QVERIFY(QFile::exists(dest));
        QCOMPARE(QFileInfo(dest).size(), 0);
    }

    void downloadOfMissingFileLeavesNothing()
    {
        FileDownload::Options o;
        o.remotePath = m_tmp.filePath(QStringLiteral("remote/nothing-here"));
        o.localPath = m_tmp.filePath(QStringLiteral("back/nothing-here"));
        FileDownload download(m_session.get(), o);
        const TransferResult result = runTransfer(download);
        QVERIFY(!result.ok);
        QVERIFY2(result.error.message.contains(o.remotePath), qPrintable(result.error.message));
        QCOMPARE(entries(m_tmp.filePath(QStringLiteral("back"))), QStringList{});
    }

    void cancelMidDownloadLeavesNoTempFile()
    {
        FileDownload::Options o;
        o.remotePath = m_large;
        o.localPath = m_tmp.filePath(QStringLiteral("back/cancelled.bin"));
        FileDownload download(m_session.get(), o);
        connect(&download, &FileDownload::progress, this, [&](qint64 done, qint64) {
            if (done >= (8 << 20))
                download.cancel();
        });
        const TransferResult result = runTransfer(download);
        QVERIFY(!result.ok);
        QCOMPARE(result.error.kind, ErrorKind::Cancelled);
        QCOMPARE(entries(m_tmp.filePath(QStringLiteral("back"))), QStringList{});
    }

    void overSsh()
    {
        SshdFixture sshd;
        const QString problem = sshd.setUp();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const int server = sshd.startServer();
        QVERIFY2(server >= 0, qPrintable(sshd.lastError()));
        SshSettings settings;
        settings.user = sshd.user();
        settings.host = QStringLiteral("127.0.0.1");
        settings.port = sshd.port(server);
        settings.identityFiles = {sshd.clientKey()};
        settings.useDefaultIdentities = false;
        settings.useAgent = false;
        settings.usePassword = false;
        settings.knownHostsFile =
            sshd.writeFile(QStringLiteral("known_hosts"), {sshd.knownHostsLine(server)});
        settings.globalKnownHostsFile = QStringLiteral("/dev/null");
        auto tools = std::make_shared<ToolRegistry>(ToolRegistry::load({}));
        SshAgent agent = makeSshAgent(settings, tools);
        QCOMPARE(startAndWait(*agent.session), QString());

        // A folder the login user may write to.
        QTemporaryDir remoteDir;
        QVERIFY(QFile::setPermissions(remoteDir.path(), QFileDevice::Permissions(0x7777)));
        const QString source = m_tmp.filePath(QStringLiteral("src/ssh.bin"));
        const QByteArray sha = writeRandomFile(source, 24LL << 20, 7);
        const QString dest = remoteDir.filePath(QStringLiteral("ssh.bin"));

        FileUpload upload(agent.session.get(), uploadOptions(source, dest));
        TransferResult result = runTransfer(upload);
        QVERIFY2(result.ok, qPrintable(result.error.message));
        QCOMPARE(fileSha256(dest), sha);
        QCOMPARE(QFileInfo(dest).owner(),
                 sshd.user()); // written by the login user, not by the test

        FileUpload again(agent.session.get(), uploadOptions(source, dest));
        result = runTransfer(again);
        QVERIFY2(result.ok && result.skipped && !result.changed, qPrintable(result.error.message));

        FileDownload::Options o;
        o.remotePath = dest;
        o.localPath = m_tmp.filePath(QStringLiteral("back/ssh.bin"));
        FileDownload download(agent.session.get(), o);
        result = runTransfer(download);
        QVERIFY2(result.ok, qPrintable(result.error.message));
        QCOMPARE(fileSha256(o.localPath), sha);
        QFile::remove(o.localPath);
        agent.session->close();
    }

    void cleanupTestCase()
    {
        if (m_session)
            m_session->close();
        m_session.reset();
    }
};

QTEST_GUILESS_MAIN(TestFileTransfer)
#include "tst_filetransfer.moc"
