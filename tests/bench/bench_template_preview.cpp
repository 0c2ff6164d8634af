// Template editor: pause-to-preview latency (from the last keystroke, through the debounce and
// the local agent's render, to the updated preview) for 20-, 200- and 2,000-line templates.
#include "engine/runner/EngineClient.h"
#include "tests/bench/BenchFigure.h"
#include "ui/template/ScriptedTemplatePrompts.h"
#include "ui/template/TemplateEditor.h"
#include "ui/template/TemplateEditorWindow.h"
#include "ui/template/TemplatePreview.h"
#include "ui/template/TemplateVariablesPane.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>

using namespace hostdeck;
using namespace Qt::StringLiterals;

namespace {

/// A config-like template: plain lines, substitutions and a loop every 20 lines.
QString makeTemplate(int lines)
{
    QStringList out;
    while (out.size() < lines) {
        const int n = int(out.size());
        if (n % 20 == 10 && out.size() + 3 <= lines) {
            out << u"% for port in ports:"_s << u"listen ${port} # ${name}-%1"_s.arg(n)
                << u"% endfor"_s;
            continue;
        }
        out << (n % 2 == 0 ? u"key_%1 = ${name}.${domain} ${count * %1}"_s.arg(n)
                           : u"plain line %1 of text"_s.arg(n));
    }
    return out.join(u'\n') + u'\n';
}

qint64 median(QList<qint64> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? -1 : values.at(values.size() / 2);
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen")
                                                                    : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    QCommandLineParser parser;
    QCommandLineOption repsOption(u"reps"_s, u"samples per size"_s, u"n"_s, u"9"_s);
    parser.addOption(repsOption);
    parser.process(app);
    const int reps = qMax(1, parser.value(repsOption).toInt());
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir tmp;

    engine::EngineConfig config;
    config.userToolDirs = {tmp.filePath(u"no-user-tools"_s)};
    engine::EngineClient engine(config);
    ui::ScriptedTemplatePrompts prompts;
    ui::TemplateEditorContext context;
    context.engine = &engine;
    context.prompts = &prompts;
    ui::TemplateEditorWindow window(context);
    window.variablesPane()->setExtraText(
        u"name: web\ndomain: example.org\ncount: 3\nports: [80, 443]"_s);
    window.show();

    QTextStream out(stdout);
    out << "template editor: pause-to-preview latency on the local agent\n";
    const int debounce = window.debounceInterval();
    out << "debounce interval " << debounce << " ms; median of " << reps << " edits\n";
    out << "lines   pause->preview ms   render (minus debounce) ms   min..max ms\n";
    for (int lines : {20, 200, 2000}) {
        window.editor()->setPlainText(makeTemplate(lines));
        QSignalSpy updated(&window, &ui::TemplateEditorWindow::previewUpdated);
        if (!updated.wait(20000)) { // warm-up: session start, facts, first compile
            out << lines << ": no preview (" << window.preview()->staleReason() << ")\n";
            return 1;
        }
        while (window.isRendering())
            updated.wait(200);
        QList<qint64> samples;
        for (int i = 0; i < reps; ++i) {
            updated.clear();
            QTextCursor cursor(window.editor()->document());
            cursor.movePosition(QTextCursor::End);
            cursor.insertText(u"x"_s); // one keystroke, then a pause
            if (!updated.wait(20000)) {
                out << lines << ": no preview after an edit\n";
                return 1;
            }
            samples << window.lastPauseToPreviewMs();
        }
        const qint64 med = median(samples);
        if (lines == 200)
            hostdeck::bench::figure("template_preview.200_lines", double(med), "ms",
                                    hostdeck::bench::Better::Lower, 150);
        out << QString::number(lines).leftJustified(8) << QString::number(med).leftJustified(20)
            << QString::number(med - debounce).leftJustified(29)
            << *std::min_element(samples.begin(), samples.end()) << ".."
            << *std::max_element(samples.begin(), samples.end()) << "\n";
        out.flush();
    }
    window.editor()->document()->setModified(false);
    return 0;
}
