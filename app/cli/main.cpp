#include "CliSupport.h"
#include "LocalCommands.h"
#ifdef HOSTDECK_HAVE_SSHCONFIG
#include "SshConfigCommand.h"
#endif
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
    err() << "usage: hostdeck-cli COMMAND ...\n"
             "  call --local [--python PATH] [--tools-dir DIR] [--timeout S] [--check] TOOL.METHOD "
             "[--arg NAME=JSON]...\n"
             "  call -H HOST[,HOST...] [--ssh-config FILE] [--known-hosts FILE] [--host-keys "
             "strict|accept-new]\n"
             "       [--forks N] [--become [--become-user U]] [--password-stdin] TOOL.METHOD "
             "[--arg NAME=JSON]...\n"
             "  call -i INVENTORY -l PATTERN [options as for -H] TOOL.METHOD [--arg NAME=JSON]...\n"
             "  inventory show FILE | hosts FILE PATTERN | import --from "
             "ssh-config|ansible-ini|ansible-yaml SRC --to FILE\n"
             "  secret set|delete -i FILE HOST|GROUP KIND   (the secret is read from stdin)\n"
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
    if (args.isEmpty() || args.constFirst() == QStringLiteral("--help") ||
        args.constFirst() == QStringLiteral("-h")) {
        usage();
        return args.isEmpty() ? ExitUsage : ExitOk;
    }
    const QString command = args.takeFirst();
#ifdef HOSTDECK_HAVE_SSHCONFIG
    // Diagnostic (openssh helper): what Hostdeck makes of ssh_config, `ssh -G` style, as JSON.
    if (command == QStringLiteral("ssh-config"))
        return runSshConfigCommand(args, out(), err());
#endif
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
