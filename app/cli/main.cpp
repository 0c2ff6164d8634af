#include "CallCommand.h"
#include "CliServices.h"
#include "CliSupport.h"
#include "InventoryCommands.h"

#include <QCoreApplication>
#include <QFile>
#include <QLoggingCategory>
#include <QTimer>

using namespace hostdeck::cli;

namespace {

void usage()
{
    err() << "usage: hostdeck-cli COMMAND ...\n"
             "  call --local [options] TOOL.METHOD [--arg NAME=JSON]...\n"
             "  call -H HOST[,HOST...] [options] TOOL.METHOD [--arg NAME=JSON]...\n"
             "  call -i INVENTORY -l PATTERN [options] TOOL.METHOD [--arg NAME=JSON]...\n"
             "       options: --json --events --stream --check --forks N --timeout S --deadline S\n"
             "                --serial LIST --max-fail-percentage P --python CMD --tools-dir DIR\n"
             "                --ssh-config FILE --no-ssh-config --known-hosts FILE\n"
             "                --host-keys strict|accept-new --identity FILE --connect-timeout S\n"
             "                --become --become-user U --become-method sudo|su --password-stdin\n"
             "                --ready-timeout S\n"
             "  inventory show FILE | hosts FILE PATTERN | import --from "
             "ssh-config|ansible-ini|ansible-yaml SRC --to FILE\n"
             "  secret set|delete -i FILE HOST|GROUP KIND   (the secret is read from stdin)\n"
             "  render FILE [--vars VARS.json] [--python CMD]\n"
             "  tools [--tools-dir DIR] [--all]\n"
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
    const QHash<QString, Command> commands{{QStringLiteral("call"), &runCall},
                                           {QStringLiteral("render"), &runRender},
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
