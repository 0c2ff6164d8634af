// Template editor: syntax, highlighting, block matching, document I/O through the prompts seam,
// live preview (typing, errors, host switch) and parity with `hostdeck-cli render`.
#include "tests/support/TestEnv.h"

#include "engine/inventory/Inventory.h"
#include "engine/runner/EngineClient.h"
#include "ui/template/ScriptedTemplatePrompts.h"
#include "ui/template/TemplateDocument.h"
#include "ui/template/TemplateEditor.h"
#include "ui/template/TemplateEditorWindow.h"
#include "ui/template/TemplateHighlighter.h"
#include "ui/template/TemplatePreview.h"
#include "ui/template/TemplateSyntax.h"
#include "ui/template/TemplateVariablesPane.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>
#include <QTreeWidget>

using namespace hostdeck;
using namespace hostdeck::ui;
using namespace Qt::StringLiterals;

class TstTemplateEditor : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::unique_ptr<engine::EngineClient> m_engine;
    std::unique_ptr<QSettings> m_settings;
    ScriptedTemplatePrompts m_prompts;

    std::unique_ptr<TemplateEditorWindow> makeWindow()
    {
        TemplateEditorContext context;
        context.engine = m_engine.get();
        context.prompts = &m_prompts;
        context.settings = m_settings.get();
        auto window = std::make_unique<TemplateEditorWindow>(context);
        window->resize(1100, 700);
        window->show();
        return window;
    }

    static bool waitIdle(TemplateEditorWindow& window, int timeoutMs = 15000)
    {
        return QTest::qWaitFor([&window] { return !window.isRendering(); }, timeoutMs);
    }

    static QTextCharFormat formatAt(const QTextBlock& block, int position)
    {
        for (const QTextLayout::FormatRange& range : block.layout()->formats()) {
            if (position >= range.start && position < range.start + range.length)
                return range.format;
        }
        return {};
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_tmp.isValid());
        m_settings =
            std::make_unique<QSettings>(m_tmp.filePath(u"settings.ini"_s), QSettings::IniFormat);
        engine::EngineConfig config;
        config.userToolDirs = {m_tmp.filePath(u"no-user-tools"_s)};
        m_engine = std::make_unique<engine::EngineClient>(config);
    }

    void cleanupTestCase()
    {
        m_engine.reset(); // stops the engine thread and its agents
    }

    void classify_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("keyword");
        QTest::newRow("text") << u"a ${x} b"_s << int(TemplateLineKind::Text) << QString();
        QTest::newRow("comment") << u"  ## note"_s << int(TemplateLineKind::Comment) << QString();
        QTest::newRow("escape") << u"%% literal"_s << int(TemplateLineKind::Escape) << QString();
        QTest::newRow("for") << u"% for x in items:"_s << int(TemplateLineKind::Open) << u"for"_s;
        QTest::newRow("if-no-colon")
            << u"  % if flag  # why"_s << int(TemplateLineKind::Open) << u"if"_s;
        QTest::newRow("if-paren") << u"% if(flag):"_s << int(TemplateLineKind::Open) << u"if"_s;
        QTest::newRow("else") << u"% else:"_s << int(TemplateLineKind::Continue) << u"else"_s;
        QTest::newRow("endfor") << u"% endfor"_s << int(TemplateLineKind::Close) << u"endfor"_s;
        QTest::newRow("end") << u"% end"_s << int(TemplateLineKind::Close) << u"end"_s;
        QTest::newRow("bare") << u"%"_s << int(TemplateLineKind::Close) << QString();
        QTest::newRow("statement") << u"% x = 1"_s << int(TemplateLineKind::Statement) << QString();
        QTest::newRow("endless-call")
            << u"% endpoint()"_s << int(TemplateLineKind::Statement) << QString();
    }

    void classify()
    {
        QFETCH(QString, line);
        QFETCH(int, kind);
        QFETCH(QString, keyword);
        const TemplateLine info = TemplateSyntax::classify(line);
        QCOMPARE(int(info.kind), kind);
        QCOMPARE(info.keywordStart < 0 ? QString()
                                       : line.mid(info.keywordStart, info.keywordLength),
                 keyword);
    }

    void expressionsNestAndSkipStrings()
    {
        const QString line = u"a ${ {'k': '}'}['k'] } \\${lit} ${b"_s;
        const QList<TemplateExpression> found = TemplateSyntax::expressions(line);
        QCOMPARE(found.size(), 2);
        QCOMPARE(line.mid(found[0].start, found[0].length), u"${ {'k': '}'}['k'] }"_s);
        QVERIFY(found[0].terminated);
        QCOMPARE(line.mid(found[1].start), u"${b"_s);
        QVERIFY(!found[1].terminated);
        QCOMPARE(TemplateSyntax::escapes(line), QList<int>{int(line.indexOf(u"\\${"))});
    }

    void blockPartners()
    {
        const QStringList lines =
            u"% for x in y:\n% if a:\nA\n% else:\nB\n% endif\n% endfor\n% endif"_s.split(u'\n');
        QCOMPARE(TemplateSyntax::blockPartners(lines, 0), (QList<int>{0, 6}));
        QCOMPARE(TemplateSyntax::blockPartners(lines, 3), (QList<int>{1, 3, 5}));
        QCOMPARE(TemplateSyntax::blockPartners(lines, 6), (QList<int>{0, 6}));
        QCOMPARE(TemplateSyntax::blockPartners(lines, 2), QList<int>{});
        QCOMPARE(TemplateSyntax::blockPartners(lines, 7), QList<int>{7}); // close without open
    }

    void editorHighlightsMatchesAndUnderlines()
    {
        TemplateEditor editor;
        editor.setPlainText(u"## c\n% if a:\nx ${v} \\${no}\n% else:\n%% y\n% endif"_s);
        editor.resize(400, 300);
        editor.show();
        const TemplateHighlighter* hl = editor.highlighter();
        const QTextDocument* doc = editor.document();
        QCOMPARE(formatAt(doc->findBlockByNumber(0), 1).foreground(),
                 hl->format(TemplateHighlighter::Role::Comment).foreground());
        QCOMPARE(formatAt(doc->findBlockByNumber(1), 2).fontWeight(), int(QFont::Bold)); // "if"
        QCOMPARE(formatAt(doc->findBlockByNumber(2), 2).foreground(),
                 hl->format(TemplateHighlighter::Role::Delimiter).foreground());
        QCOMPARE(formatAt(doc->findBlockByNumber(2), 4).foreground(),
                 hl->format(TemplateHighlighter::Role::Expression).foreground());
        QCOMPARE(formatAt(doc->findBlockByNumber(2), 7).foreground(),
                 hl->format(TemplateHighlighter::Role::Escape).foreground());
        QCOMPARE(formatAt(doc->findBlockByNumber(2), 0).foreground(),
                 QTextCharFormat().foreground()); // plain text
        QCOMPARE(formatAt(doc->findBlockByNumber(4), 0).foreground(),
                 hl->format(TemplateHighlighter::Role::Escape).foreground());

        QTextCursor cursor(doc->findBlockByNumber(3));
        editor.setTextCursor(cursor);
        QCOMPARE(editor.blockPartnerLines(), (QList<int>{1, 3, 5}));
        cursor = QTextCursor(doc->findBlockByNumber(2));
        editor.setTextCursor(cursor);
        QCOMPARE(editor.blockPartnerLines(), QList<int>{});

        editor.setError(3, u"line 3: boom"_s);
        bool underlined = false;
        for (const QTextEdit::ExtraSelection& sel : editor.extraSelections()) {
            if (sel.format.underlineStyle() == QTextCharFormat::WaveUnderline) {
                underlined = true;
                QCOMPARE(sel.cursor.block().blockNumber(), 2);
                QCOMPARE(sel.format.toolTip(), u"line 3: boom"_s);
            }
        }
        QVERIFY(underlined);
        editor.clearError();
        for (const QTextEdit::ExtraSelection& sel : editor.extraSelections())
            QVERIFY(sel.format.underlineStyle() != QTextCharFormat::WaveUnderline);
        QVERIFY(editor.gutterWidth() > 0);
    }

    void documentSaveOpenRecentAndGuard()
    {
        TemplateEditor editor;
        ScriptedTemplatePrompts prompts;
        TemplateDocument document(editor.document(), &prompts, m_settings.get(), &editor);
        document.clearRecentFiles();
        editor.insertPlainText(u"hello ${name}\n"_s);
        QVERIFY(document.isModified());

        // New with unsaved changes: Cancel keeps the text, Discard clears it.
        prompts.unsavedAnswers = {TemplatePrompts::UnsavedAnswer::Cancel};
        document.newDocument();
        QCOMPARE(editor.toPlainText(), u"hello ${name}\n"_s);
        QCOMPARE(prompts.asked, QStringList{u"unsaved:untitled.tmpl"_s});

        // Save of an untitled document asks for a path, writes it atomically.
        const QString path = m_tmp.filePath(u"greeting.tmpl"_s);
        prompts.fileAnswers = {path};
        bool saved = false;
        document.save([&saved](bool ok) { saved = ok; });
        QVERIFY(saved);
        QVERIFY(!document.isModified());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("hello ${name}\n"));
        QCOMPARE(document.filePath(), path);
        QCOMPARE(document.recentFiles().value(0), path);

        // Guard answered "Save" writes the file before proceeding.
        editor.appendPlainText(u"more"_s);
        prompts.unsavedAnswers = {TemplatePrompts::UnsavedAnswer::Save};
        document.newDocument();
        QCOMPARE(editor.toPlainText(), QString());
        file.close(); // QSaveFile replaced the file: read the new one
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("hello ${name}\n\nmore"));

        // Open through the seam; a file that is not UTF-8 is refused with a message.
        prompts.fileAnswers = {path};
        document.open();
        QCOMPARE(editor.toPlainText(), u"hello ${name}\n\nmore"_s);
        const QString binary = m_tmp.filePath(u"bad.bin"_s);
        QFile bad(binary);
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("\xff\xfe\x00x", 4);
        bad.close();
        QSignalSpy failed(&document, &TemplateDocument::failed);
        document.openPath(binary);
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.first().first().toString().contains(u"not UTF-8"_s));
        QCOMPARE(document.filePath(), path);

        // Discard lets a modified document be replaced.
        editor.insertPlainText(u"scratch"_s);
        prompts.unsavedAnswers = {TemplatePrompts::UnsavedAnswer::Discard};
        document.openPath(path);
        QCOMPARE(editor.toPlainText(), u"hello ${name}\n\nmore"_s);
    }

    void closeWithUnsavedChangesAsks()
    {
        auto window = makeWindow();
        window->editor()->insertPlainText(u"x"_s);
        m_prompts.asked.clear();
        m_prompts.unsavedAnswers = {TemplatePrompts::UnsavedAnswer::Cancel};
        QVERIFY(!window->close());
        QVERIFY(window->isVisible());
        QCOMPARE(m_prompts.asked.size(), 1);
        m_prompts.unsavedAnswers = {TemplatePrompts::UnsavedAnswer::Discard};
        window->close();
        QTRY_VERIFY(!window->isVisible());
    }

    void typingUpdatesPreview()
    {
        auto window = makeWindow();
        window->variablesPane()->setExtraText(u"name: World\ncount: 3"_s);
        QVERIFY(waitIdle(*window));
        QSignalSpy updated(window.get(), &TemplateEditorWindow::previewUpdated);
        window->editor()->setFocus();
        QTest::keyClicks(window->editor(), u"Hello ${name}"_s);
        QTest::keyClick(window->editor(), Qt::Key_Return);
        QTest::keyClicks(window->editor(), u"% for i in range(count):"_s);
        QTest::keyClick(window->editor(), Qt::Key_Return);
        QTest::keyClicks(window->editor(), u"${i}"_s);
        QTest::keyClick(window->editor(), Qt::Key_Return);
        QTest::keyClicks(window->editor(), u"% endfor"_s);
        QTRY_COMPARE_WITH_TIMEOUT(window->preview()->text(), u"Hello World\n0\n1\n2"_s, 15000);
        QVERIFY(updated.count() >= 1);
        QVERIFY(!window->preview()->isStale());
        QVERIFY(window->lastPauseToPreviewMs() >= 100); // includes the debounce
        QVERIFY(window->statusLabel()->text().startsWith(u"Rendered in"_s));
        // The cursor is on "% endfor": its "% for" is highlighted as the partner.
        QCOMPARE(window->editor()->blockPartnerLines(), (QList<int>{1, 3}));
        window->editor()->document()->setModified(false);
    }

    void errorPointsAtLineAndKeepsStalePreview()
    {
        auto window = makeWindow();
        window->editor()->setPlainText(u"first\nsecond ${'ok'}\n"_s);
        QTRY_COMPARE_WITH_TIMEOUT(window->preview()->text(), u"first\nsecond ok\n"_s, 15000);
        QVERIFY(waitIdle(*window));
        QSignalSpy failed(window.get(), &TemplateEditorWindow::renderFailed);
        window->editor()->setPlainText(u"first\nsecond ${'ok'}\nthird ${1/0}\n"_s);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 15000);
        QCOMPARE(failed.first().at(0).toInt(), 3);
        QCOMPARE(window->editor()->errorLine(), 3);
        QVERIFY(window->editor()->errorMessage().startsWith(u"line 3: ZeroDivisionError"_s));
        QVERIFY(window->preview()->isStale());
        QCOMPARE(window->preview()->text(), u"first\nsecond ok\n"_s); // the last good preview stays
        QVERIFY(window->preview()->banner()->isVisibleTo(window.get()));
        QVERIFY(window->preview()->staleReason().contains(u"line 3"_s));
        QVERIFY(window->statusLabel()->text().contains(u"line 3"_s));

        // An unclosed block names its opening line; fixing it clears error and stale marker.
        window->editor()->setPlainText(u"a\n% for x in [1]:\n${x}\n"_s);
        QTRY_COMPARE_WITH_TIMEOUT(window->editor()->errorLine(), 2, 15000);
        window->editor()->setPlainText(u"a\n% for x in [1]:\n${x}\n% endfor\n"_s);
        QTRY_COMPARE_WITH_TIMEOUT(window->preview()->text(), u"a\n1\n"_s, 15000);
        QCOMPARE(window->editor()->errorLine(), 0);
        QVERIFY(!window->preview()->isStale());
        QVERIFY(!window->preview()->banner()->isVisibleTo(window.get()));

        // Extra variables that do not parse also mark the preview stale.
        window->variablesPane()->setExtraText(u"a: [1,"_s);
        QTRY_VERIFY_WITH_TIMEOUT(window->preview()->isStale(), 5000);
        QVERIFY(!window->variablesPane()->extraErrorLabel()->isHidden());
        window->editor()->document()->setModified(false);
    }

    void switchingHostChangesPreview()
    {
        auto window = makeWindow();
        engine::Inventory inventory;
        engine::Host alpha(u"alpha"_s, {{u"role"_s, u"web"_s}, {u"port"_s, 80}});
        alpha.setTransport(engine::HostTransport::Local);
        engine::Host beta(u"beta"_s, {{u"role"_s, u"db"_s}, {u"port"_s, 5432}});
        beta.setTransport(engine::HostTransport::Local);
        inventory.addHost(alpha, u"servers"_s);
        inventory.addHost(beta, u"servers"_s);
        inventory.group(u"servers"_s)->vars.insert(u"port"_s, 1);
        inventory.group(u"servers"_s)->vars.insert(u"env"_s, u"prod"_s);
        window->setInventory(inventory);
        window->editor()->setPlainText(
            u"${inventory_hostname} ${role} ${port} ${env} ${facts['os']['id'] != ''}"_s);
        TemplateVariablesPane* pane = window->variablesPane();
        QCOMPARE(pane->hostBox()->count(), 3);

        pane->setCurrentHost(u"alpha"_s);
        QTRY_COMPARE_WITH_TIMEOUT(window->preview()->text(), u"alpha web 80 prod True"_s, 15000);
        pane->setCurrentHost(u"beta"_s);
        QTRY_COMPARE_WITH_TIMEOUT(window->preview()->text(), u"beta db 5432 prod True"_s, 15000);
        // The variables view shows where each value comes from.
        const QList<QTreeWidgetItem*> role = pane->tree()->findItems(u"role"_s, Qt::MatchExactly);
        QCOMPARE(role.size(), 1);
        QCOMPARE(role.first()->text(1), u"db"_s);
        QCOMPARE(role.first()->text(2), u"inventory"_s);
        QTRY_VERIFY_WITH_TIMEOUT(
            !pane->tree()->findItems(u"hostname"_s, Qt::MatchExactly).isEmpty(), 15000);
        QCOMPARE(pane->tree()->findItems(u"hostname"_s, Qt::MatchExactly).first()->text(2),
                 u"fact"_s);

        // Extra variables win over inventory variables.
        pane->setExtraText(u"{\"role\": \"cache\"}"_s);
        QTRY_COMPARE_WITH_TIMEOUT(window->preview()->text(), u"beta cache 5432 prod True"_s, 15000);
        pane->setExtraText(QString());
        QTRY_COMPARE_WITH_TIMEOUT(window->preview()->text(), u"beta db 5432 prod True"_s, 15000);
        QVERIFY(waitIdle(*window));
        // Rendered by the agent of the selected host (its own session) gives the same text.
        QSignalSpy updated(window.get(), &TemplateEditorWindow::previewUpdated);
        pane->renderOnHostBox()->setChecked(true);
        QTRY_COMPARE_WITH_TIMEOUT(updated.count(), 1, 15000);
        QCOMPARE(window->preview()->text(), u"beta db 5432 prod True"_s);
        window->editor()->document()->setModified(false);
    }

    void parityWithCli()
    {
        const QString cli = qEnvironmentVariable("HOSTDECK_CLI");
        if (cli.isEmpty())
            QSKIP("HOSTDECK_CLI is not set (run through ctest)");
        QFile vectorsFile(test::sourceDir() + u"/tests/engine/agent/template_vectors.json"_s);
        QVERIFY(vectorsFile.open(QIODevice::ReadOnly));
        const QJsonArray vectors =
            QJsonDocument::fromJson(vectorsFile.readAll()).object().value(u"vectors"_s).toArray();
        auto window = makeWindow();
        int compared = 0;
        for (const QJsonValue& entry : vectors) {
            const QJsonObject vector = entry.toObject();
            if (!vector.contains(u"expected"_s) && !vector.contains(u"preferred_expected"_s))
                continue;
            const QString name = vector.value(u"name"_s).toString();
            const QString text = vector.value(u"template"_s).toString();
            const QByteArray context =
                QJsonDocument(vector.value(u"context"_s).toObject()).toJson(QJsonDocument::Compact);

            // The editor's path: the text in the editor, the context as extra variables.
            window->editor()->setPlainText(text);
            window->variablesPane()->setExtraText(QString::fromUtf8(context));
            window->renderNow();
            QVERIFY(waitIdle(*window));
            QVERIFY2(!window->preview()->isStale(),
                     qPrintable(name + u": "_s + window->preview()->staleReason()));

            // The CLI on the file the editor would save.
            const QString templatePath = m_tmp.filePath(name + u".tmpl"_s);
            QVERIFY(window->document()->writeTo(templatePath).ok());
            const QString varsPath = m_tmp.filePath(name + u".json"_s);
            QFile vars(varsPath);
            QVERIFY(vars.open(QIODevice::WriteOnly));
            vars.write(context);
            vars.close();
            QProcess process;
            process.start(cli, {u"render"_s, templatePath, u"--vars"_s, varsPath, u"--python"_s,
                                test::python()});
            QVERIFY(process.waitForFinished(30000));
            QVERIFY2(
                process.exitCode() == 0,
                qPrintable(name + u": "_s + QString::fromUtf8(process.readAllStandardError())));
            const QString expectedText = QString::fromUtf8(process.readAllStandardOutput());
            QVERIFY2(window->preview()->text() == expectedText,
                     qPrintable(u"%1: editor %2, cli %3"_s.arg(name, window->preview()->text(),
                                                               expectedText)));
            ++compared;
        }
        QCOMPARE(compared, 58);
        window->editor()->document()->setModified(false);
    }
};

QTEST_MAIN(TstTemplateEditor)
#include "tst_templateeditor.moc"
