#include "engine/history/FailedHosts.h"
#include "engine/history/HistorySchema.h"
#include "engine/history/RunHistory.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace hostdeck::engine;

class TestRunHistory : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip();
    void redactsSecrets();
    void secretParamsFromDescription();
    void migratesVersionOne();
    void reportsCorruptFile();
    void reportsNewerSchema();
    void failedHostsGoAgain();

private:
    static QByteArray fileBytes(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }
};

void TestRunHistory::roundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sub/history.sqlite"));
    auto opened = RunHistory::open(path);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    RunHistory& history = **opened;

    HistoryRun run;
    run.startedAt = QDateTime::fromMSecsSinceEpoch(1700000000123);
    run.tool = QStringLiteral("Exec");
    run.method = QStringLiteral("run");
    run.args = {{QStringLiteral("argv"), QJsonArray{QStringLiteral("echo"), QStringLiteral("hi")}}};
    run.check = true;
    run.pattern = QStringLiteral("web*:!web3");
    run.hosts = {QStringLiteral("web1"), QStringLiteral("web2")};
    run.inventory = QStringLiteral("/tmp/inv.yml");
    const auto id = history.beginRun(run, {});
    QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));

    const QJsonObject r1{{QStringLiteral("host"), QStringLiteral("web1")},
                         {QStringLiteral("ok"), true},
                         {QStringLiteral("changed"), true},
                         {QStringLiteral("duration"), 0.25},
                         {QStringLiteral("value"), QJsonObject{{QStringLiteral("rc"), 0}}}};
    const QJsonObject r2{{QStringLiteral("host"), QStringLiteral("web2")},
                         {QStringLiteral("ok"), false},
                         {QStringLiteral("changed"), false},
                         {QStringLiteral("duration"), 1.5},
                         {QStringLiteral("error"),
                          QJsonObject{{QStringLiteral("kind"), QStringLiteral("unreachable")},
                                      {QStringLiteral("message"), QStringLiteral("refused")}}}};
    QVERIFY(history.addResults(*id, {r1}).ok());
    QVERIFY(history.addResults(*id, {r2}).ok());
    auto listed = history.runs();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 1);
    QVERIFY(!listed->first().finished);
    const QJsonObject summary{{QStringLiteral("total"), 2},
                              {QStringLiteral("ok"), 1},
                              {QStringLiteral("unreachable"), 1}};
    QVERIFY(history.finishRun(*id, summary).ok());

    // A second connection to the same file sees everything (it is on disk, not in memory).
    auto again = RunHistory::open(path);
    QVERIFY(again.ok());
    const auto stored = (*again)->run(*id);
    QVERIFY(stored.ok());
    QCOMPARE(stored->tool, run.tool);
    QCOMPARE(stored->method, run.method);
    QCOMPARE(stored->args, run.args);
    QCOMPARE(stored->check, true);
    QCOMPARE(stored->pattern, run.pattern);
    QCOMPARE(stored->hosts, run.hosts);
    QCOMPARE(stored->inventory, run.inventory);
    QCOMPARE(stored->startedAt.toMSecsSinceEpoch(), 1700000000123);
    QVERIFY(stored->finished);
    QCOMPARE(stored->summary, summary);
    const auto results = (*again)->results(*id);
    QVERIFY(results.ok());
    QCOMPARE(*results, (QList<QJsonObject>{r1, r2}));

    QVERIFY((*again)->removeRun(*id).ok());
    QCOMPARE((*again)->runs()->size(), 0);
    QCOMPARE((*again)->results(*id)->size(), 0);
    QCOMPARE((*again)->run(*id).error().kind, ErrorKind::NotFound);
}

void TestRunHistory::redactsSecrets()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    const QString secret =
        QStringLiteral("s3cr3t-never-on-disk-%1").arg(QCoreApplication::applicationPid());
    {
        auto history = RunHistory::open(path);
        QVERIFY(history.ok());
        HistoryRun run;
        run.startedAt = QDateTime::currentDateTime();
        run.tool = QStringLiteral("User");
        run.method = QStringLiteral("present");
        run.args = {{QStringLiteral("name"), QStringLiteral("bob")},
                    {QStringLiteral("password"), secret},
                    {QStringLiteral("token"), QJsonValue::Null}};
        const auto id =
            (*history)->beginRun(run, {QStringLiteral("password"), QStringLiteral("token")});
        QVERIFY(id.ok());
        const auto stored = (*history)->run(*id);
        QCOMPARE(stored->args.value(QStringLiteral("password")).toString(),
                 RunHistory::redactedMarker());
        QCOMPARE(stored->args.value(QStringLiteral("name")).toString(), QStringLiteral("bob"));
        QVERIFY(
            stored->args.value(QStringLiteral("token")).isNull()); // nothing to hide: stays null
    }
    for (const QString& file : QDir(dir.path()).entryList(QDir::Files))
        QVERIFY2(!fileBytes(dir.filePath(file)).contains(secret.toUtf8()), qPrintable(file));
}

void TestRunHistory::secretParamsFromDescription()
{
    const QJsonArray params{
        QJsonObject{{QStringLiteral("name"), QStringLiteral("a")},
                    {QStringLiteral("type"), QStringLiteral("Secret")}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("b")},
                    {QStringLiteral("type"), QStringLiteral("Optional[Secret]")}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("c")},
                    {QStringLiteral("type"), QStringLiteral("str")}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("d")},
                    {QStringLiteral("type"), QJsonValue::Null}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("e")},
                    {QStringLiteral("type"), QStringLiteral("hostdeck.Secret")}}};
    QCOMPARE(RunHistory::secretParams(params),
             (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("e")}));
}

void TestRunHistory::migratesVersionOne()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    {
        // Build a version-1 database the way an older Hostdeck left it, with one run in it.
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QVERIFY(HistorySchema::migrateTo(db, 1).ok());
        QCOMPARE(*HistorySchema::version(db), 1);
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral(
            "INSERT INTO runs (started_at, tool, method, args, check_mode, hosts, summary)"
            " VALUES (1000, 'Facts', 'os', '{}', 0, '[\"old\"]', '{\"total\":1}')")));
        QVERIFY(query.exec(QStringLiteral(
            "INSERT INTO results VALUES (1, 'old', 1, 0, 5, '{\"host\":\"old\",\"ok\":true}')")));
        QVERIFY(query.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'runs'")) &&
                query.next());
        QVERIFY(!query.value(0).toString().contains(QStringLiteral("pattern")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v1"));

    auto history = RunHistory::open(path);
    QVERIFY2(history.ok(), qPrintable(history.ok() ? QString() : history.error().message));
    const auto runs = (*history)->runs();
    QVERIFY(runs.ok());
    QCOMPARE(runs->size(), 1);
    QCOMPARE(runs->first().tool, QStringLiteral("Facts"));
    QCOMPARE(runs->first().hosts, QStringList{QStringLiteral("old")});
    QCOMPARE(runs->first().pattern, QString());
    QCOMPARE((*history)->results(runs->first().id)->size(), 1);

    // The new columns work after the migration, and the version is current.
    HistoryRun run;
    run.startedAt = QDateTime::currentDateTime();
    run.tool = QStringLiteral("Exec");
    run.method = QStringLiteral("run");
    run.pattern = QStringLiteral("all");
    const auto id = (*history)->beginRun(run, {});
    QVERIFY(id.ok());
    QCOMPARE((*history)->run(*id)->pattern, QStringLiteral("all"));
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QCOMPARE(*HistorySchema::version(db), HistorySchema::kCurrentVersion);
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
}

void TestRunHistory::reportsCorruptFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    // A real database whose pages were then overwritten in the middle.
    {
        auto history = RunHistory::open(path);
        QVERIFY(history.ok());
        HistoryRun run;
        run.startedAt = QDateTime::currentDateTime();
        run.tool = QStringLiteral("Exec");
        run.method = QStringLiteral("run");
        for (int i = 0; i < 50; ++i)
            QVERIFY((*history)->beginRun(run, {}).ok());
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    const qint64 size = file.size();
    QVERIFY(size > 4096);
    file.seek(0);
    file.write(QByteArray(100, 'X')); // destroys the header: "file is not a database"
    file.close();
    const QByteArray before = fileBytes(path);

    auto history = RunHistory::open(path);
    QVERIFY(!history.ok());
    QCOMPARE(history.error().kind, ErrorKind::Io);
    QVERIFY2(history.error().message.contains(path), qPrintable(history.error().message));
    QVERIFY2(history.error().message.contains(QStringLiteral("corrupt")),
             qPrintable(history.error().message));
    QCOMPARE(fileBytes(path), before); // reported, not replaced

    // Plain garbage is reported too.
    const QString garbage = dir.filePath(QStringLiteral("garbage.sqlite"));
    QFile g(garbage);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write(QByteArray("this is not sqlite at all, just text\n").repeated(200));
    g.close();
    auto second = RunHistory::open(garbage);
    QVERIFY(!second.ok());
    QVERIFY(fileBytes(garbage).startsWith("this is not sqlite"));
}

void TestRunHistory::reportsNewerSchema()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("PRAGMA user_version = 99")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("future"));
    auto history = RunHistory::open(path);
    QVERIFY(!history.ok());
    QVERIFY2(history.error().message.contains(QStringLiteral("newer")),
             qPrintable(history.error().message));
}

void TestRunHistory::failedHostsGoAgain()
{
    // A stored run with every status, from generated records: failed, unreachable and timed
    // out hosts go again (each once, in result order); the others do not.
    QTemporaryDir dir;
    auto opened = RunHistory::open(dir.filePath(QStringLiteral("history.sqlite")));
    QVERIFY(opened.ok());
    RunHistory& history = **opened;
    const QList<HostStatus> statuses{
        HostStatus::Ok,      HostStatus::Changed,  HostStatus::Failed,   HostStatus::Unreachable,
        HostStatus::Skipped, HostStatus::TimedOut, HostStatus::Cancelled};
    HistoryRun run;
    run.startedAt = QDateTime::currentDateTime();
    run.tool = QStringLiteral("FileSystem");
    run.method = QStringLiteral("write");
    run.plan = QJsonObject{{QStringLiteral("kind"), QStringLiteral("call")},
                           {QStringLiteral("host_args"), QJsonObject{}}};
    QList<QJsonObject> results;
    QStringList expected;
    QJsonObject hostArgs;
    for (int i = 0; i < 3 * int(statuses.size()); ++i) {
        HostResult record;
        record.host = QStringLiteral("h%1").arg(i, 2, 10, QLatin1Char('0'));
        record.setStatus(statuses.at((i * 5) % statuses.size())); // every status, shuffled
        run.hosts << record.host;
        hostArgs.insert(record.host, QJsonObject{{QStringLiteral("n"), i}});
        results << record.toJson();
        const HostStatus status = record.status;
        if (status == HostStatus::Failed || status == HostStatus::Unreachable ||
            status == HostStatus::TimedOut)
            expected << record.host;
    }
    run.plan.insert(QStringLiteral("host_args"), hostArgs);
    const Result<qint64> id = history.beginRun(run, {});
    QVERIFY(id.ok());
    QVERIFY(history.addResults(*id, results).ok());
    QVERIFY(history.addResults(*id, {results.at(2)}).ok()); // a host stored twice counts once
    QCOMPARE(expected.size(), 9);
    const Result<QStringList> failed = FailedHosts::of(history, *id);
    QVERIFY(failed.ok());
    QCOMPARE(*failed, expected);
    QVERIFY(!FailedHosts::of(history, *id + 100).ok() ||
            FailedHosts::of(history, *id + 100)->isEmpty());

    // The run limited to them: its hosts in its order, and only their per-host arguments.
    const HistoryRun limited = FailedHosts::limitedTo(run, *failed);
    QCOMPARE(limited.hosts, expected);
    const QJsonObject kept = limited.plan.value(QStringLiteral("host_args")).toObject();
    QCOMPARE(QStringList(kept.keys()), expected); // keys sort as the zero-padded names do
    QCOMPARE(kept.value(expected.first()).toObject(), hostArgs.value(expected.first()).toObject());

    QList<HostTarget> targets;
    for (const QString& host : run.hosts)
        targets << HostTarget::local(host);
    QStringList names;
    for (const HostTarget& target : FailedHosts::only(targets, *failed))
        names << target.name;
    QCOMPARE(names, expected);
}

QTEST_GUILESS_MAIN(TestRunHistory)
#include "tst_runhistory.moc"
