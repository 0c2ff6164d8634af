#include "CliSupport.h"
#include "LocalCommands.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTimer>

using namespace hostdeck::cli;

namespace {

void usage()
{
    err() << "usage: hostdeck-cli COMMAND ...\n"
             "  call --local [--python PATH] [--tools-dir DIR] [--timeout S] [--check] TOOL.METHOD [--arg NAME=JSON]...\n"
             "  render FILE [--vars VARS.json] [--python PATH]\n"
             "  tools [--tools-dir DIR] [--python PATH]\n"
          << Qt::endl;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("hostdeck"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HOSTDECK_VERSION));
    if (qEnvironmentVariableIsEmpty("HOSTDECK_DEBUG"))
        QLoggingCategory::setFilterRules(QStringLiteral("hostdeck.*.debug=false"));
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty() || args.constFirst() == QStringLiteral("--help") || args.constFirst() == QStringLiteral("-h")) {
        usage();
        return args.isEmpty() ? ExitUsage : ExitOk;
    }
    const QString command = args.takeFirst();
    int exitCode = ExitUsage;
    auto done = [&exitCode](int code) {
        exitCode = code;
        QCoreApplication::exit(code);
    };
    if (command == QStringLiteral("call"))
        QTimer::singleShot(0, &app, [args, done] { runLocalCall(args, done); });
    else if (command == QStringLiteral("render"))
        QTimer::singleShot(0, &app, [args, done] { runRender(args, done); });
    else if (command == QStringLiteral("tools"))
        QTimer::singleShot(0, &app, [args, done] { runTools(args, done); });
    else {
        err() << "hostdeck-cli: unknown command '" << command << "'" << Qt::endl;
        usage();
        return ExitUsage;
    }
    app.exec();
    return exitCode;
}
