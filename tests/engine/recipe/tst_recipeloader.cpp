// Recipe files: the model read from YAML (steps, options, includes flattened with their
// variables) and every kind of mistake reported with the file and line, before anything runs;
// the tools' parameters checked against real tool descriptions.
#include "engine/agent/ToolCatalog.h"
#include "engine/recipe/RecipeLoader.h"
#include "engine/recipe/RecipePlan.h"
#include "tests/support/TestEnv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace hostdeck::engine;

class TestRecipeLoader : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    ToolCatalog m_catalog;

    QString write(const QString& name, const QByteArray& text)
    {
        const QString path = m_dir.filePath(name);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        file.open(QIODevice::WriteOnly | QIODevice::Truncate);
        file.write(text);
        return path;
    }

private slots:
    void initTestCase()
    {
        // The real descriptions of the built-in tools, from the CLI.
        QProcess cli;
        cli.start(hostdeck::test::builtProgram(QStringLiteral("app/hostdeck-cli")),
                  {QStringLiteral("tools"), QStringLiteral("--all")});
        QVERIFY(cli.waitForFinished(60000));
        m_catalog =
            ToolCatalog::fromJson(QJsonDocument::fromJson(cli.readAllStandardOutput()).array());
        QVERIFY(m_catalog.method(QStringLiteral("Exec"), QStringLiteral("run")));
    }

    void readsStepsOptionsAndIncludes()
    {
        write(QStringLiteral("lib/user.yml"),
              "vars: {shell: /bin/sh, who: nobody}\n"
              "steps:\n"
              "  - name: add ${who}\n"
              "    User.present: {name: '${who}', shell: '${shell}'}\n"
              "    register: added\n");
        const QString top = write(QStringLiteral("site.yml"), "name: site\n"
                                                              "hosts: web\n"
                                                              "serial: [1, '50%']\n"
                                                              "max_fail_percentage: 25\n"
                                                              "vars: {port: 22}\n"
                                                              "steps:\n"
                                                              "  - Exec.run: {argv: [uptime]}\n"
                                                              "    retries: 3\n"
                                                              "    delay: 0.5\n"
                                                              "    timeout: 20\n"
                                                              "    ignore_errors: yes\n"
                                                              "    become: false\n"
                                                              "    check_mode: false\n"
                                                              "  - include: lib/user.yml\n"
                                                              "    vars: {who: alice}\n"
                                                              "    when: port == 22\n"
                                                              "return: ${steps.added.changed}\n");
        const Result<Recipe> recipe = RecipeLoader::load(top);
        QVERIFY2(recipe, qPrintable(recipe ? QString() : recipe.error().message));
        QCOMPARE(recipe->name, QStringLiteral("site"));
        QCOMPARE(recipe->hosts, QStringLiteral("web"));
        QCOMPARE(recipe->serial, (QStringList{QStringLiteral("1"), QStringLiteral("50%")}));
        QCOMPARE(*recipe->maxFailPercentage, 25.0);
        QCOMPARE(recipe->steps.size(), 2);
        const RecipeStep& first = recipe->steps.at(0);
        QCOMPARE(first.tool + u'.' + first.method, QStringLiteral("Exec.run"));
        QCOMPARE(first.retries, 3);
        QCOMPARE(first.delay.count(), 500);
        QCOMPARE(first.timeout.count(), 20000);
        QVERIFY(first.ignoreErrors);
        QCOMPARE(first.become, std::optional<bool>(false));
        QCOMPARE(first.checkMode, std::optional<bool>(false));
        QCOMPARE(first.where.line, 7);
        const RecipeStep& included = recipe->steps.at(1);
        QCOMPARE(included.label(), QStringLiteral("add ${who}"));
        QCOMPARE(included.when, QStringLiteral("port == 22"));
        QCOMPARE(included.registerAs, QStringLiteral("added"));
        QVERIFY(included.where.file.endsWith(QStringLiteral("lib/user.yml")));
        QCOMPARE(included.where.line, 3);
        // The file's own vars, then the include's (which win).
        QCOMPARE(included.includeVars.size(), 2);
        QCOMPARE(included.includeVars.at(0).value(QStringLiteral("who")).toString(),
                 QStringLiteral("nobody"));
        QCOMPARE(included.includeVars.at(1).value(QStringLiteral("who")).toString(),
                 QStringLiteral("alice"));
        QCOMPARE(recipe->files.size(), 2);
        QVERIFY(RecipePlan(*recipe).validate(m_catalog));
    }

    void mistakesNameFileAndLine_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown top key") << QByteArray("name: x\nstepz: []\n")
                                         << QStringLiteral("bad.yml:2: unknown key 'stepz'");
        QTest::newRow("unknown step key")
            << QByteArray("steps:\n  - Exec.run: {argv: [x]}\n    retry: 2\n")
            << QStringLiteral("bad.yml:3: unknown key 'retry' in a step");
        QTest::newRow("no tool method") << QByteArray("steps:\n  - name: nothing\n")
                                        << QStringLiteral("bad.yml:2: the step calls no tool");
        QTest::newRow("two tool methods")
            << QByteArray("steps:\n  - Exec.run: {argv: [a]}\n    Exec.shell: {script: b}\n")
            << QStringLiteral("bad.yml:3: a step calls one tool method");
        QTest::newRow("bad retries")
            << QByteArray("steps:\n  - Exec.run: {argv: [a]}\n    retries: many\n")
            << QStringLiteral("bad.yml:3: retries must be a number");
        QTest::newRow("bad register")
            << QByteArray("steps:\n  - Exec.run: {argv: [a]}\n    register: 'my step'\n")
            << QStringLiteral("bad.yml:3: register must be a name");
        QTest::newRow("yaml syntax")
            << QByteArray("steps:\n  - Exec.run: {argv: [a\n") << QStringLiteral("bad.yml:");
        QTest::newRow("missing include") << QByteArray("steps:\n  - include: nowhere.yml\n")
                                         << QStringLiteral("bad.yml:2: include: no file");
        QTest::newRow("args not a mapping")
            << QByteArray("steps:\n  - Exec.run: [a]\n")
            << QStringLiteral("bad.yml:2: the arguments of Exec.run");
    }
    void mistakesNameFileAndLine()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        const Result<Recipe> recipe = RecipeLoader::load(write(QStringLiteral("bad.yml"), text));
        QVERIFY(!recipe);
        QVERIFY2(recipe.error().message.contains(expected), qPrintable(recipe.error().message));
    }

    void includeCyclesAreRefused()
    {
        write(QStringLiteral("a.yml"), "steps:\n  - include: b.yml\n");
        write(QStringLiteral("b.yml"), "steps:\n  - include: a.yml\n");
        const Result<Recipe> recipe = RecipeLoader::load(m_dir.filePath(QStringLiteral("a.yml")));
        QVERIFY(!recipe);
        QVERIFY2(recipe.error().message.contains(QStringLiteral("include cycle")),
                 qPrintable(recipe.error().message));
    }

    void parametersCheckedAgainstTheTools_data()
    {
        QTest::addColumn<QByteArray>("step");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown method")
            << QByteArray("Exec.runn: {argv: [a]}") << QStringLiteral("Exec has no method 'runn'");
        QTest::newRow("unknown tool")
            << QByteArray("Nope.x: {}") << QStringLiteral("unknown tool 'Nope'");
        QTest::newRow("unknown parameter") << QByteArray("Exec.run: {argv: [a], bogus: 1}")
                                           << QStringLiteral("has no parameter 'bogus'");
        QTest::newRow("missing parameter") << QByteArray("FileSystem.read_text: {}")
                                           << QStringLiteral("missing required parameter 'path'");
        QTest::newRow("wrong type") << QByteArray("Exec.run: {argv: 1}")
                                    << QStringLiteral("parameter 'argv' expects list[str], got 1");
        QTest::newRow("internal") << QByteArray("FileSystem.upload_begin: {dest: /x, size: 1}")
                                  << QStringLiteral("protocol piece");
    }
    void parametersCheckedAgainstTheTools()
    {
        QFETCH(QByteArray, step);
        QFETCH(QString, expected);
        const QString path =
            write(QStringLiteral("check.yml"),
                  "steps:\n  - Exec.run: {argv: [ok]}\n  - name: the one\n    " + step + "\n");
        const Result<Recipe> recipe = RecipeLoader::load(path);
        QVERIFY2(recipe, qPrintable(recipe ? QString() : recipe.error().message));
        const Status valid = RecipePlan(*recipe).validate(m_catalog);
        QVERIFY(!valid);
        QVERIFY2(valid.error().message.contains(QStringLiteral("check.yml:3: step 'the one': ")) &&
                     valid.error().message.contains(expected),
                 qPrintable(valid.error().message));
        QCOMPARE(valid.error().kind, ErrorKind::InvalidArgument);
    }

    void templatesPassTypeChecks()
    {
        const QString path = write(QStringLiteral("templ.yml"),
                                   "steps:\n  - Exec.run: {argv: '${steps.x.value}', timeout: "
                                   "'${t}'}\n");
        const Result<Recipe> recipe = RecipeLoader::load(path);
        QVERIFY(recipe);
        QVERIFY(RecipePlan(*recipe).validate(m_catalog)); // known once the host renders them
        QVERIFY(recipe->steps.first().isTemplated());
        QVERIFY(recipe->steps.first().mentions(QStringLiteral("steps")));
        QVERIFY(!recipe->steps.first().mentions(QStringLiteral("facts")));
    }
};

QTEST_GUILESS_MAIN(TestRecipeLoader)
#include "tst_recipeloader.moc"
