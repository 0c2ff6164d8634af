#include "app/cli/CopyCommand.h"

#include "app/cli/CliSupport.h"
#include "app/cli/RunPrinter.h"
#include "app/cli/TargetOptions.h"
#include "app/cli/TransferArgs.h"
#include "engine/transfer/CopyPlan.h"
#include "engine/transfer/FetchPlan.h"
#include "engine/transfer/SyncPlan.h"

#include <QCommandLineParser>

namespace hostdeck::cli {

using namespace hostdeck::engine;

namespace {

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / 1e6, 'f', 1);
}

/// `--progress`: one line per progress event on standard error.
class ProgressPrinter final : public QObject
{
public:
    explicit ProgressPrinter(RunHandle* run) : QObject(run)
    {
        connect(run, &RunHandle::events, this, [](const QList<RunEvent>& events) {
            for (const RunEvent& event : events) {
                if (event.type != RunEvent::Type::StepOutput ||
                    event.stream != QStringLiteral("progress"))
                    continue;
                const QJsonObject p = event.data.toObject();
                const qint64 bytes = p.value(QStringLiteral("bytes")).toInteger();
                const qint64 total = p.value(QStringLiteral("total")).toInteger();
                const int percent = total > 0 ? int(bytes * 100 / total) : 100;
                err() << event.host << ": " << percent << "% " << megabytes(bytes) << "/"
                      << megabytes(total) << " MB "
                      << megabytes(p.value(QStringLiteral("rate")).toInteger()) << " MB/s ("
                      << p.value(QStringLiteral("files")).toInt() << "/"
                      << p.value(QStringLiteral("files_total")).toInt() << " files)\n";
            }
            err().flush();
        });
    }
};

bool parse(QCommandLineParser& parser, const QString& command, const QStringList& args,
           const Done& done)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!parser.parse(QStringList{QStringLiteral("hostdeck-cli ") + command} + args)) {
        err() << "hostdeck-cli " << command << ": " << parser.errorText() << Qt::endl;
        done(ExitUsage);
        return false;
    }
    return true;
}

void fail(const QString& command, const QString& message, const Done& done)
{
    err() << "hostdeck-cli " << command << ": " << message << Qt::endl;
    done(ExitUsage);
}

/// What the three commands share once they have a plan: targets, options, the run, output.
struct Transfer
{
    QString command;
    TargetOptions targets{TargetOptions::HostsFrom::Argument};
    TransferArgs args;
    QCommandLineParser parser;

    explicit Transfer(QString name, TransferArgs::Command kind)
        : command(std::move(name)), args(kind)
    {
        targets.addTo(parser, TargetOptions::History::NotRecorded);
        args.addTo(parser);
    }

    void start(CliServices& services, const QString& pattern, std::shared_ptr<const Plan> plan,
               Done done)
    {
        Result<RunOptions> options = targets.runOptions(parser);
        if (!options)
            return fail(command, options.error().message, done);
        Result<Targets> hosts = targets.targetsNamed(parser, services, pattern);
        if (!hosts)
            return fail(command, hosts.error().message, done);
        for (const QString& warning : std::as_const(hosts->warnings))
            err() << "hostdeck-cli " << command << ": " << warning << Qt::endl;
        RunRequest request;
        request.targets = hosts->hosts;
        request.plan = std::move(plan);
        request.options = *options;
        request.pattern = hosts->pattern;
        request.inventory = hosts->inventory;
        EngineClient* engine = services.engine(targets.engineOptions(parser));
        RunHandle* run = engine->startRun(std::move(request));
        if (args.progress(parser))
            new ProgressPrinter(run);
        new RunPrinter(run,
                       args.events(parser) ? RunPrinter::Mode::Events : RunPrinter::Mode::Records,
                       false, command, std::move(done));
    }
};

} // namespace

void runCopy(CliServices& services, const QStringList& args, Done done)
{
    Transfer transfer(QStringLiteral("copy"), TransferArgs::Command::Copy);
    transfer.parser.addPositionalArgument(QStringLiteral("LOCAL"), QStringLiteral("What to copy."));
    transfer.parser.addPositionalArgument(QStringLiteral("PATTERN:REMOTE"),
                                          QStringLiteral("Hosts and remote path."));
    if (!parse(transfer.parser, transfer.command, args, done))
        return;
    QStringList positional = transfer.parser.positionalArguments();
    if (positional.size() < 2)
        return fail(transfer.command, QStringLiteral("expected LOCAL... PATTERN:REMOTE"), done);
    Result<RemoteSpec> remote = RemoteSpec::parse(positional.takeLast());
    if (!remote)
        return fail(transfer.command, remote.error().message, done);
    CopyOptions options;
    options.remote = remote->path;
    if (Status applied = transfer.args.apply(transfer.parser, options); !applied)
        return fail(transfer.command, applied.error().message, done);
    QStringList sources;
    for (const QString& path : std::as_const(positional))
        sources << absoluteLocal(path);
    Result<std::shared_ptr<CopyPlan>> plan = CopyPlan::create(sources, options);
    if (!plan)
        return fail(transfer.command, plan.error().message, done);
    transfer.start(services, remote->pattern, *plan, std::move(done));
}

void runSync(CliServices& services, const QStringList& args, Done done)
{
    Transfer transfer(QStringLiteral("sync"), TransferArgs::Command::Sync);
    transfer.parser.addPositionalArgument(QStringLiteral("LOCALDIR"),
                                          QStringLiteral("The folder to mirror."));
    transfer.parser.addPositionalArgument(QStringLiteral("PATTERN:REMOTEDIR"),
                                          QStringLiteral("Hosts and remote folder."));
    if (!parse(transfer.parser, transfer.command, args, done))
        return;
    const QStringList positional = transfer.parser.positionalArguments();
    if (positional.size() != 2)
        return fail(transfer.command, QStringLiteral("expected LOCALDIR PATTERN:REMOTEDIR"), done);
    Result<RemoteSpec> remote = RemoteSpec::parse(positional.at(1));
    if (!remote)
        return fail(transfer.command, remote.error().message, done);
    CopyOptions options;
    options.remote = remote->path;
    if (Status applied = transfer.args.apply(transfer.parser, options); !applied)
        return fail(transfer.command, applied.error().message, done);
    Result<std::shared_ptr<SyncPlan>> plan =
        SyncPlan::create(absoluteLocal(positional.at(0)), options);
    if (!plan)
        return fail(transfer.command, plan.error().message, done);
    transfer.start(services, remote->pattern, *plan, std::move(done));
}

void runFetch(CliServices& services, const QStringList& args, Done done)
{
    Transfer transfer(QStringLiteral("fetch"), TransferArgs::Command::Fetch);
    transfer.parser.addPositionalArgument(QStringLiteral("PATTERN:REMOTE"),
                                          QStringLiteral("Hosts and remote path."));
    transfer.parser.addPositionalArgument(QStringLiteral("LOCALDIR"),
                                          QStringLiteral("Where the hosts' copies go."));
    if (!parse(transfer.parser, transfer.command, args, done))
        return;
    const QStringList positional = transfer.parser.positionalArguments();
    if (positional.size() != 2)
        return fail(transfer.command, QStringLiteral("expected PATTERN:REMOTE LOCALDIR"), done);
    Result<RemoteSpec> remote = RemoteSpec::parse(positional.at(0));
    if (!remote)
        return fail(transfer.command, remote.error().message, done);
    FetchJob job;
    job.remote = remote->path;
    job.localDir = absoluteLocal(positional.at(1));
    job.checksum = transfer.args.checksum(transfer.parser);
    job.exclude = transfer.args.exclude(transfer.parser);
    Result<std::shared_ptr<FetchPlan>> plan = FetchPlan::create(job);
    if (!plan)
        return fail(transfer.command, plan.error().message, done);
    transfer.start(services, remote->pattern, *plan, std::move(done));
}

} // namespace hostdeck::cli
