#include "app/cli/InventoryCommands.h"

#include "engine/inventory/CredentialStore.h"
#include "engine/inventory/HostPattern.h"
#include "engine/inventory/InventoryFile.h"
#include "engine/inventory/InventoryImport.h"
#include "engine/inventory/VariantJson.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <functional>

namespace hostdeck::cli {

using namespace hostdeck::engine;

namespace {

constexpr int exitOk = 0;
constexpr int exitFailure = 1;
constexpr int exitUsage = 2;

const char* inventoryUsage = "usage: hostdeck-cli inventory show FILE [--pattern PATTERN]...\n"
                             "       hostdeck-cli inventory hosts FILE PATTERN\n"
                             "       hostdeck-cli inventory hosts FILE --json PATTERN...\n"
                             "       hostdeck-cli inventory import --from "
                             "ssh-config|ansible-ini|ansible-yaml|reemote SRC --to FILE [--force]\n"
                             "FILE may be a YAML or an INI inventory.\n";
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

QVariantMap connectionMap(const Host& h)
{
    QVariantMap c;
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
    c.insert(QStringLiteral("tags"), h.tags());
    return c;
}

Result<Inventory> loadReporting(const QString& path, QTextStream& err)
{
    QList<ImportIssue> issues;
    Result<Inventory> inventory = InventoryFile::loadAny(path, &issues);
    for (const ImportIssue& issue : issues)
        err << "warning: " << issue.toString() << '\n';
    err.flush();
    return inventory;
}

/// Everything Ansible would know about the inventory: per host its groups, its effective
/// variables (what `ansible-inventory --list` shows in _meta.hostvars) and the connection settings
/// Hostdeck reads from them; per group its children and hosts in Ansible's order.
QVariantList patternResults(const Inventory& inventory, const QStringList& patterns)
{
    QVariantList results;
    for (const QString& pattern : patterns) {
        const PatternMatch match = HostPattern::resolve(inventory, pattern);
        QVariantMap entry;
        entry.insert(QStringLiteral("pattern"), pattern);
        entry.insert(QStringLiteral("hosts"), match.hosts);
        entry.insert(QStringLiteral("warnings"), match.warnings);
        entry.insert(QStringLiteral("error"), match.error);
        results.append(entry);
    }
    return results;
}

int show(const QStringList& args, QTextStream& out, QTextStream& err)
{
    QString path;
    QStringList patterns;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args.at(i) == QLatin1String("--pattern") && i + 1 < args.size())
            patterns.append(args.at(++i));
        else if (path.isEmpty() && !args.at(i).startsWith(QLatin1String("--")))
            path = args.at(i);
        else
            return usage(err, inventoryUsage,
                         QStringLiteral("unexpected argument '%1'").arg(args.at(i)));
    }
    if (path.isEmpty())
        return usage(err, inventoryUsage, QStringLiteral("show needs FILE"));
    const Result<Inventory> inventory = loadReporting(path, err);
    if (!inventory)
        return fail(err, inventory.error());
    QVariantList hosts;
    for (const Host& h : inventory->hosts()) {
        const Host resolved = inventory->resolvedHost(h.name());
        QVariantMap entry;
        entry.insert(QStringLiteral("name"), h.name());
        entry.insert(QStringLiteral("groups"), inventory->groupsOf(h.name()));
        entry.insert(QStringLiteral("vars"), resolved.vars());
        entry.insert(QStringLiteral("connection"), connectionMap(resolved));
        hosts.append(entry);
    }
    QVariantList groups;
    for (const QString& name : inventory->groupNames()) {
        const Group* g = inventory->group(name);
        QVariantMap entry;
        entry.insert(QStringLiteral("name"), name);
        entry.insert(QStringLiteral("children"), inventory->childrenOf(name));
        entry.insert(QStringLiteral("hosts"), inventory->hostsOf(name));
        entry.insert(QStringLiteral("vars"), g ? g->vars : QVariantMap());
        entry.insert(QStringLiteral("depth"), inventory->depth(name));
        groups.append(entry);
    }
    QVariantMap root;
    root.insert(QStringLiteral("id"), inventory->id());
    root.insert(QStringLiteral("hosts"), hosts);
    root.insert(QStringLiteral("groups"), groups);
    if (!patterns.isEmpty())
        root.insert(QStringLiteral("patterns"), patternResults(*inventory, patterns));
    out << QString::fromUtf8(VariantJson::write(root));
    out.flush();
    return exitOk;
}

/// One pattern: its hosts one per line (exit 1 when none). With --json, any number of patterns:
/// {"patterns": [{"pattern", "hosts", "warnings", "error"}]}, exit 0 unless the file is bad.
int hosts(const QStringList& args, QTextStream& out, QTextStream& err)
{
    QStringList words = args;
    const bool json = words.removeAll(QStringLiteral("--json")) > 0;
    if (words.size() < 2 || (!json && words.size() != 2))
        return usage(err, inventoryUsage,
                     QStringLiteral("hosts needs FILE and one PATTERN (or "
                                    "--json and several)"));
    const Result<Inventory> inventory = loadReporting(words.first(), err);
    if (!inventory)
        return fail(err, inventory.error());
    if (json) {
        QVariantList results;
        for (const QString& pattern : words.mid(1)) {
            const PatternMatch match = HostPattern::resolve(*inventory, pattern);
            QVariantMap entry;
            entry.insert(QStringLiteral("pattern"), pattern);
            entry.insert(QStringLiteral("hosts"), match.hosts);
            entry.insert(QStringLiteral("warnings"), match.warnings);
            entry.insert(QStringLiteral("error"), match.error);
            results.append(entry);
        }
        out << QString::fromUtf8(
            VariantJson::write(QVariantMap{{QStringLiteral("patterns"), results}}));
        out.flush();
        return exitOk;
    }
    const QString pattern = words.at(1);
    const PatternMatch match = HostPattern::resolve(*inventory, pattern);
    for (const QString& warning : match.warnings)
        err << "warning: " << warning << '\n';
    if (!match.error.isEmpty()) {
        err << "error: " << match.error << '\n';
        err.flush();
        return exitFailure;
    }
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

/// Stores the secrets an import found under the new inventory's id, one after the other; runs
/// the event loop until done (the keychain answers asynchronously). Returns how many failed.
int storeSecrets(const QString& inventoryId, std::vector<ImportedSecret>& secrets, QTextStream& out,
                 QTextStream& err)
{
    if (secrets.empty())
        return 0;
    CredentialStore store;
    int failed = 0;
    std::size_t next = 0;
    std::function<void()> step;
    step = [&]() {
        if (next >= secrets.size()) {
            QCoreApplication::exit(0);
            return;
        }
        ImportedSecret& item = secrets[next++];
        const QString target = item.target;
        const CredentialKind kind = item.kind;
        store.store(inventoryId, target, kind, std::move(item.secret), &store,
                    [&, target, kind](Status status) {
                        if (status) {
                            out << "stored " << credentialKindName(kind) << " for " << target
                                << " in the keychain\n";
                        } else {
                            ++failed;
                            err << "error: " << credentialKindName(kind) << " for " << target
                                << " not stored: " << status.error().message << '\n';
                        }
                        step();
                    });
    };
    QMetaObject::invokeMethod(&store, step, Qt::QueuedConnection);
    QCoreApplication::exec();
    out.flush();
    err.flush();
    return failed;
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
    const std::size_t secretCount = imported->secrets.size();
    const int failed = storeSecrets(imported->inventory.id(), imported->secrets, out, err);
    if (failed > 0) {
        err << "error: " << failed << " of " << secretCount
            << " secrets are not in the keychain; set them with hostdeck-cli secret set -i " << to
            << " HOST KIND\n";
        err.flush();
        return exitFailure;
    }
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
    if (verb == QLatin1String("show"))
        return show(args.mid(1), out, err);
    if (verb == QLatin1String("hosts"))
        return hosts(args.mid(1), out, err);
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
