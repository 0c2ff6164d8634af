// Recipes run by the run service on real sshd hosts: data flow between steps through registered
// results, conditions, retries, ignore_errors, includes with parameters, facts, the return value;
// check mode changing nothing on disk while showing the diffs; a host failing mid-recipe while
// the others finish; serial batches with max_fail_percentage stopping a rollout; a step running
// as another user (become) and a read-only step running for real during a dry run.
#include "tests/engine/runner/RunnerTestUtil.h"

#include "engine/recipe/RecipeLoader.h"
#include "engine/recipe/RecipePlan.h"
#include "engine/runner/EngineClient.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace hostdeck::engine;
using namespace hostdeck::test;
using namespace std::chrono_literals;

namespace {

/// What a run produced, collected from its events.
struct Outcome
{
    QHash<QString, HostResult> hosts;
    QList<RunEvent> events;
    RunSummary summary;
    bool finished = false;
};

QByteArray treeHash(const QString& root)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QStringList files;
    QDirIterator it(root, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    for (const QString& path : std::as_const(files)) {
        QFileInfo info(path);
        hash.addData(path.toUtf8());
        hash.addData(QByteArray::number(int(info.permissions())));
        if (info.isFile()) {
            QFile file(path);
            file.open(QIODevice::ReadOnly);
            hash.addData(file.readAll());
        }
    }
    return hash.result().toHex();
}

} // namespace

class TestRecipes : public QObject
{
    Q_OBJECT

    static constexpr int kHosts = 4;
    SshdFixture m_sshd;
    QString m_knownHosts;
    QTemporaryDir m_dir;
    std::unique_ptr<EngineClient> m_engine;

    QList<HostTarget> hosts(int count = kHosts) const
    {
        QList<HostTarget> list;
        for (int i = 0; i < count; ++i) {
            HostTarget target = sshTarget(m_sshd, i, m_knownHosts);
            target.vars.insert(QStringLiteral("workdir"), m_dir.filePath(target.name));
            target.vars.insert(QStringLiteral("index"), i);
            list << target;
        }
        return list;
    }

    QString recipeFile(const QString& name, const QByteArray& text) const
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        file.open(QIODevice::WriteOnly | QIODevice::Truncate);
        file.write(text);
        return path;
    }

    Outcome run(const QString& path, const QList<HostTarget>& targets, RunOptions options = {})
    {
        Outcome outcome;
        Result<Recipe> recipe = RecipeLoader::load(path);
        if (!recipe) {
            qWarning("%s", qPrintable(recipe.error().message));
            return outcome;
        }
        RunRequest request;
        request.targets = targets;
        request.plan = std::make_shared<RecipePlan>(std::move(*recipe));
        request.options = options;
        RunHandle* handle = m_engine->startRun(request);
        connect(handle, &RunHandle::events, this, [&outcome](const QList<RunEvent>& events) {
            for (const RunEvent& event : events) {
                outcome.events << event;
                if (event.type == RunEvent::Type::HostResult)
                    outcome.hosts.insert(event.host, event.record);
                if (event.type == RunEvent::Type::RunFinished) {
                    outcome.summary = event.summary;
                    outcome.finished = true;
                }
            }
        });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(outcome.finished, 120000); }();
        return outcome;
    }

    static HostResult stepOf(const HostResult& host, const QString& name)
    {
        for (const HostResult& step : host.steps) {
            if (step.step == name)
                return step;
        }
        return {};
    }

    static QString readFile(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll())
                                              : QStringLiteral("<missing>");
    }

private slots:
    void initTestCase()
    {
        const QString error = m_sshd.setUp();
        if (!error.isEmpty())
            QFAIL(qPrintable(error));
        QStringList lines;
        for (int i = 0; i < kHosts; ++i) {
            QVERIFY2(m_sshd.startServer() == i, qPrintable(m_sshd.lastError()));
            lines << m_sshd.knownHostsLine(i);
        }
        m_knownHosts = m_sshd.writeFile(QStringLiteral("known_hosts"), lines);
        QVERIFY(::chmod(QFile::encodeName(m_dir.path()).constData(), 0777) == 0);
        for (int i = 0; i < kHosts; ++i) {
            const QString work = m_dir.filePath(QStringLiteral("h%1").arg(i));
            QDir().mkpath(work);
            QVERIFY(::chmod(QFile::encodeName(work).constData(), 0777) == 0);
        }
        EngineConfig config;
        config.userToolDirs = {testToolsDir()};
        config.descriptionCache = QStringLiteral("-");
        m_engine = std::make_unique<EngineClient>(config);
    }

    void cleanupTestCase()
    {
        m_engine.reset();
        m_sshd.stopAll();
    }

    void dataFlowConditionsIncludesAndReturn()
    {
        recipeFile(QStringLiteral("greet.yml"),
                   "vars: {who: nobody}\n"
                   "steps:\n"
                   "  - name: greet\n"
                   "    Exec.run: {argv: [echo, 'hello ${who} from ${inventory_hostname}']}\n"
                   "    register: greeted\n");
        const QString path = recipeFile(
            QStringLiteral("flow.yml"),
            "vars: {motd: 'built by hostdeck'}\n"
            "steps:\n"
            "  - name: kernel\n"
            "    Exec.run: {argv: [uname, -s]}\n"
            "    register: uname\n"
            "  - name: write\n"
            "    FileSystem.write:\n"
            "      path: '${workdir}/motd'\n"
            "      content: '${motd} on ${steps.uname.stdout.strip()} (${facts.hostname})'\n"
            "    register: written\n"
            "  - name: only when written\n"
            "    Exec.run: {argv: [echo, 'changed=${steps.written.changed}']}\n"
            "    when: steps.written.changed\n"
            "    register: noted\n"
            "  - name: never\n"
            "    Exec.run: {argv: ['false']}\n"
            "    when: '${index > 100}'\n"
            "  - include: greet.yml\n"
            "    vars: {who: '${motd.split()[0]}'}\n"
            "return:\n"
            "  file: '${workdir}/motd'\n"
            "  wrote: '${steps.written.changed}'\n"
            "  greeting: '${steps.greeted.stdout.strip()}'\n");
        const Outcome first = run(path, hosts());
        QCOMPARE(first.summary.total, kHosts);
        QCOMPARE(first.summary.changed, kHosts);
        for (int i = 0; i < kHosts; ++i) {
            const QString name = QStringLiteral("h%1").arg(i);
            const HostResult host = first.hosts.value(name);
            QVERIFY2(host.ok, qPrintable(host.error.message));
            QCOMPARE(
                readFile(m_dir.filePath(name + QStringLiteral("/motd"))),
                QStringLiteral("built by hostdeck on Linux (%1)").arg(QSysInfo::machineHostName()));
            QCOMPARE(stepOf(host, QStringLiteral("only when written")).status, HostStatus::Changed);
            QCOMPARE(stepOf(host, QStringLiteral("never")).status, HostStatus::Skipped);
            const QJsonObject value = host.value.toObject();
            QCOMPARE(value.value(QStringLiteral("wrote")), QJsonValue(true));
            QCOMPARE(value.value(QStringLiteral("greeting")).toString(),
                     QStringLiteral("hello built from %1").arg(name));
            // facts were gathered once, as the first step
            QCOMPARE(host.steps.first().step, QStringLiteral("facts"));
        }
        // Again: nothing to write, so the conditional step is skipped.
        const Outcome second = run(path, hosts(1));
        const HostResult again = second.hosts.value(QStringLiteral("h0"));
        QCOMPARE(stepOf(again, QStringLiteral("write")).status, HostStatus::Ok);
        QCOMPARE(stepOf(again, QStringLiteral("only when written")).status, HostStatus::Skipped);
        QCOMPARE(again.value.toObject().value(QStringLiteral("wrote")), QJsonValue(false));
    }

    void retriesAndIgnoredErrors()
    {
        const QString path = recipeFile(
            QStringLiteral("retry.yml"),
            "steps:\n"
            "  - name: flaky\n"
            "    Exec.run:\n"
            "      argv: [sh, -c, 'n=$(cat ${workdir}/count 2>/dev/null || echo 0); "
            "echo $((n+1)) > ${workdir}/count; test $n -ge 2']\n"
            "    retries: 3\n"
            "    delay: 0.1\n"
            "  - name: broken but ignored\n"
            "    Exec.run: {argv: ['false']}\n"
            "    ignore_errors: true\n"
            "    register: broken\n"
            "  - name: after\n"
            "    Exec.run: {argv: [echo, 'rc was ${steps.broken.error.message != \"\"}']}\n");
        const Outcome outcome = run(path, hosts(1));
        const HostResult host = outcome.hosts.value(QStringLiteral("h0"));
        QVERIFY2(host.ok, qPrintable(host.error.message));
        QCOMPARE(stepOf(host, QStringLiteral("flaky")).attempts, 3);
        QCOMPARE(readFile(m_dir.filePath(QStringLiteral("h0/count"))).trimmed(),
                 QStringLiteral("3"));
        const HostResult broken = stepOf(host, QStringLiteral("broken but ignored"));
        QCOMPARE(broken.status, HostStatus::Failed);
        QVERIFY(broken.ignored);
        QCOMPARE(
            stepOf(host, QStringLiteral("after")).value.toObject().value(QStringLiteral("stdout")),
            QStringLiteral("rc was True\n"));
    }

    void checkModeChangesNothingAndShowsDiffs()
    {
        const QString work = m_dir.filePath(QStringLiteral("h1"));
        {
            QFile config(work + QStringLiteral("/app.conf"));
            config.open(QIODevice::WriteOnly | QIODevice::Truncate);
            config.write("listen 80\nuser www\n");
        }
        // The login user's own file: a write keeps the owner of the file it replaces.
        const passwd* user = ::getpwnam(m_sshd.user().toLocal8Bit().constData());
        QVERIFY(user);
        QVERIFY(::chown(QFile::encodeName(work + QStringLiteral("/app.conf")).constData(),
                        user->pw_uid, user->pw_gid) == 0);
        const QString path = recipeFile(QStringLiteral("check.yml"),
                                        "steps:\n"
                                        "  - name: read it\n"
                                        "    FileSystem.read_text: {path: '${workdir}/app.conf'}\n"
                                        "    check_mode: false\n"
                                        "    register: before\n"
                                        "  - name: port\n"
                                        "    FileSystem.line_in_file:\n"
                                        "      path: '${workdir}/app.conf'\n"
                                        "      line: listen 8080\n"
                                        "      regexp: '^listen '\n"
                                        "  - name: new file\n"
                                        "    FileSystem.write: {path: '${workdir}/new.conf', "
                                        "content: '${steps.before.value}'}\n");
        const QByteArray before = treeHash(work);
        RunOptions options;
        options.check = true;
        const Outcome outcome = run(path, {hosts(2).at(1)}, options);
        QCOMPARE(treeHash(work), before); // nothing changed on disk
        const HostResult host = outcome.hosts.value(QStringLiteral("h1"));
        QVERIFY2(host.ok, qPrintable(host.error.message));
        QVERIFY(host.check);
        QCOMPARE(host.status, HostStatus::Changed); // would change
        const HostResult port = stepOf(host, QStringLiteral("port"));
        QVERIFY(port.check);
        QVERIFY2(port.value.toObject()
                     .value(QStringLiteral("diff"))
                     .toString()
                     .contains(QStringLiteral("+listen 8080")),
                 QJsonDocument(port.value.toObject()).toJson().constData());
        QVERIFY(!stepOf(host, QStringLiteral("read it")).check); // ran for real
        QVERIFY(outcome.summary.check);
        // For real: the same changes happen.
        const Outcome real = run(path, {hosts(2).at(1)});
        QVERIFY2(real.hosts.value(QStringLiteral("h1")).ok,
                 qPrintable(real.hosts.value(QStringLiteral("h1")).error.message));
        QCOMPARE(readFile(work + QStringLiteral("/app.conf")),
                 QStringLiteral("listen 8080\nuser www\n"));
        QCOMPARE(readFile(work + QStringLiteral("/new.conf")),
                 QStringLiteral("listen 80\nuser www\n"));
    }

    void aFailingHostStopsOnlyItself()
    {
        const QString path =
            recipeFile(QStringLiteral("fail.yml"),
                       "steps:\n"
                       "  - name: one\n"
                       "    Exec.run: {argv: [touch, '${workdir}/one']}\n"
                       "  - name: two\n"
                       "    Exec.run: {argv: ['${\"false\" if index == 2 else \"true\"}']}\n"
                       "  - name: three\n"
                       "    Exec.run: {argv: [touch, '${workdir}/three']}\n");
        for (int i = 0; i < kHosts; ++i)
            QFile::remove(m_dir.filePath(QStringLiteral("h%1/three").arg(i)));
        const Outcome outcome = run(path, hosts());
        QCOMPARE(outcome.summary.failed, 1);
        QCOMPARE(outcome.summary.changed, kHosts - 1);
        const HostResult failed = outcome.hosts.value(QStringLiteral("h2"));
        QCOMPARE(failed.status, HostStatus::Failed);
        QVERIFY2(failed.error.message.contains(QStringLiteral("step 'two' (")) &&
                     failed.error.message.contains(QStringLiteral("fail.yml:4")),
                 qPrintable(failed.error.message));
        QCOMPARE(failed.steps.size(), 2); // three never ran there
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("h2/three"))));
        for (int i : {0, 1, 3})
            QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("h%1/three").arg(i))));
    }

    void serialAndMaxFailStopTheRollout()
    {
        const QString path =
            recipeFile(QStringLiteral("rollout.yml"),
                       "serial: [1, 2]\n"
                       "max_fail_percentage: 40\n"
                       "steps:\n"
                       "  - Exec.run: {argv: ['${\"false\" if index in (1, 2) else \"true\"}']}\n");
        Result<Recipe> recipe = RecipeLoader::load(path);
        QVERIFY(recipe);
        RunOptions options;
        options.serial = recipe->serial;
        options.maxFailPercentage = recipe->maxFailPercentage;
        const Outcome outcome = run(path, hosts(), options);
        // Batch 1 = h0 (ok); batch 2 = h1, h2 (both fail: 100% > 40%): h3 is never started.
        QCOMPARE(outcome.hosts.value(QStringLiteral("h0")).status, HostStatus::Changed);
        QCOMPARE(outcome.hosts.value(QStringLiteral("h1")).status, HostStatus::Failed);
        QCOMPARE(outcome.hosts.value(QStringLiteral("h2")).status, HostStatus::Failed);
        const HostResult stopped = outcome.hosts.value(QStringLiteral("h3"));
        QCOMPARE(stopped.status, HostStatus::Skipped);
        QVERIFY2(stopped.error.message.contains(QStringLiteral("rollout stopped")),
                 qPrintable(stopped.error.message));
        QCOMPARE(outcome.summary.skipped, 1);
        // Batches in order: h1 and h2 started only after h0 was done.
        qint64 h0Done = -1;
        qint64 h1Start = -1;
        for (const RunEvent& event : outcome.events) {
            if (event.type != RunEvent::Type::HostState)
                continue;
            if (event.host == QStringLiteral("h0") && event.phase == HostPhase::Done)
                h0Done = event.timeMs;
            if (event.host == QStringLiteral("h1") && event.phase != HostPhase::Pending &&
                h1Start < 0)
                h1Start = event.timeMs;
        }
        QVERIFY(h0Done >= 0 && h1Start >= h0Done);
    }

    void stepAsAnotherUser()
    {
        // The login user's agent runs the step; `become: false` on a becoming host keeps it so.
        const QString path =
            recipeFile(QStringLiteral("who.yml"), "steps:\n"
                                                  "  - name: as login user\n"
                                                  "    Exec.run: {argv: [id, -un]}\n"
                                                  "    become: false\n");
        QList<HostTarget> targets = hosts(1);
        targets[0].become = true; // would need sudo; the step says otherwise
        const Outcome outcome = run(path, targets);
        const HostResult host = outcome.hosts.value(QStringLiteral("h0"));
        QVERIFY2(host.ok, qPrintable(host.error.message));
        QCOMPARE(stepOf(host, QStringLiteral("as login user"))
                     .value.toObject()
                     .value(QStringLiteral("stdout"))
                     .toString()
                     .trimmed(),
                 m_sshd.user());
    }

    void badExpressionNamesIt()
    {
        const QString path = recipeFile(QStringLiteral("expr.yml"),
                                        "steps:\n"
                                        "  - name: typo\n"
                                        "    Exec.run: {argv: [echo, '${steps.nope.value}']}\n");
        const Outcome outcome = run(path, hosts(1));
        const HostResult host = outcome.hosts.value(QStringLiteral("h0"));
        QCOMPARE(host.status, HostStatus::Failed);
        QVERIFY2(host.error.message.contains(QStringLiteral("steps.nope.value")) &&
                     host.error.message.contains(QStringLiteral("expr.yml:2")),
                 qPrintable(host.error.message));
    }
};

QTEST_GUILESS_MAIN(TestRecipes)
#include "tst_recipes.moc"
