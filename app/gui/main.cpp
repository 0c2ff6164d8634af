// The `hostdeck` GUI: composition root only.
#include "app/cli/HelpRender.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include <cstdio>

namespace {

/// --help, --version and --help-format are answered from the help table before QApplication
/// exists, so they work without a display (and the man page can be generated at build time).
std::optional<int> answerHelpWithoutDisplay(int argc, char** argv)
{
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    QTextStream out(stdout);
    QTextStream err(stderr);
    return hostdeck::cli::answerHelpRequest(hostdeck::cli::guiProgram(), args, out, err);
}

/// The table's options except those answered above.
QList<QCommandLineOption> appOptions()
{
    QList<hostdeck::cli::HelpOption> options;
    for (const hostdeck::cli::HelpOption& option : hostdeck::cli::guiProgram().options) {
        const QString name = option.names.constLast();
        if (name != QStringLiteral("help") && name != QStringLiteral("version") && !option.hidden)
            options << option;
    }
    return hostdeck::cli::parserOptions(options);
}

} // namespace

int main(int argc, char** argv)
{
    if (const std::optional<int> answered = answerHelpWithoutDisplay(argc, argv))
        return *answered;
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("hostdeck"));
    QApplication::setOrganizationName(QStringLiteral("hostdeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("Hostdeck"));
    QApplication::setApplicationVersion(QStringLiteral(HOSTDECK_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.hostdeck.Hostdeck"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/hostdeck/icons/hostdeck.svg")));

    QCommandLineParser parser;
    const QList<QCommandLineOption> options = appOptions();
    parser.addOptions(options);
    parser.addPositionalArgument(QStringLiteral("INVENTORY"),
                                 QStringLiteral("Inventory file to open."),
                                 QStringLiteral("[INVENTORY]"));
    parser.process(app);

    hostdeck::ui::MainWindowOptions windowOptions;
    windowOptions.userToolDirs = parser.values(QStringLiteral("tools-dir"));
    windowOptions.localInterpreter = {parser.value(QStringLiteral("python"))};
    windowOptions.historyPath = parser.value(QStringLiteral("history"));
    if (!parser.positionalArguments().isEmpty())
        windowOptions.inventoryPath = parser.positionalArguments().constFirst();
    // The services are built once here and outlive the window.
    hostdeck::ui::AppServices services(windowOptions);
    hostdeck::ui::MainWindow window(services, windowOptions);
    window.show();
    return app.exec();
}
