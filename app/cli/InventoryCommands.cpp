#include "InventoryCommands.h"

#include "inventory/CredentialStore.h"
#include "inventory/HostPattern.h"
#include "inventory/InventoryFile.h"
#include "inventory/InventoryImport.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hostdeck::cli {

using namespace hostdeck::engine;

namespace {

constexpr int exitOk = 0;
constexpr int exitFailure = 1;
constexpr int exitUsage = 2;

const char* inventoryUsage = "usage: hostdeck-cli inventory show FILE\n"
                             "       hostdeck-cli inventory hosts FILE PATTERN\n"
                             "       hostdeck-cli inventory import --from "
                             "ssh-config|ansible-ini|ansible-yaml SRC --to FILE [--force]\n";
const char* secretUsage = "usage: hostdeck-cli secret set|delete -i FILE HOST|GROUP "
                          "ssh-password|key-passphrase|sudo-password\n"
                          "       (set reads the secret from standard input)\n";

int usage(QTextStream& err, const char* text, const QString& problem = {})
{
    if (!problem.isEmpty())
        err << "error: " << problem << '\n';
    err << text;
    err.flush();
    return exitUsage;
}

int fail(QTextStream& err, const Error& error)
{
    err << "error: " << error.message << '\n';
    err.flush();
    return exitFailure;
}

QJsonObject connectionJson(const Host& h)
{
    QJsonObject c;
    c.insert(QStringLiteral("address"), h.address());
    c.insert(QStringLiteral("port"), h.port());
    c.insert(QStringLiteral("user"), h.user());
    c.insert(QStringLiteral("transport"), h.transport() == HostTransport::Local
                                              ? QStringLiteral("local")
                                              : QStringLiteral("ssh"));
    c.insert(QStringLiteral("python"), h.pythonInterpreter());
    c.insert(QStringLiteral("jump"), h.jumpHost());
    c.insert(QStringLiteral("become"), h.become());
    c.insert(QStringLiteral("become_user"), h.becomeUser());
    c.insert(QStringLiteral("host_keys"), h.hostKeyPolicy() == HostKeyPolicy::AcceptNew
                                              ? QStringLiteral("accept-new")
                                              : QStringLiteral("strict"));
    c.insert(QStringLiteral("identity_file"), h.identityFile());
    c.insert(QStringLiteral("tags"), QJsonArray::fromStringList(h.tags()));
    return c;
}

int show(const QString& path, QTextStream& out, QTextStream& err)
{
    const Result<Inventory> inventory = InventoryFile::load(path);
    if (!inventory)
        return fail(err, inventory.error());
    QJsonArray hosts;
    for (const Host& h : inventory->hosts()) {
        const Host resolved = inventory->resolvedHost(h.name());
        QJsonObject entry;
        entry.insert(QStringLiteral("name"), h.name());
        entry.insert(QStringLiteral("groups"),
                     QJsonArray::fromStringList(inventory->groupsOf(h.name())));
        entry.insert(QStringLiteral("vars"), QJsonObject::fromVariantMap(resolved.vars()));
        entry.insert(QStringLiteral("connection"), connectionJson(resolved));
        hosts.append(entry);
    }
    QJsonArray groups;
    for (const Group& g : inventory->groups()) {
        QJsonObject entry;
        entry.insert(QStringLiteral("name"), g.name);
        entry.insert(QStringLiteral("children"), QJsonArray::fromStringList(g.children));
        entry.insert(QStringLiteral("hosts"),
                     QJsonArray::fromStringList(inventory->hostsOf(g.name)));
        entry.insert(QStringLiteral("vars"), QJsonObject::fromVariantMap(g.vars));
        groups.append(entry);
    }
    QJsonObject root;
    root.insert(QStringLiteral("id"), inventory->id());
    root.insert(QStringLiteral("hosts"), hosts);
    root.insert(QStringLiteral("groups"), groups);
    out << QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Indented));
    out.flush();
    return exitOk;
}

int hosts(const QString& path, const QString& pattern, QTextStream& out, QTextStream& err)
{
    const Result<Inventory> inventory = InventoryFile::load(path);
    if (!inventory)
        return fail(err, inventory.error());
    const PatternMatch match = HostPattern::resolve(*inventory, pattern);
    for (const QString& warning : match.warnings)
        err << "warning: " << warning << '\n';
    for (const QString& name : match.hosts)
        out << name << '\n';
    out.flush();
    err.flush();
    if (match.hosts.isEmpty()) {
        err << "error: no host matches '" << pattern << "'\n";
        err.flush();
        return exitFailure;
    }
    return exitOk;
}

int import(const QStringList& args, QTextStream& out, QTextStream& err)
{
    QString from;
    QString to;
    QString source;
    bool force = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        if (arg == QLatin1String("--from") && i + 1 < args.size())
            from = args.at(++i);
        else if (arg == QLatin1String("--to") && i + 1 < args.size())
            to = args.at(++i);
        else if (arg == QLatin1String("--force"))
            force = true;
        else if (!arg.startsWith(QLatin1String("--")) && source.isEmpty())
            source = arg;
        else
            return usage(err, inventoryUsage, QStringLiteral("unexpected argument '%1'").arg(arg));
    }
    if (from.isEmpty() || to.isEmpty() || source.isEmpty())
        return usage(err, inventoryUsage,
                     QStringLiteral("import needs --from FORMAT, SRC and --to FILE"));
    const std::optional<ImportFormat> format = InventoryImport::formatFromName(from);
    if (!format)
        return usage(err, inventoryUsage, QStringLiteral("unknown import format '%1'").arg(from));
    if (QFileInfo::exists(to) && !force)
        return fail(err,
                    makeError(ErrorKind::Usage,
                              QStringLiteral("%1 exists; pass --force to replace it").arg(to)));
    Result<ImportResult> imported = InventoryImport::importFile(*format, source);
    if (!imported)
        return fail(err, imported.error());
    for (const ImportIssue& issue : imported->issues)
        err << "warning: " << issue.toString() << '\n';
    imported->inventory.ensureId();
    const Status saved = InventoryFile::save(imported->inventory, to);
    if (!saved)
        return fail(err, saved.error());
    out << "imported " << imported->inventory.hosts().size() << " hosts and "
        << imported->inventory.groups().size() - 1 << " groups into " << to << '\n';
    out.flush();
    err.flush();
    return exitOk;
}

/// Reads all of `in`, drops one trailing newline; the intermediate buffer is wiped.
SecretBuffer readSecret(QIODevice& in)
{
    QByteArray bytes = in.readAll();
    qsizetype size = bytes.size();
    if (size > 0 && bytes.at(size - 1) == '\n')
        --size;
    if (size > 0 && bytes.at(size - 1) == '\r')
        --size;
    SecretBuffer secret(QByteArray(bytes.constData(), size));
    SecretBuffer::wipe(bytes);
    return secret;
}

} // namespace

int runInventoryCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    const QString verb = args.value(0);
    if (verb == QLatin1String("show") && args.size() == 2)
        return show(args.at(1), out, err);
    if (verb == QLatin1String("hosts") && args.size() == 3)
        return hosts(args.at(1), args.at(2), out, err);
    if (verb == QLatin1String("import"))
        return import(args.mid(1), out, err);
    return usage(err, inventoryUsage,
                 verb.isEmpty() ? QString() : QStringLiteral("bad inventory command"));
}

int runSecretCommand(const QStringList& args, QIODevice& in, QTextStream& out, QTextStream& err)
{
    const QString verb = args.value(0);
    if ((verb != QLatin1String("set") && verb != QLatin1String("delete")) || args.size() != 5 ||
        args.at(1) != QLatin1String("-i"))
        return usage(err, secretUsage,
                     verb.isEmpty() ? QString() : QStringLiteral("bad secret command"));
    const QString path = args.at(2);
    const QString target = args.at(3);
    const std::optional<CredentialKind> kind = credentialKindFromName(args.at(4));
    if (!kind)
        return usage(err, secretUsage, QStringLiteral("unknown secret kind '%1'").arg(args.at(4)));

    Result<Inventory> inventory = InventoryFile::load(path);
    if (!inventory)
        return fail(err, inventory.error());
    if (!inventory->hasHost(target) && !inventory->hasGroup(target))
        return fail(err,
                    makeError(ErrorKind::NotFound,
                              QStringLiteral("%1 has no host or group '%2'").arg(path, target)));
    if (inventory->id().isEmpty()) {
        if (verb == QLatin1String("delete"))
            return fail(
                err, makeError(ErrorKind::NotFound,
                               QStringLiteral("%1 has no inventory id, so no secrets").arg(path)));
        inventory->ensureId();
        const Status saved = InventoryFile::save(*inventory, path);
        if (!saved)
            return fail(err, saved.error());
        err << "note: gave " << path << " the inventory id " << inventory->id() << '\n';
    }

    SecretBuffer secret;
    if (verb == QLatin1String("set")) {
        secret = readSecret(in);
        if (secret.isEmpty())
            return usage(err, secretUsage, QStringLiteral("no secret on standard input"));
    }

    CredentialStore store;
    int code = exitFailure;
    bool finished = false;
    auto finish = [&code, &finished, &err](Status status) {
        code = status ? exitOk : exitFailure;
        finished = true;
        if (!status)
            err << "error: " << status.error().message << '\n';
        QCoreApplication::exit(code);
    };
    if (verb == QLatin1String("set"))
        store.store(inventory->id(), target, *kind, std::move(secret), &store, finish);
    else
        store.remove(inventory->id(), target, *kind, &store, finish);
    if (!finished)
        QCoreApplication::exec();
    if (code == exitOk)
        out << (verb == QLatin1String("set") ? "stored " : "deleted ") << credentialKindName(*kind)
            << " for " << target << '\n';
    out.flush();
    err.flush();
    return code;
}

} // namespace hostdeck::cli
