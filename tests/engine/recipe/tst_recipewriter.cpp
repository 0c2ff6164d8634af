// Recipes written as YAML load back to the same recipe (generated recipes with the scalars YAML
// reads as something else: yes, 010, 1:30, ~, ...), and "save as recipe" from the history: a
// call recorded by the real CLI becomes a recipe that RecipeLoader reads as the same call and
// that `hostdeck-cli run` runs with the same effect; per-host arguments, redacted secrets and
// plans that cannot be saved.
#include "engine/history/RunHistory.h"
#include "engine/recipe/RecipeLoader.h"
#include "engine/recipe/RecipeWriter.h"
#include "tests/support/TestEnv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace hostdeck::engine;

namespace {

/// Strings that YAML 1.1 reads as another type or that need quoting or escaping.
const QStringList kTricky{
    QStringLiteral("yes"),        QStringLiteral("No"),
    QStringLiteral("on"),         QStringLiteral("true"),
    QStringLiteral("~"),          QStringLiteral("null"),
    QStringLiteral("010"),        QStringLiteral("0x1f"),
    QStringLiteral("1_000"),      QStringLiteral("1:30"),
    QStringLiteral("1.5"),        QStringLiteral("1.5e+3"),
    QStringLiteral(".inf"),       QStringLiteral("-"),
    QStringLiteral("#x"),         QStringLiteral("a: b"),
    QStringLiteral("- x"),        QStringLiteral("${x}"),
    QStringLiteral("'q'"),        QStringLiteral("\"dq\""),
    QStringLiteral(" lead"),      QStringLiteral("trail "),
    QStringLiteral("two\nlines"), QStringLiteral("tab\there"),
    QStringLiteral("ünïcødé"),    QStringLiteral(""),
    QStringLiteral("[a]"),        QStringLiteral("{a: 1}"),
    QStringLiteral("@x"),         QStringLiteral("`x"),
    QStringLiteral("%x"),         QStringLiteral("!x"),
    QStringLiteral("&x"),         QStringLiteral("*x"),
    QStringLiteral("|"),          QStringLiteral(">"),
    QStringLiteral("2001-12-14"), QStringLiteral("${steps.a.stdout.strip()} ok"),
    QStringLiteral("\\${not}"),   QStringLiteral("C:\\path"),
    QStringLiteral("a\"b'c")};

class Generator
{
public:
    explicit Generator(quint32 seed) : m_random(seed) {}

    int below(int n) { return int(m_random.bounded(n)); }
    QString text() { return kTricky.at(below(int(kTricky.size()))); }
    QString word()
    {
        static const QString letters = QStringLiteral("abcdefghij_");
        QString out(1, letters.at(below(10)));
        for (int i = below(6); i > 0; --i)
            out += letters.at(below(int(letters.size())));
        return out;
    }
    QJsonValue value(int depth)
    {
        switch (below(depth > 2 ? 4 : 6)) {
        case 0:
            return text();
        case 1:
            return below(2) == 0 ? QJsonValue(below(70000) - 1000)
                                 : QJsonValue(double(below(100000)) / 64.0 + 0.5);
        case 2:
            return QJsonValue(below(2) == 0);
        case 3:
            return below(3) == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(text());
        case 4: {
            QJsonArray list;
            for (int i = below(4); i > 0; --i)
                list.append(value(depth + 1));
            return list;
        }
        default:
            return object(depth + 1);
        }
    }
    QJsonObject object(int depth)
    {
        QJsonObject out;
        for (int i = below(4); i > 0; --i)
            out.insert(below(4) == 0 ? text() : word(), value(depth));
        return out;
    }
    RecipeStep step()
    {
        static const QStringList calls{
            QStringLiteral("Exec.run"), QStringLiteral("FileSystem.write"),
            QStringLiteral("User.present"), QStringLiteral("My_tool.do_it")};
        RecipeStep s;
        const QStringList call = calls.at(below(int(calls.size()))).split(QLatin1Char('.'));
        s.tool = call.at(0);
        s.method = call.at(1);
        s.args = object(0);
        if (below(2) == 0)
            s.name = text().trimmed().isEmpty() ? word() : text();
        if (below(3) == 0)
            s.when = QStringLiteral("steps.%1.changed").arg(word());
        if (below(3) == 0)
            s.registerAs = word();
        s.retries = below(3);
        s.delay = std::chrono::milliseconds(below(3) * 500 + 250 * below(2));
        s.timeout = std::chrono::milliseconds(below(2) * 1000 * below(90));
        s.ignoreErrors = below(2) == 0;
        if (below(2) == 0)
            s.become = below(2) == 0;
        if (below(2) == 0)
            s.checkMode = below(2) == 0;
        return s;
    }
    Recipe recipe()
    {
        Recipe r;
        if (below(2) == 0)
            r.name = text();
        if (below(2) == 0)
            r.description = text();
        if (below(2) == 0)
            r.hosts = below(2) == 0 ? QStringLiteral("web:&prod") : text();
        if (below(3) == 0)
            r.serial = {QStringLiteral("1"), QStringLiteral("50%")};
        if (below(3) == 0)
            r.maxFailPercentage = below(101);
        r.vars = object(0);
        for (int i = below(5) + 1; i > 0; --i)
            r.steps << step();
        if (below(2) == 0)
            r.returns = value(0);
        return r;
    }

private:
    QRandomGenerator m_random;
};

QString describe(const RecipeStep& s)
{
    return QStringLiteral("%1.%2 %3 name=%4 when=%5 register=%6 retries=%7 delay=%8 timeout=%9 "
                          "ignore=%10 become=%11 check=%12")
        .arg(s.tool, s.method,
             QString::fromUtf8(QJsonDocument(s.args).toJson(QJsonDocument::Compact)), s.name,
             s.when, s.registerAs)
        .arg(s.retries)
        .arg(s.delay.count())
        .arg(s.timeout.count())
        .arg(s.ignoreErrors)
        .arg(s.become ? int(*s.become) : -1)
        .arg(s.checkMode ? int(*s.checkMode) : -1);
}

QString cli()
{
    return hostdeck::test::builtProgram(QStringLiteral("app/hostdeck-cli"));
}

} // namespace

class TestRecipeWriter : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    /// Runs the CLI; its standard output, or a failure with its error output.
    QByteArray runCli(const QStringList& args, int* exitCode = nullptr)
    {
        QProcess process;
        process.start(cli(), args);
        if (!process.waitForFinished(120000)) {
            process.kill();
            process.waitForFinished();
        }
        if (exitCode)
            *exitCode = process.exitCode();
        else if (process.exitCode() != 0)
            qWarning("hostdeck-cli %s: %s", qPrintable(args.join(QLatin1Char(' '))),
                     process.readAllStandardError().constData());
        return process.readAllStandardOutput();
    }

    QString write(const QString& name, const QByteArray& text)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        file.open(QIODevice::WriteOnly | QIODevice::Truncate);
        file.write(text);
        return path;
    }

private slots:
    void generatedRecipesLoadBack()
    {
        // 300 generated recipes: each written recipe loads to the same recipe.
        const quint32 seed = 20261203;
        Generator generate(seed);
        for (int i = 0; i < 300; ++i) {
            const Recipe original = generate.recipe();
            const QByteArray yaml = RecipeWriter::toYaml(original);
            const Result<Recipe> loaded =
                RecipeLoader::parse(yaml, m_dir.filePath(QStringLiteral("gen.yml")));
            QVERIFY2(loaded, qPrintable(QStringLiteral("recipe %1 (seed %2): %3\n%4")
                                            .arg(i)
                                            .arg(seed)
                                            .arg(loaded ? QString() : loaded.error().message,
                                                 QString::fromUtf8(yaml))));
            const auto context = [&] {
                return qPrintable(
                    QStringLiteral("recipe %1:\n%2").arg(i).arg(QString::fromUtf8(yaml)));
            };
            QVERIFY2(loaded->name == original.name, context());
            QVERIFY2(loaded->description == original.description, context());
            QVERIFY2(loaded->hosts == original.hosts, context());
            QVERIFY2(loaded->serial == original.serial, context());
            QVERIFY2(loaded->maxFailPercentage == original.maxFailPercentage, context());
            QVERIFY2(loaded->vars == original.vars, context());
            QVERIFY2(loaded->returns == original.returns, context());
            QCOMPARE(loaded->steps.size(), original.steps.size());
            for (qsizetype s = 0; s < original.steps.size(); ++s) {
                QCOMPARE(describe(loaded->steps.at(s)), describe(original.steps.at(s)));
                QCOMPARE(loaded->steps.at(s).where.line > 0, true);
            }
        }
    }

    void historyCallSavedAsRecipeRunsTheSameCall()
    {
        const QString history = m_dir.filePath(QStringLiteral("history.sqlite"));
        const QString target = m_dir.filePath(QStringLiteral("motd"));
        const QString content = QStringLiteral("yes\n010: from history\n");
        const QString argPath = QStringLiteral("path=%1").arg(
            QString::fromUtf8(QJsonDocument(QJsonArray{target}).toJson(QJsonDocument::Compact))
                .mid(1)
                .chopped(1));
        const QString argContent =
            QStringLiteral("content=%1")
                .arg(QString::fromUtf8(
                         QJsonDocument(QJsonArray{content}).toJson(QJsonDocument::Compact))
                         .mid(1)
                         .chopped(1));
        int code = -1;
        runCli({QStringLiteral("call"), QStringLiteral("--local"), QStringLiteral("--history"),
                history, QStringLiteral("FileSystem.write"), QStringLiteral("--arg"), argPath,
                QStringLiteral("--arg"), argContent, QStringLiteral("--arg"),
                QStringLiteral("mode=\"0640\"")},
               &code);
        QCOMPARE(code, 0);
        QFile written(target);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(written.readAll()), content);
        written.close();

        auto db = RunHistory::open(history);
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        const Result<QList<HistoryRun>> runs = (*db)->runs();
        QVERIFY(runs && runs->size() == 1);
        const HistoryRun recorded = runs->first();
        QCOMPARE(recorded.toolMethod(), QStringLiteral("FileSystem.write"));

        const Result<Recipe> saved = RecipeWriter::fromHistory(recorded);
        QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().message));
        const QString path =
            write(QStringLiteral("from-history.yml"), RecipeWriter::toYaml(*saved));
        const Result<Recipe> loaded = RecipeLoader::load(path);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
        QCOMPARE(loaded->steps.size(), 1);
        const RecipeStep& step = loaded->steps.first();
        QCOMPARE(step.tool, recorded.tool);
        QCOMPARE(step.method, recorded.method);
        QCOMPARE(step.args, recorded.args);
        QCOMPARE(step.args.value(QStringLiteral("content")).toString(), content);
        QCOMPARE(loaded->hosts, QStringLiteral("localhost"));

        // Run the saved recipe: the same call has the same effect (the file is written again).
        QVERIFY(QFile::remove(target));
        const QByteArray out =
            runCli({QStringLiteral("run"), QStringLiteral("--local"),
                    QStringLiteral("--no-history"), QStringLiteral("--json"), path},
                   &code);
        QCOMPARE(code, 0);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(written.readAll()), content);
        QCOMPARE(QFileInfo(target).permissions() & QFileDevice::ReadGroup, QFileDevice::ReadGroup);
        QVERIFY2(out.contains("\"changed\""), out.constData());
    }

    void severalHistoryRunsSavedOldestFirst()
    {
        // Three calls recorded by the real CLI; the first and the last write the same file, so
        // only the calls in their order leave what they left.
        const QString history = m_dir.filePath(QStringLiteral("several.sqlite"));
        const QString first = m_dir.filePath(QStringLiteral("several-a"));
        const QString second = m_dir.filePath(QStringLiteral("several-b"));
        const QList<QPair<QString, QString>> calls{{first, QStringLiteral("one: yes\n")},
                                                   {second, QStringLiteral("two\n")},
                                                   {first, QStringLiteral("three ~\n")}};
        const auto jsonText = [](const QString& text) {
            return QString::fromUtf8(QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact))
                .mid(1)
                .chopped(1);
        };
        for (const auto& [path, content] : calls) {
            int code = -1;
            runCli({QStringLiteral("call"), QStringLiteral("--local"), QStringLiteral("--history"),
                    history, QStringLiteral("FileSystem.write"), QStringLiteral("--arg"),
                    QStringLiteral("path=") + jsonText(path), QStringLiteral("--arg"),
                    QStringLiteral("content=") + jsonText(content)},
                   &code);
            QCOMPARE(code, 0);
        }
        auto db = RunHistory::open(history);
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        const Result<QList<HistoryRun>> runs = (*db)->runs();
        QVERIFY(runs);
        QCOMPARE(runs->size(), 3);
        // Given newest first (as the history lists them) and shuffled: saved oldest first.
        const QList<HistoryRun> newestFirst = *runs;
        const QList<HistoryRun> shuffled{runs->at(1), runs->at(2), runs->at(0)};
        for (const QList<HistoryRun>& given : {newestFirst, shuffled}) {
            const Result<Recipe> saved = RecipeWriter::fromHistory(given);
            QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().message));
            const QString path = write(QStringLiteral("several.yml"), RecipeWriter::toYaml(*saved));
            const Result<Recipe> loaded = RecipeLoader::load(path);
            QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
            QCOMPARE(loaded->steps.size(), 3);
            for (int i = 0; i < 3; ++i) {
                const RecipeStep& step = loaded->steps.at(i);
                QCOMPARE(step.tool + QLatin1Char('.') + step.method,
                         QStringLiteral("FileSystem.write"));
                QCOMPARE(step.args.value(QStringLiteral("path")).toString(), calls.at(i).first);
                QCOMPARE(step.args.value(QStringLiteral("content")).toString(), calls.at(i).second);
                QVERIFY2(step.when.isEmpty(), qPrintable(step.when)); // all on the same host
            }
            QCOMPARE(loaded->hosts, QStringLiteral("localhost"));
            for (const HistoryRun& run : *runs)
                QVERIFY(loaded->description.contains(QString::number(run.id)));
        }

        // The saved recipe, run: the same calls in the same order have the same effect.
        QVERIFY(QFile::remove(first));
        QVERIFY(QFile::remove(second));
        int code = -1;
        runCli({QStringLiteral("run"), QStringLiteral("--local"), QStringLiteral("--no-history"),
                m_dir.filePath(QStringLiteral("several.yml"))},
               &code);
        QCOMPARE(code, 0);
        QFile a(first);
        QVERIFY(a.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(a.readAll()), calls.at(2).second);
        QFile b(second);
        QVERIFY(b.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(b.readAll()), calls.at(1).second);
    }

    void severalRunsOnOtherHostsKeepTheirHosts()
    {
        // Runs on different hosts, one of them a recipe run: the union is targeted, each run's
        // steps are limited to its hosts; a variable given two values is refused.
        const QDateTime start =
            QDateTime::fromString(QStringLiteral("2026-01-02T10:00:00"), Qt::ISODate);
        HistoryRun call;
        call.id = 21;
        call.startedAt = start.addSecs(60);
        call.tool = QStringLiteral("Exec");
        call.method = QStringLiteral("run");
        call.hosts = {QStringLiteral("web1")};
        call.plan = QJsonObject{
            {QStringLiteral("kind"), QStringLiteral("call")},
            {QStringLiteral("tool"), call.tool},
            {QStringLiteral("method"), call.method},
            {QStringLiteral("args"),
             QJsonObject{{QStringLiteral("command"), QJsonArray{QStringLiteral("true")}}}}};
        HistoryRun recipeRun;
        recipeRun.id = 30; // a higher id, but it started earlier
        recipeRun.startedAt = start;
        recipeRun.hosts = {QStringLiteral("web1"), QStringLiteral("db1")};
        recipeRun.plan = QJsonObject{
            {QStringLiteral("kind"), QStringLiteral("recipe")},
            {QStringLiteral("name"), QStringLiteral("base")},
            {QStringLiteral("vars"), QJsonObject{{QStringLiteral("user"), QStringLiteral("ann")}}},
            {QStringLiteral("steps"),
             QJsonArray{
                 QJsonObject{{QStringLiteral("call"), QStringLiteral("User.present")},
                             {QStringLiteral("name"), QStringLiteral("the user")},
                             {QStringLiteral("args"),
                              QJsonObject{{QStringLiteral("name"), QStringLiteral("${user}")}}}},
                 QJsonObject{
                     {QStringLiteral("call"), QStringLiteral("FileSystem.read")},
                     {QStringLiteral("args"),
                      QJsonObject{{QStringLiteral("path"), QStringLiteral("/etc/hostname")}}}}}}};
        const Result<Recipe> saved = RecipeWriter::fromHistory(QList<HistoryRun>{call, recipeRun});
        QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().message));
        const Result<Recipe> loaded = RecipeLoader::parse(
            RecipeWriter::toYaml(*saved), m_dir.filePath(QStringLiteral("hosts.yml")));
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
        QCOMPARE(loaded->hosts, QStringLiteral("web1,db1"));
        QCOMPARE(loaded->vars.value(QStringLiteral("user")).toString(), QStringLiteral("ann"));
        QStringList order;
        for (const RecipeStep& step : loaded->steps)
            order << step.tool + QLatin1Char('.') + step.method;
        QCOMPARE(order,
                 (QStringList{QStringLiteral("User.present"), QStringLiteral("FileSystem.read"),
                              QStringLiteral("Exec.run")}));
        QCOMPARE(loaded->steps.at(0).name, QStringLiteral("the user"));
        QVERIFY(loaded->steps.at(0).when.isEmpty());
        QCOMPARE(loaded->steps.at(2).when, QStringLiteral("inventory_hostname in ['web1']"));
        QCOMPARE(loaded->steps.at(2).args, call.plan.value(QStringLiteral("args")).toObject());

        HistoryRun other = recipeRun;
        other.id = 31;
        other.plan.insert(QStringLiteral("vars"),
                          QJsonObject{{QStringLiteral("user"), QStringLiteral("bob")}});
        const Result<Recipe> clash = RecipeWriter::fromHistory(QList<HistoryRun>{recipeRun, other});
        QVERIFY(!clash);
        QVERIFY2(clash.error().message.contains(QStringLiteral("'user'")),
                 qPrintable(clash.error().message));
        QVERIFY(!RecipeWriter::fromHistory(QList<HistoryRun>{}));
    }

    void perHostArgumentsBecomeConditions()
    {
        HistoryRun run;
        run.id = 7;
        run.hosts = {QStringLiteral("localhost"), QStringLiteral("db'1"), QStringLiteral("web")};
        const QString mine = m_dir.filePath(QStringLiteral("mine"));
        run.plan = QJsonObject{
            {QStringLiteral("kind"), QStringLiteral("call")},
            {QStringLiteral("tool"), QStringLiteral("FileSystem")},
            {QStringLiteral("method"), QStringLiteral("write")},
            {QStringLiteral("args"), QJsonObject{}},
            {QStringLiteral("host_args"),
             QJsonObject{
                 {QStringLiteral("localhost"),
                  QJsonObject{{QStringLiteral("path"), mine},
                              {QStringLiteral("content"), QStringLiteral("local")}}},
                 {QStringLiteral("db'1"),
                  QJsonObject{{QStringLiteral("path"), m_dir.filePath(QStringLiteral("other"))},
                              {QStringLiteral("content"), QStringLiteral("db")}}},
                 {QStringLiteral("web"),
                  QJsonObject{{QStringLiteral("path"), m_dir.filePath(QStringLiteral("other"))},
                              {QStringLiteral("content"), QStringLiteral("db")}}}}}};
        const Result<Recipe> saved = RecipeWriter::fromHistory(run);
        QVERIFY(saved);
        QCOMPARE(saved->steps.size(), 2); // db'1 and web share their arguments
        QCOMPARE(saved->hosts, QStringLiteral("localhost,db'1,web"));
        const QString path = write(QStringLiteral("per-host.yml"), RecipeWriter::toYaml(*saved));
        QVERIFY(RecipeLoader::load(path));
        // On this machine (localhost) only the first step runs: its own arguments.
        int code = -1;
        runCli({QStringLiteral("run"), QStringLiteral("--local"), QStringLiteral("--no-history"),
                path},
               &code);
        QCOMPARE(code, 0);
        QFile file(mine);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("local"));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("other"))));
    }

    void secretsAreReferencesAndOtherPlansRefused()
    {
        HistoryRun run;
        run.id = 9;
        run.tool = QStringLiteral("User");
        run.method = QStringLiteral("password");
        run.hosts = {QStringLiteral("web")};
        run.plan =
            QJsonObject{{QStringLiteral("kind"), QStringLiteral("call")},
                        {QStringLiteral("tool"), run.tool},
                        {QStringLiteral("method"), run.method},
                        {QStringLiteral("args"),
                         QJsonObject{{QStringLiteral("name"), QStringLiteral("ann")},
                                     {QStringLiteral("password"), RunHistory::redactedMarker()}}}};
        const Result<Recipe> saved = RecipeWriter::fromHistory(run);
        QVERIFY(saved);
        const QByteArray yaml = RecipeWriter::toYaml(*saved);
        QVERIFY2(!yaml.contains(RunHistory::redactedMarker().toUtf8()), yaml.constData());
        const Result<Recipe> loaded =
            RecipeLoader::parse(yaml, m_dir.filePath(QStringLiteral("s.yml")));
        QVERIFY(loaded);
        QCOMPARE(loaded->steps.first().args.value(QStringLiteral("password")).toString(),
                 QStringLiteral("${password}"));
        QVERIFY(loaded->description.contains(QStringLiteral("password")));

        HistoryRun deploy = run;
        deploy.plan = QJsonObject{{QStringLiteral("kind"), QStringLiteral("template")}};
        const Result<Recipe> refused = RecipeWriter::fromHistory(deploy);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.contains(QStringLiteral("template")));
        QCOMPARE(refused.error().kind, ErrorKind::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestRecipeWriter)
#include "tst_recipewriter.moc"
