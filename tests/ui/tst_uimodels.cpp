#include "ui/history/HistoryModel.h"
#include "ui/inventory/InventoryModel.h"
#include "ui/results/GroupedResultsModel.h"
#include "ui/results/JsonTreeModel.h"
#include "ui/results/LogModel.h"
#include "ui/results/ResultExport.h"
#include "ui/results/ResultsFilterModel.h"
#include "ui/results/RunResultsModel.h"
#include "ui/tools/ToolPaletteModel.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QtTest>

using namespace hostdeck;
using namespace hostdeck::ui;
namespace engine = hostdeck::engine;

namespace {

engine::HostResult okResult(const QString& host, const QJsonValue& value, bool changed = false)
{
    engine::HostResult r;
    r.host = host;
    r.ok = true;
    r.changed = changed;
    r.value = value;
    r.durationMs = 12;
    r.status = engine::HostResult::statusOf(true, changed, engine::ErrorKind::Remote);
    return r;
}

engine::HostResult failed(const QString& host, engine::ErrorKind kind, const QString& message)
{
    engine::HostResult r;
    r.host = host;
    r.error.kind = kind;
    r.error.message = message;
    r.durationMs = 30;
    r.status = engine::HostResult::statusOf(false, false, kind);
    return r;
}

} // namespace

class TestUiModels : public QObject
{
    Q_OBJECT

private slots:
    void runResultsBatches();
    void filterAndGroup();
    void jsonTree();
    void toolPalette();
    void toolPaletteHidesInternalMethods();
    void inventoryTree();
    void logModel();
    void historyModel();
    void exports();
};

void TestUiModels::runResultsBatches()
{
    RunResultsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    // Output first: a row appears (running) and follows the output.
    model.addOutput({{QStringLiteral("h1"), QStringLiteral("stdout"), QStringLiteral("line 1\n")},
                     {QStringLiteral("h2"), QStringLiteral("stderr"), QStringLiteral("warn\n")},
                     {QStringLiteral("h1"), QStringLiteral("stdout"), QStringLiteral("line 2\n")}});
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.row(0).stdoutText, QStringLiteral("line 1\nline 2\n"));
    QCOMPARE(model.index(0, RunResultsModel::StatusColumn).data().toString(),
             QStringLiteral("running"));

    // A batch of 500 results: exactly one insert for the new hosts, one change for the shown ones.
    QList<engine::HostResult> batch;
    batch << okResult(
        QStringLiteral("h2"),
        QJsonObject{{QStringLiteral("rc"), 0}, {QStringLiteral("stdout"), QStringLiteral("hi\n")}});
    for (int i = 0; i < 499; ++i)
        batch << okResult(QStringLiteral("n%1").arg(i), i, i % 2 == 0);
    inserted.clear();
    changed.clear();
    model.addResults(batch);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.rowCount(), 501);
    QCOMPARE(model.index(1, RunResultsModel::SummaryColumn).data().toString(),
             QStringLiteral("rc=0 hi"));
    QCOMPARE(model.index(1, RunResultsModel::StatusColumn).data().toString(), QStringLiteral("ok"));
    QCOMPARE(model.index(2, RunResultsModel::StatusColumn).data().toString(),
             QStringLiteral("changed"));
    QCOMPARE(model.results().size(), 500); // h1 is still running
    model.addResults(
        {failed(QStringLiteral("h1"), engine::ErrorKind::Connect, QStringLiteral("refused"))});
    QCOMPARE(model.index(0, RunResultsModel::StatusColumn).data().toString(),
             QStringLiteral("unreachable"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestUiModels::filterAndGroup()
{
    RunResultsModel model;
    ResultsFilterModel filter;
    filter.setSourceModel(&model);
    GroupedResultsModel grouped;
    QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t3(&grouped, QAbstractItemModelTester::FailureReportingMode::QtTest);
    grouped.setSourceModel(&model);
    model.addResults(
        {okResult(QStringLiteral("a"), QStringLiteral("same")),
         okResult(QStringLiteral("b"), QStringLiteral("same")),
         okResult(QStringLiteral("c"), QStringLiteral("other"), true),
         failed(QStringLiteral("d"), engine::ErrorKind::Remote, QStringLiteral("boom")),
         okResult(QStringLiteral("e"), QStringLiteral("same"))});
    QCOMPARE(filter.rowCount(), 5);
    filter.setMode(ResultsFilterModel::Mode::Failed);
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, 0).data().toString(), QStringLiteral("d"));
    filter.setMode(ResultsFilterModel::Mode::Changed);
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, 0).data().toString(), QStringLiteral("c"));
    filter.setMode(ResultsFilterModel::Mode::All);
    filter.sort(RunResultsModel::HostColumn, Qt::DescendingOrder);
    QCOMPARE(filter.index(0, 0).data().toString(), QStringLiteral("e"));
    filter.setFilterFixedString(QStringLiteral("b"));
    QCOMPARE(filter.rowCount(), 1);

    QCOMPARE(grouped.rowCount(), 3);
    QCOMPARE(grouped.index(0, GroupedResultsModel::CountColumn).data().toInt(), 3);
    QCOMPARE(grouped.index(0, GroupedResultsModel::HostsColumn)
                 .data(GroupedResultsModel::HostsRole)
                 .toStringList(),
             (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("e")}));
    model.addResults({okResult(QStringLiteral("f"), QStringLiteral("other"), true)});
    QCOMPARE(grouped.index(1, GroupedResultsModel::CountColumn).data().toInt(), 2);
}

void TestUiModels::jsonTree()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setValue(QJsonDocument::fromJson(
                       R"({"rc": 0, "out": ["a", {"b": true}], "data": {"$bytes": "aGk="}})")
                       .object());
    const QModelIndex top = model.index(0, 0);
    QCOMPARE(model.rowCount(top), 3);
    QModelIndex out;
    for (int i = 0; i < 3; ++i) {
        if (model.index(i, 0, top).data().toString() == QStringLiteral("out"))
            out = model.index(i, 0, top);
        if (model.index(i, 0, top).data().toString() == QStringLiteral("data"))
            QCOMPARE(model.index(i, JsonTreeModel::ValueColumn, top).data().toString(),
                     QStringLiteral("2 bytes"));
    }
    QVERIFY(out.isValid());
    QCOMPARE(model.rowCount(out), 2);
    const QModelIndex inner = model.index(1, 0, out);
    QCOMPARE(model.index(0, JsonTreeModel::ValueColumn, inner).data().toString(),
             QStringLiteral("true"));
    QCOMPARE(model.parent(inner), out);
    model.setValue(QStringLiteral("scalar"));
    QCOMPARE(model.rowCount(model.index(0, 0)), 0);
}

void TestUiModels::toolPalette()
{
    ToolPaletteModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QJsonArray tools = QJsonDocument::fromJson(R"([
        {"tool": "Exec", "module": "exec", "doc": "", "custom": false, "methods": [{"name": "run", "doc": "Run argv.", "params": []}]},
        {"tool": "Mine", "module": "mine", "doc": "", "custom": true, "methods": [{"name": "a", "params": []}, {"name": "b", "params": []}]}
    ])")
                                 .array();
    model.setCatalog(engine::ToolCatalog::fromJson(tools));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("Mine (custom)"));
    QVERIFY(model.index(1, 0).data(ToolPaletteModel::CustomRole).toBool());
    QCOMPARE(model.rowCount(model.index(1, 0)), 2);
    const QModelIndex run = model.indexOf(QStringLiteral("Exec"), QStringLiteral("run"));
    QCOMPARE(run.data(ToolPaletteModel::SearchTextRole).toString(),
             QStringLiteral("Exec.run Run argv."));
}

void TestUiModels::toolPaletteHidesInternalMethods()
{
    ToolPaletteModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QJsonArray tools = QJsonDocument::fromJson(R"([
        {"tool": "Pipe", "module": "pipe", "doc": "", "methods": [{"name": "begin", "internal": true, "params": []}, {"name": "read", "doc": "Read it.", "params": []}, {"name": "chunk", "internal": true, "params": []}, {"name": "write", "params": []}]},
        {"tool": "Wire", "module": "wire", "doc": "", "methods": [{"name": "frame", "internal": true, "params": []}]},
        {"tool": "Exec", "module": "exec", "doc": "", "methods": [{"name": "run", "params": []}]}
    ])")
                                 .array();
    model.setCatalog(engine::ToolCatalog::fromJson(tools));
    // Wire has nothing but protocol pieces: no row at all.
    QCOMPARE(model.rowCount(), 2);
    QStringList names{model.index(0, 0).data().toString(), model.index(1, 0).data().toString()};
    names.sort();
    QCOMPARE(names, (QStringList{QStringLiteral("Exec"), QStringLiteral("Pipe")}));
    const int pipeRow = model.index(0, 0).data().toString() == QStringLiteral("Pipe") ? 0 : 1;
    const QModelIndex pipe = model.index(pipeRow, 0);
    const QModelIndex exec = model.index(pipe.row() == 0 ? 1 : 0, 0);
    QCOMPARE(model.rowCount(pipe), 2);
    QCOMPARE(model.index(0, 0, pipe).data().toString(), QStringLiteral("read"));
    QCOMPARE(model.index(0, 0, pipe).data(Qt::ToolTipRole).toString(), QStringLiteral("Read it."));
    QCOMPARE(model.index(1, 0, pipe).data().toString(), QStringLiteral("write"));
    QCOMPARE(model.index(1, 0, pipe).data(ToolPaletteModel::MethodRole).toString(),
             QStringLiteral("write"));
    QVERIFY(!model.indexOf(QStringLiteral("Pipe"), QStringLiteral("begin")).isValid());
    QVERIFY(!model.indexOf(QStringLiteral("Wire"), QStringLiteral("frame")).isValid());
    QCOMPARE(model.indexOf(QStringLiteral("Pipe"), QStringLiteral("write")),
             model.index(1, 0, pipe));
    QCOMPARE(model.indexOf(QStringLiteral("Exec"), QStringLiteral("run")).parent(), exec);
    // The catalog itself still knows them (the engine's programs call them).
    QVERIFY(model.catalog().method(QStringLiteral("Pipe"), QStringLiteral("chunk")).has_value());
}

void TestUiModels::inventoryTree()
{
    engine::Inventory inventory;
    inventory.addHost(engine::Host(QStringLiteral("web1"),
                                   {{QStringLiteral("ansible_host"), QStringLiteral("10.0.0.1")}}),
                      QStringLiteral("web"));
    inventory.addHost(engine::Host(QStringLiteral("web2")), QStringLiteral("web"));
    inventory.addHost(
        engine::Host(QStringLiteral("db1"), {{QStringLiteral("ansible_user"), QStringLiteral("pg")},
                                             {QStringLiteral("ansible_port"), 2222}}),
        QStringLiteral("db"));
    inventory.addHost(engine::Host(QStringLiteral("loner")));
    (void)inventory.addChild(QStringLiteral("all"), QStringLiteral("web"));
    (void)inventory.addChild(QStringLiteral("all"), QStringLiteral("db"));
    (void)inventory.addChild(QStringLiteral("web"), QStringLiteral("db")); // a nested group

    InventoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 1); // the local machine only
    model.setInventory(&inventory);
    QVERIFY(model.findHost(QStringLiteral("localhost")).isValid());
    const QModelIndex web = model.findGroup(QStringLiteral("web"));
    QVERIFY(web.isValid());
    QVERIFY(model.findHost(QStringLiteral("loner")).isValid());
    QCOMPARE(model.findHost(QStringLiteral("loner")).parent(), QModelIndex());
    const QModelIndex db1 = model.findHost(QStringLiteral("db1"));
    QCOMPARE(db1.siblingAtColumn(InventoryModel::AddressColumn).data().toString(),
             QStringLiteral("pg@db1:2222"));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setHostState(QStringLiteral("db1"), HostState::Unreachable, QStringLiteral("refused"));
    QVERIFY(changed.size() >= 2); // db1 appears under db and under web/db
    QCOMPARE(db1.siblingAtColumn(InventoryModel::StateColumn).data().toString(),
             QStringLiteral("unreachable"));
    QVERIFY(db1.data(Qt::ToolTipRole).toString().contains(QStringLiteral("refused")));
}

void TestUiModels::logModel()
{
    LogModel model(3);
    LogFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 5; ++i) {
        engine::LogRecord record;
        record.level = i % 2 == 0 ? 40 : 20;
        record.message = QStringLiteral("m%1").arg(i);
        model.append(i < 3 ? QStringLiteral("alpha") : QStringLiteral("beta"), record);
    }
    QCOMPARE(model.rowCount(), 3); // capped
    QCOMPARE(model.index(0, LogModel::MessageColumn).data().toString(), QStringLiteral("m2"));
    filter.setMinimumLevel(30);
    QCOMPARE(filter.rowCount(), 2);
    filter.setHost(QStringLiteral("beta"));
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, LogModel::LevelColumn).data().toString(), QStringLiteral("ERROR"));
}

void TestUiModels::historyModel()
{
    HistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    engine::HistoryRun run;
    run.id = 7;
    run.tool = QStringLiteral("Exec");
    run.method = QStringLiteral("run");
    run.hosts = {QStringLiteral("a"), QStringLiteral("b")};
    run.pattern = QStringLiteral("web");
    run.finished = true;
    run.summary = {
        {QStringLiteral("ok"), 1}, {QStringLiteral("failed"), 1}, {QStringLiteral("elapsed"), 0.5}};
    model.setRuns({run});
    QCOMPARE(model.rowOfId(7), 0);
    QCOMPARE(model.index(0, HistoryModel::ToolColumn).data().toString(),
             QStringLiteral("Exec.run"));
    QCOMPARE(model.index(0, HistoryModel::OutcomeColumn).data().toString(),
             QStringLiteral("1 ok, 1 failed in 0.50 s"));
    QVERIFY(model.index(0, HistoryModel::TargetsColumn)
                .data()
                .toString()
                .startsWith(QStringLiteral("web (2 host")));
}

void TestUiModels::exports()
{
    const QList<engine::HostResult> results{
        okResult(QStringLiteral("a,1"), QJsonObject{{QStringLiteral("x"), 1}}),
        failed(QStringLiteral("b"), engine::ErrorKind::Remote, QStringLiteral("said \"no\""))};
    const QJsonObject run{{QStringLiteral("tool"), QStringLiteral("Exec")},
                          {QStringLiteral("method"), QStringLiteral("run")},
                          {QStringLiteral("mode"), QStringLiteral("check")}};
    const QJsonObject doc = QJsonDocument::fromJson(ResultExport::toJson(results, run)).object();
    QCOMPARE(doc.value(QStringLiteral("run")).toObject(), run); // what ran travels with it
    const QJsonArray json = doc.value(QStringLiteral("results")).toArray();
    QCOMPARE(json.size(), 2);
    QCOMPARE(json.at(0).toObject(), results.at(0).toJson()); // the CLI's shape
    QCOMPARE(json.at(1).toObject(), results.at(1).toJson());
    const QString csv = QString::fromUtf8(ResultExport::toCsv(results));
    const QStringList lines = csv.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines.at(1).startsWith(QStringLiteral("\"a,1\",ok,false,0.012,")));
    QVERIFY2(lines.at(2).contains(QStringLiteral("\"said \"\"no\"\"\"")), qPrintable(lines.at(2)));
    // The file a user opens in a spreadsheet, written out by hand (RFC 4180: CRLF, fields with
    // commas, quotes or line breaks quoted, quotes doubled; a leading = + - @ defused with ').
    QList<engine::HostResult> file = results;
    file << failed(QStringLiteral("=2+3"), engine::ErrorKind::Connect,
                   QStringLiteral("line one\nline two"));
    const QByteArray expected =
        "host,status,changed,duration_s,summary,value,error\r\n"
        "\"a,1\",ok,false,0.012,\"{\"\"x\"\":1}\",\"{\"\"x\"\":1}\",\r\n"
        "b,failed,false,0.030,\"remote: said \"\"no\"\"\",,\"said \"\"no\"\"\"\r\n"
        "\"'=2+3\",unreachable,false,0.030,connect: line one line two,,"
        "\"line one\nline two\"\r\n";
    // With run information: `# key: value` lines first, check mode named in the status.
    const QStringList withRun = QString::fromUtf8(ResultExport::toCsv(results, run))
                                    .split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QVERIFY(withRun.contains(QStringLiteral("# tool: Exec")));
    QVERIFY(withRun.contains(QStringLiteral("# mode: check")));
    QTemporaryDir dir;
    QVERIFY(ResultExport::write(file, dir.filePath(QStringLiteral("r.csv"))).ok());
    QFile written(dir.filePath(QStringLiteral("r.csv")));
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), expected);
}

QTEST_MAIN(TestUiModels)
#include "tst_uimodels.moc"
