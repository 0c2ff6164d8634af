#include "CliSupport.h"
#include "HelpRender.h"
#include "LocalCommands.h"
#ifdef HOSTDECK_HAVE_FANOUT
#include "FanOutCommand.h"
#endif
#ifdef HOSTDECK_HAVE_INVENTORY
#include "InventoryCommands.h"
#endif

#include <QFile>

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTimer>

using namespace hostdeck::cli;

namespace {

void usage()
{
    err() << usageText(cliProgram());
    err().flush();
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
    // --- help and version: answered from the help table (CliHelp.cpp) ------------------------
    if (const std::optional<int> answered = answerHelpRequest(cliProgram(), args, out(), err()))
        return *answered;
    if (args.isEmpty()) {
        usage();
        return ExitUsage;
    }
    // ------------------------------------------------------------------------------------------
    const QString command = args.takeFirst();
#ifdef HOSTDECK_HAVE_INVENTORY
    // These run to completion themselves (the keychain answers asynchronously on app's loop).
    if (command == QStringLiteral("inventory"))
        return runInventoryCommand(args, out(), err());
    if (command == QStringLiteral("secret")) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly)) {
            err() << "hostdeck-cli secret: cannot read stdin" << Qt::endl;
            return ExitUsage;
        }
        return runSecretCommand(args, in, out(), err());
    }
#endif
    int exitCode = ExitUsage;
    auto done = [&exitCode](int code) {
        exitCode = code;
        QCoreApplication::exit(code);
    };
    if (command == QStringLiteral("call") && args.contains(QStringLiteral("--local")))
        QTimer::singleShot(0, &app, [args, done] { runLocalCall(args, done); });
#ifdef HOSTDECK_HAVE_FANOUT
    else if (command == QStringLiteral("call"))
        QTimer::singleShot(0, &app, [args, done] { runFanOutCall(args, done); });
#else
    else if (command == QStringLiteral("call"))
        QTimer::singleShot(0, &app, [args, done] { runLocalCall(args, done); });
#endif
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
