// The `hostdeck` GUI: composition root only.
#include "AppServices.h"
#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("hostdeck"));
    QApplication::setOrganizationName(QStringLiteral("hostdeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("Hostdeck"));
    QApplication::setApplicationVersion(QStringLiteral(HOSTDECK_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.hostdeck.Hostdeck"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/hostdeck/icons/hostdeck.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Run tools on many Linux hosts at once."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption toolsDir(QStringLiteral("tools-dir"),
                                      QStringLiteral("User tools folder."), QStringLiteral("DIR"));
    const QCommandLineOption python(QStringLiteral("python"), QStringLiteral("Local python3."),
                                    QStringLiteral("PATH"), QStringLiteral("python3"));
    const QCommandLineOption history(QStringLiteral("history"),
                                     QStringLiteral("History database file."),
                                     QStringLiteral("FILE"));
    parser.addOptions({toolsDir, python, history});
    parser.addPositionalArgument(QStringLiteral("INVENTORY"),
                                 QStringLiteral("Inventory file to open."),
                                 QStringLiteral("[INVENTORY]"));
    parser.process(app);

    hostdeck::ui::MainWindowOptions options;
    options.userToolDirs = parser.values(toolsDir);
    options.localInterpreter = {parser.value(python)};
    options.historyPath = parser.value(history);
    if (!parser.positionalArguments().isEmpty())
        options.inventoryPath = parser.positionalArguments().constFirst();
    // The services are built once here and outlive the window.
    hostdeck::ui::AppServices services(options);
    hostdeck::ui::MainWindow window(services, options);
    window.show();
    return app.exec();
}
