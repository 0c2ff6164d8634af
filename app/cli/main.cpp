#include "app/cli/CallCommand.h"
#include "app/cli/CliServices.h"
#include "app/cli/CliSupport.h"
#include "app/cli/CopyCommand.h"
#include "app/cli/HelpRender.h"
#include "app/cli/InventoryCommands.h"
#include "app/cli/RunCommand.h"
#include "app/cli/ServeCommand.h"
#include "app/cli/SshConfigCommand.h"

#include <QCoreApplication>
#include <QFile>
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
    // What Hostdeck makes of ssh_config, `ssh -G` style, as JSON (diagnostics, the tests).
    if (command == QStringLiteral("ssh-config"))
        return runSshConfigCommand(args, out(), err());
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
    using Command = void (*)(CliServices&, const QStringList&, Done);
    const QHash<QString, Command> commands{
        {QStringLiteral("call"), &runCall},     {QStringLiteral("copy"), &runCopy},
        {QStringLiteral("fetch"), &runFetch},   {QStringLiteral("sync"), &runSync},
        {QStringLiteral("render"), &runRender}, {QStringLiteral("targets"), &runTargets},
        {QStringLiteral("run"), &runRecipe},    {QStringLiteral("serve"), &runServe},
        {QStringLiteral("tools"), &runTools}};
    const Command run = commands.value(command);
    if (!run) {
        err() << "hostdeck-cli: unknown command '" << command << "'" << Qt::endl;
        usage();
        return ExitUsage;
    }
    int exitCode = ExitUsage;
    {
        CliServices services; // built once; every command gets the same
        QTimer::singleShot(0, &app, [&services, run, args, &exitCode] {
            run(services, args, [&exitCode](int code) {
                exitCode = code;
                QCoreApplication::exit(code);
            });
        });
        app.exec();
    }
    return exitCode;
}
