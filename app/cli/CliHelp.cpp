// The help of hostdeck-cli and hostdeck as data. `--help`, `COMMAND --help`, the man pages
// (generated at build time) and the bash/zsh completion all read these tables: adding a command
// is one HelpCommand entry in cliTable() (tests/integration/test_cli_help.py fails otherwise).
#include "app/cli/CliHelp.h"

namespace hostdeck::cli {

using namespace Qt::StringLiterals;

namespace {

HelpOption flag(QStringList names, QString description)
{
    return {.names = std::move(names), .description = std::move(description)};
}

HelpOption valued(QStringList names, QString valueName, ValueKind kind, QString description,
                  QString defaultValue = {})
{
    return {.names = std::move(names),
            .valueName = std::move(valueName),
            .description = std::move(description),
            .kind = kind,
            .defaultValue = std::move(defaultValue)};
}

HelpOption repeated(HelpOption option)
{
    option.repeatable = true;
    return option;
}

HelpOption choice(QStringList names, QString valueName, QStringList choices, QString description,
                  QString defaultValue = {})
{
    HelpOption option = valued(std::move(names), std::move(valueName), ValueKind::Choice,
                               std::move(description), std::move(defaultValue));
    option.choices = std::move(choices);
    return option;
}

HelpOption helpFormatOption()
{
    HelpOption option = choice({u"help-format"_s}, u"FORMAT"_s, {u"man"_s, u"json"_s},
                               u"Print the whole help as a man page or as JSON (read at build "
                               "time by the man page and shell completion generators)."_s);
    option.hidden = true;
    return option;
}

// Options shared by several commands: one entry each, so they read the same everywhere.
HelpOption pythonOption(const QString& where)
{
    return valued(
        {u"python"_s}, u"PATH"_s, ValueKind::Command,
        u"Interpreter command %1; it may carry arguments, e.g. 'chroot /srv/x python3'."_s.arg(
            where),
        u"python3"_s);
}

HelpOption toolsDirOption()
{
    return repeated(valued({u"tools-dir"_s}, u"DIR"_s, ValueKind::Directory,
                           u"Folder of extra tool modules; may be given more than once. "
                           "Default: $XDG_DATA_HOME/hostdeck/tools."_s));
}

HelpOption readyTimeoutOption(const QString& condition)
{
    const QString text = u"seconds to wait for the local agent to start."_s;
    return valued({u"ready-timeout"_s}, u"S"_s, ValueKind::Number,
                  condition.isEmpty() ? text.left(1).toUpper() + text.mid(1) : condition + text,
                  u"30"_s);
}

HelpArgument inventoryFile()
{
    return {.name = u"FILE"_s,
            .description = u"Inventory file (YAML, Ansible-compatible)."_s,
            .kind = ValueKind::Inventory};
}

const QStringList kSecretKinds{u"ssh-password"_s, u"key-passphrase"_s, u"sudo-password"_s};

// How a command reaches its hosts and how its run goes: the same for call, copy, fetch, sync.
QList<HelpOption> runOptions()
{
    return {
        valued({u"timeout"_s}, u"S"_s, ValueKind::Number,
               u"Seconds a call may take on each host unless its tool declares its own; 0 means "
               "no limit (a host that stops answering is still dropped)."_s,
               u"600"_s),
        valued({u"deadline"_s}, u"S"_s, ValueKind::Number,
               u"Seconds the whole run may take; 0 means no deadline."_s, u"0"_s),
        valued({u"serial"_s}, u"LIST"_s, ValueKind::Text,
               u"Roll out in batches: counts or percentages of the hosts, e.g. 1,10%,100%; the "
               "last one repeats."_s),
        valued({u"max-fail-percentage"_s}, u"P"_s, ValueKind::Number,
               u"Stop before the next batch when more than P% of a batch failed."_s),
        pythonOption(u"where the inventory names none"_s),
        toolsDirOption(),
        readyTimeoutOption({}),
        valued({u"ssh-config"_s}, u"FILE"_s, ValueKind::File,
               u"OpenSSH client config to read. Default: ~/.ssh/config when it exists."_s),
        flag({u"no-ssh-config"_s}, u"Read no OpenSSH client config."_s),
        valued({u"known-hosts"_s}, u"FILE"_s, ValueKind::File,
               u"known_hosts file to check host keys against. Default: ~/.ssh/known_hosts."_s),
        choice({u"host-keys"_s}, u"POLICY"_s, {u"strict"_s, u"accept-new"_s},
               u"What to do with an unknown host key: refuse it (strict) or add it to "
               "known_hosts (accept-new)."_s,
               u"strict"_s),
        repeated(valued({u"identity"_s}, u"FILE"_s, ValueKind::File,
                        u"Private key file to log in with; may be given more than once."_s)),
        valued({u"forks"_s}, u"N"_s, ValueKind::Number, u"Hosts worked on at once."_s, u"100"_s),
        valued({u"connect-timeout"_s}, u"S"_s, ValueKind::Number,
               u"Seconds to wait for an SSH connection."_s, u"10"_s),
        flag({u"become"_s}, u"Run the agent as root (sudo) where the inventory says nothing."_s),
        valued({u"become-user"_s}, u"USER"_s, ValueKind::Text,
               u"The user the agent runs as, instead of root; implies --become."_s),
        choice({u"become-method"_s}, u"METHOD"_s, {u"sudo"_s, u"su"_s},
               u"How the agent becomes that user; implies --become."_s),
        flag({u"password-stdin"_s}, u"Read the SSH, key or become password from the first line "
                                    "of standard input."_s),
    };
}

QList<HelpOption> historyOptions()
{
    return {
        valued({u"history"_s}, u"FILE"_s, ValueKind::File,
               u"History database to record the run in. Default: the desktop app's history "
               "($XDG_DATA_HOME/hostdeck/history.sqlite)."_s),
        flag({u"no-history"_s}, u"Record nothing in the history."_s),
        valued({u"rerun-failed"_s}, u"ID"_s, ValueKind::Text,
               u"Run again on the hosts that failed, were unreachable or timed out in run ID of "
               "the history; 'last' is the newest run."_s),
    };
}

HelpCommand callCommand()
{
    HelpCommand c;
    c.name = u"call"_s;
    c.summary = u"Call a tool method on this machine or on many hosts"_s;
    c.synopsis = {u"--local [OPTIONS] TOOL.METHOD [--arg NAME=VALUE]..."_s,
                  u"-H HOST[,HOST...] [OPTIONS] TOOL.METHOD [--arg NAME=VALUE]..."_s,
                  u"-i INVENTORY -l PATTERN [OPTIONS] TOOL.METHOD [--arg NAME=VALUE]..."_s};
    c.description =
        u"Calls TOOL.METHOD with the --arg values on this machine (--local), on the hosts given "
        "with -H, or on the hosts of the inventory given with -i that the pattern of -l matches. "
        "On this machine the result is printed as indented JSON. On many hosts (and with --json) "
        "one JSON record per host {host, status, ok, changed, check, value, error, duration} is "
        "printed as it finishes, then a summary line; the exit status is 0 only when every host "
        "succeeded. Arguments are checked against the tool's description before anything is "
        "sent.\n\n"
        "Host keys are checked against known_hosts: an unknown key is refused unless --host-keys "
        "accept-new is given, a changed key is always refused. Passwords of inventory hosts come "
        "from the system keychain (see secret set), otherwise from standard input with "
        "--password-stdin."_s;
    c.arguments = {{.name = u"TOOL.METHOD"_s,
                    .description = u"The tool and its method, e.g. Exec.run or Facts.os "
                                   "(hostdeck-cli tools lists them)."_s,
                    .kind = ValueKind::ToolMethod}};
    c.options = {
        flag({u"local"_s}, u"Run on this machine, without SSH."_s),
        valued({u"H"_s, u"hosts"_s}, u"HOSTS"_s, ValueKind::Hosts,
               u"Comma-separated SSH destinations [USER@]HOST[:PORT]; names are looked up in the "
               "OpenSSH client config."_s),
        valued({u"i"_s, u"inventory"_s}, u"FILE"_s, ValueKind::Inventory,
               u"Inventory file to take the hosts from; needs -l."_s),
        valued({u"l"_s, u"limit"_s}, u"PATTERN"_s, ValueKind::Pattern,
               u"Hosts of the inventory: names, groups and globs separated by ':' or ',', with "
               "'&' to intersect and '!' to exclude, e.g. 'web:&prod:!web3'; 'all' for all."_s),
        repeated(valued({u"arg"_s}, u"NAME=VALUE"_s, ValueKind::Text,
                        u"An argument of the method; VALUE is JSON, or a plain string when it is "
                        "not JSON. May be given more than once."_s)),
        flag({u"check"_s}, u"Check mode: report what would change and change nothing."_s),
        flag({u"json"_s}, u"One JSON record per host as it finishes, then the summary line "
                          "(also with --local)."_s),
        flag({u"events"_s}, u"Print every event of the run (run.started, host.state, "
                            "step.output, host.result, run.finished) as a JSON line."_s),
        flag({u"stream"_s}, u"Echo the live output of the call to standard error (prefixed "
                            "with the host when there are several)."_s),
    };
    c.options += runOptions();
    c.options += historyOptions();
    return c;
}

HelpCommand runCommand()
{
    HelpCommand c;
    c.name = u"run"_s;
    c.summary = u"Run a recipe: composed steps on many hosts, with safe rollouts"_s;
    c.synopsis = {u"--local [OPTIONS] RECIPE"_s, u"-H HOST[,HOST...] [OPTIONS] RECIPE"_s,
                  u"-i INVENTORY [-l PATTERN] [OPTIONS] RECIPE"_s};
    c.description =
        u"Runs the steps of the recipe file (YAML; see docs/RECIPES.md) on each host, in order: "
        "each step calls a tool method, may be skipped with when:, keeps its result with "
        "register:, may be retried, and is rendered on the host from the host's variables, the "
        "recipe's vars and the results registered before it. A host stops at its first failing "
        "step unless the step says ignore_errors. The recipe's hosts: pattern is used when -l is "
        "not given. serial and max_fail_percentage (in the recipe or as options) roll out in "
        "batches and stop when a batch fails too much. A table of the steps of each host and a "
        "recap is printed; --json prints one record per host with its steps. The exit status is "
        "0 only when every host succeeded."_s;
    c.arguments = {{.name = u"RECIPE"_s,
                    .description = u"The recipe file (YAML)."_s,
                    .kind = ValueKind::File}};
    c.options = {repeated(valued({u"e"_s, u"extra-vars"_s}, u"NAME=VALUE"_s, ValueKind::Text,
                                 u"A recipe variable; VALUE is JSON, or a plain string when it "
                                 "is not JSON. Wins over the recipe's vars. May be given more "
                                 "than once."_s))};
    for (const HelpOption& option : callCommand().options) {
        if (option.names.constFirst() != u"arg"_s)
            c.options.append(option);
    }
    return c;
}

HelpCommand targetsCommand()
{
    HelpCommand c;
    c.name = u"targets"_s;
    c.summary = u"Print what hosts resolve to, as a run would connect to them"_s;
    c.synopsis = {u"--local [OPTIONS]"_s, u"-H HOST[,HOST...] [OPTIONS]"_s,
                  u"-i INVENTORY -l PATTERN [OPTIONS]"_s};
    c.description =
        u"Resolves the targets exactly as call does (inventory variables after precedence, the "
        "OpenSSH client config, the options) and prints them as a JSON array: name, local or "
        "SSH, user, address, port, identities, known_hosts files, jump chain, interpreter, "
        "become and environment. No host is contacted and no secret is printed."_s;
    const QStringList runOnly{u"arg"_s,     u"json"_s,       u"events"_s,      u"stream"_s,
                              u"history"_s, u"no-history"_s, u"rerun-failed"_s};
    for (const HelpOption& option : callCommand().options) {
        if (!runOnly.contains(option.names.constFirst()))
            c.options.append(option);
    }
    return c;
}

HelpCommand serveCommand()
{
    HelpCommand c;
    c.name = u"serve"_s;
    c.summary = u"Serve the local REST API for scripts (and its OpenAPI document)"_s;
    c.synopsis = {u"[--port N] [-i INVENTORY]... [OPTIONS]"_s};
    c.description =
        u"Runs headless and serves the REST API on 127.0.0.1 and ::1 only: the tool "
        "descriptions, the inventories given with -i and their hosts, runs (start, stream their "
        "events, fetch, cancel), the history, and unknown host keys waiting for a decision. The "
        "OpenAPI document is generated from the tool descriptions and served at /openapi.json. "
        "Every request needs the bearer token that is written, with the URL, to a file only "
        "you can read ($XDG_RUNTIME_DIR/hostdeck/api.json); a request whose Host header is not "
        "a loopback name is refused. The Python client (clients/python) finds both by itself. "
        "Stops on SIGINT or SIGTERM and removes the token file."_s;
    c.options = {
        valued({u"port"_s}, u"N"_s, ValueKind::Number,
               u"TCP port to listen on; 0 picks a free one (the token file tells which)."_s,
               u"7707"_s),
        repeated(valued({u"i"_s, u"inventory"_s}, u"FILE"_s, ValueKind::Inventory,
                        u"Inventory to serve (its id is the file name without extension); may "
                        "be given more than once, the first is the default."_s)),
        valued({u"token-file"_s}, u"FILE"_s, ValueKind::File,
               u"Where to write the URL and token. Default: $XDG_RUNTIME_DIR/hostdeck/api.json "
               "(the config folder without XDG_RUNTIME_DIR)."_s),
        valued({u"history"_s}, u"FILE"_s, ValueKind::File,
               u"Run history database. Default: $XDG_DATA_HOME/hostdeck/history.sqlite."_s),
        flag({u"no-history"_s}, u"Keep no history."_s),
        choice({u"host-keys"_s}, u"POLICY"_s, {u"ask"_s, u"strict"_s, u"accept-new"_s},
               u"What to do with an unknown host key: queue it for a decision over the API "
               "(ask; rejected after --host-key-timeout), refuse it (strict) or add it to "
               "known_hosts (accept-new)."_s,
               u"ask"_s),
        valued({u"host-key-timeout"_s}, u"S"_s, ValueKind::Number,
               u"Seconds an unknown host key waits for a decision before it is rejected."_s,
               u"120"_s),
        pythonOption(u"where the inventory names none"_s),
        toolsDirOption(),
        readyTimeoutOption({}),
        valued({u"ssh-config"_s}, u"FILE"_s, ValueKind::File,
               u"OpenSSH client config to read. Default: ~/.ssh/config when it exists."_s),
        flag({u"no-ssh-config"_s}, u"Read no OpenSSH client config."_s),
        valued({u"known-hosts"_s}, u"FILE"_s, ValueKind::File,
               u"known_hosts file to check host keys against. Default: ~/.ssh/known_hosts."_s),
        repeated(valued({u"identity"_s}, u"FILE"_s, ValueKind::File,
                        u"Private key file to log in with; may be given more than once."_s)),
        valued({u"connect-timeout"_s}, u"S"_s, ValueKind::Number,
               u"Seconds to wait for an SSH connection."_s, u"10"_s)};
    return c;
}

// copy, fetch and sync: the hosts come from the PATTERN:PATH argument.
HelpOption transferInventoryOption()
{
    return valued({u"i"_s, u"inventory"_s}, u"FILE"_s, ValueKind::Inventory,
                  u"Inventory file: PATTERN is then a pattern of its hosts (names, groups and "
                  "globs separated by ':' or ',', '&' to intersect, '!' to exclude). Without "
                  "-i, PATTERN is a comma-separated list of SSH destinations "
                  "[USER@]HOST[:PORT]."_s);
}

QList<HelpOption> transferOptions(bool writes, bool withDelete)
{
    QList<HelpOption> options{
        transferInventoryOption(),
        flag({u"check"_s}, u"Check mode: list what would be copied, deleted or changed, and "
                           "change nothing."_s),
        flag({u"checksum"_s}, u"Compare every file of the same size by SHA-256, even when its "
                              "modification time matches."_s),
        repeated(valued({u"exclude"_s}, u"GLOB"_s, ValueKind::Text,
                        u"Leave out paths whose relative path or name matches GLOB (* also "
                        "matches '/'); excluded files on the hosts are never deleted. May be "
                        "given more than once."_s)),
        flag({u"events"_s}, u"Print every event of the run (progress included) as a JSON "
                            "line."_s),
        flag({u"progress"_s}, u"Print each host's progress (bytes, rate, files) to standard "
                              "error a few times a second."_s)};
    if (writes)
        options +=
            {valued({u"mode"_s}, u"MODE"_s, ValueKind::Text,
                    u"Mode of the files written, e.g. 0644; default: each file's own "
                    "mode here."_s),
             valued({u"owner"_s}, u"USER"_s, ValueKind::Text,
                    u"Owner of everything written (needs the right to chown)."_s),
             valued({u"group"_s}, u"GROUP"_s, ValueKind::Text, u"Group of everything written."_s)};
    if (withDelete)
        options << flag({u"delete"_s}, u"Delete files and folders in REMOTEDIR that LOCALDIR "
                                       "does not have."_s);
    return options + runOptions();
}

const QString kTransferRecord =
    u"One JSON record per host is printed as it finishes; its value says {dest, changed, "
    "copied, deleted, created, attributes, counts, bytes, bytes_sent}, then a summary line; "
    "the exit status is 0 only when every host succeeded."_s;

HelpCommand copyCommand()
{
    HelpCommand c;
    c.name = u"copy"_s;
    c.summary = u"Copy files and folders to many hosts"_s;
    c.synopsis = {u"[OPTIONS] LOCAL... HOSTS:/REMOTE"_s,
                  u"-i INVENTORY [OPTIONS] LOCAL... PATTERN:/REMOTE"_s};
    c.description =
        u"Copies each LOCAL file or folder to every host. REMOTE is a folder the sources go "
        "into when there are several sources, a folder among them, or REMOTE ends with '/'; it "
        "is made when missing. A folder named with a trailing '/' has its content copied into "
        "REMOTE itself. One file otherwise becomes REMOTE, or goes into it when REMOTE is a "
        "folder on the host.\n\n"
        "Files keep their mode (or --mode) and modification time, symlinks stay symlinks. "
        "What is already on a host with the same content is not sent again and the host "
        "reports changed: false: a single file is hashed on both ends, a folder is compared by "
        "size and modification time and hashed on both ends where only the time differs. "
        "Files are written to a temp file and renamed, so a file is never seen half written; "
        "an interrupted copy leaves no temp file.\n\n"_s +
        kTransferRecord;
    c.arguments = {{.name = u"LOCAL"_s,
                    .description = u"A file or folder of this machine."_s,
                    .kind = ValueKind::File},
                   {.name = u"PATTERN:/REMOTE"_s,
                    .description = u"The hosts, then the absolute remote path after the first "
                                   "':/'."_s}};
    c.options = transferOptions(true, false);
    return c;
}

HelpCommand fetchCommand()
{
    HelpCommand c;
    c.name = u"fetch"_s;
    c.summary = u"Fetch a file or folder from many hosts, a subfolder per host"_s;
    c.synopsis = {u"[OPTIONS] HOSTS:/REMOTE LOCALDIR"_s,
                  u"-i INVENTORY [OPTIONS] PATTERN:/REMOTE LOCALDIR"_s};
    c.description =
        u"Fetches REMOTE, a file or a folder, from every host into LOCALDIR/HOST/NAME. Files "
        "keep the host's mode (without set-id bits) and modification time; symlinks stay "
        "symlinks, and nothing is ever written through one. What is already here with the "
        "same content is not fetched again.\n\n"_s +
        kTransferRecord;
    c.arguments = {{.name = u"PATTERN:/REMOTE"_s,
                    .description = u"The hosts, then the absolute remote path after the first "
                                   "':/'."_s},
                   {.name = u"LOCALDIR"_s,
                    .description = u"The folder the hosts' copies go into."_s,
                    .kind = ValueKind::Directory}};
    c.options = transferOptions(false, false);
    return c;
}

HelpCommand syncCommand()
{
    HelpCommand c;
    c.name = u"sync"_s;
    c.summary = u"Make a folder on many hosts match a local folder"_s;
    c.synopsis = {u"[OPTIONS] [--delete] LOCALDIR HOSTS:/REMOTEDIR"_s,
                  u"-i INVENTORY [OPTIONS] [--delete] LOCALDIR PATTERN:/REMOTEDIR"_s};
    c.description =
        u"Makes REMOTEDIR on every host hold what LOCALDIR holds, as rsync -a does, on hosts "
        "with nothing but python3: only files that differ travel (compared by size and "
        "modification time, and by SHA-256 on both ends where only the time differs), many "
        "small files to one call. With --delete, what LOCALDIR lacks is removed from REMOTEDIR. "
        "With --check, the record lists what would be copied, deleted or changed, and nothing "
        "changes.\n\n"_s +
        kTransferRecord;
    c.arguments = {{.name = u"LOCALDIR"_s,
                    .description = u"The folder to mirror (its content, not the folder "
                                   "itself)."_s,
                    .kind = ValueKind::Directory},
                   {.name = u"PATTERN:/REMOTEDIR"_s,
                    .description = u"The hosts, then the absolute remote folder after the "
                                   "first ':/'."_s}};
    c.options = transferOptions(true, true);
    return c;
}

HelpCommand inventoryShow()
{
    return {.name = u"inventory show"_s,
            .summary = u"Print the hosts and groups of an inventory as JSON"_s,
            .synopsis = {u"FILE"_s},
            .description = u"Prints every host with its groups, variables and resolved "
                           "connection settings, and every group with its children, hosts and "
                           "variables."_s,
            .arguments = {inventoryFile()},
            .options = {repeated(valued({u"pattern"_s}, u"PATTERN"_s, ValueKind::Pattern,
                                        u"Also resolve PATTERN (Ansible's order, its warnings "
                                        "and errors) into \"patterns\"; may be given more "
                                        "than once."_s))}};
}

HelpCommand inventoryHosts()
{
    return {.name = u"inventory hosts"_s,
            .summary = u"Print the hosts that a pattern matches"_s,
            .synopsis = {u"FILE PATTERN"_s},
            .description = u"Prints the names of the hosts of FILE that PATTERN matches, one "
                           "per line; the exit status is 1 when it matches none."_s,
            .arguments = {inventoryFile(),
                          {.name = u"PATTERN"_s,
                           .description = u"Names, groups and globs separated by ':' or ',', "
                                          "with '&' to intersect and '!' to exclude."_s,
                           .kind = ValueKind::Pattern}},
            .options = {flag({u"json"_s}, u"Resolve any number of patterns and print them as "
                                          "JSON: {\"patterns\": [{pattern, hosts, warnings, "
                                          "error}]}."_s)}};
}

HelpCommand inventoryImport()
{
    HelpCommand c{
        .name = u"inventory import"_s,
        .summary = u"Make an inventory from an OpenSSH config or an Ansible inventory"_s,
        .synopsis = {u"--from FORMAT SRC --to FILE [--force]"_s},
        .description = u"Reads SRC in FORMAT and writes it as a Hostdeck inventory to "
                       "FILE; what cannot be carried over is reported as a warning."_s,
        .arguments = {
            {.name = u"SRC"_s, .description = u"The file to import."_s, .kind = ValueKind::File}}};
    c.options = {choice({u"from"_s}, u"FORMAT"_s,
                        {u"ssh-config"_s, u"ansible-ini"_s, u"ansible-yaml"_s, u"reemote"_s},
                        u"The format of SRC."_s),
                 valued({u"to"_s}, u"FILE"_s, ValueKind::File, u"The inventory file to write."_s),
                 flag({u"force"_s}, u"Replace FILE when it exists."_s)};
    return c;
}

HelpCommand secretCommand(const QString& verb)
{
    const bool set = verb == u"set"_s;
    HelpCommand c;
    c.name = u"secret "_s + verb;
    c.summary = set ? u"Store a password of an inventory host or group in the keychain"_s
                    : u"Delete a stored password from the keychain"_s;
    c.synopsis = {u"-i FILE HOST|GROUP KIND"_s};
    c.description =
        set ? u"Reads the secret from standard input (one final newline is dropped) and keeps it "
              "in the system keychain (Secret Service) under the inventory's id, never in the "
              "inventory, a log or a command line. A host's secret comes before its groups'. An "
              "inventory without an id is given one."_s
            : u"Removes the secret of KIND for HOST or GROUP from the system keychain."_s;
    c.arguments = {{.name = u"HOST|GROUP"_s,
                    .description = u"A host or group of the inventory."_s,
                    .kind = ValueKind::InventoryName},
                   {.name = u"KIND"_s,
                    .description = u"Which secret: %1."_s.arg(kSecretKinds.join(u", "_s)),
                    .kind = ValueKind::Choice,
                    .choices = kSecretKinds}};
    c.options = {valued({u"i"_s}, u"FILE"_s, ValueKind::Inventory, u"The inventory file."_s)};
    return c;
}

HelpCommand renderCommand()
{
    HelpCommand c{
        .name = u"render"_s,
        .summary = u"Render a template on this machine"_s,
        .synopsis = {u"FILE [--vars VARS.json] [--python PATH]"_s},
        .description = u"Renders the template FILE with the variables of VARS.json "
                       "through the Template tool of a local agent and prints the exact "
                       "text, adding no newline. An error names the template line."_s,
        .arguments = {
            {.name = u"FILE"_s, .description = u"The template."_s, .kind = ValueKind::File}}};
    c.options = {valued({u"vars"_s}, u"FILE"_s, ValueKind::File,
                        u"JSON object of the template variables."_s),
                 pythonOption(u"of the local agent"_s)};
    return c;
}

HelpCommand toolsCommand()
{
    HelpCommand c{.name = u"tools"_s,
                  .summary = u"Print the tool descriptions as JSON"_s,
                  .synopsis = {u"[--tools-dir DIR]... [--all]"_s},
                  .description = u"Starts a local agent with the built-in tools and those of the "
                                 "tools folders and prints their descriptions as JSON: methods, "
                                 "parameters with types and defaults, documentation. Tools from "
                                 "a tools folder are marked custom."_s};
    c.options = {toolsDirOption(),
                 flag({u"all"_s}, u"Also list the protocol methods the transfer engine uses."_s)};
    return c;
}

HelpCommand sshConfigResolve()
{
    HelpCommand c{
        .name = u"ssh-config resolve"_s,
        .summary = u"Print what Hostdeck makes of OpenSSH client config for destinations"_s,
        .synopsis = {u"[--ssh-config FILE] [--system-config FILE] [-l USER] [-p PORT] [-J JUMP] "
                     "ALIAS..."_s},
        .description = u"Resolves each ALIAS through the OpenSSH client config as ssh -G does "
                       "(Host and Match blocks, Include, first value wins, tokens, ProxyJump "
                       "hop by hop) and prints one JSON object per alias, keyed like ssh -G. "
                       "What Hostdeck cannot evaluate (Match exec, ProxyCommand) is an error "
                       "naming the file and line."_s,
        .arguments = {{.name = u"ALIAS"_s,
                       .description = u"A destination as given to ssh."_s,
                       .kind = ValueKind::Hosts}}};
    c.options = {valued({u"ssh-config"_s}, u"FILE"_s, ValueKind::File,
                        u"The user config (as ssh -F). Default: ~/.ssh/config."_s),
                 valued({u"system-config"_s}, u"FILE"_s, ValueKind::File,
                        u"The system config read after it. Default: /etc/ssh/ssh_config."_s),
                 valued({u"l"_s}, u"USER"_s, ValueKind::Text, u"User (as ssh -l)."_s),
                 valued({u"p"_s}, u"PORT"_s, ValueKind::Number, u"Port (as ssh -p)."_s),
                 valued({u"J"_s}, u"JUMP"_s, ValueKind::Hosts, u"Jump hosts (as ssh -J)."_s)};
    return c;
}

HelpSection environmentSection(bool gui)
{
    HelpSection s{.title = u"ENVIRONMENT"_s};
    s.items = {{u"XDG_DATA_HOME"_s, u"User tools are read from $XDG_DATA_HOME/hostdeck/tools "
                                    "(default ~/.local/share/hostdeck/tools)."_s},
               {u"SSH_AUTH_SOCK"_s, u"The ssh-agent tried for key authentication."_s}};
    if (gui)
        s.items.append({u"QT_QPA_PLATFORM"_s,
                        u"The Qt platform plugin, e.g. offscreen to run without a display."_s});
    else
        s.items.append(
            {u"HOSTDECK_DEBUG"_s,
             u"When set, debug messages of the engine are printed to standard error."_s});
    return s;
}

HelpProgram cliTable()
{
    HelpProgram p;
    p.name = u"hostdeck-cli"_s;
    p.summary = u"run tools on many Linux hosts from the command line"_s;
    p.description =
        u"hostdeck-cli is the command line of Hostdeck. It starts a small Python agent in the "
        "bare python3 of each host, over SSH or on this machine, and calls tools on it: files, "
        "commands, packages, services, users, templates and facts. Nothing is installed on the "
        "hosts, and nothing is written there except what a tool is asked to write."_s;
    p.synopsis = {u"COMMAND [OPTIONS] [ARGUMENTS]"_s, u"COMMAND --help"_s, u"--version"_s};
    p.options = {
        flag({u"h"_s, u"help"_s}, u"Show the help of the program, or of the command before it."_s),
        flag({u"version"_s}, u"Print the version and exit."_s), helpFormatOption()};
    p.commands = {callCommand(),
                  runCommand(),
                  targetsCommand(),
                  copyCommand(),
                  fetchCommand(),
                  syncCommand(),
                  inventoryShow(),
                  inventoryHosts(),
                  inventoryImport(),
                  secretCommand(u"set"_s),
                  secretCommand(u"delete"_s),
                  renderCommand(),
                  toolsCommand(),
                  serveCommand(),
                  sshConfigResolve(),
                  {.name = u"help"_s,
                   .summary = u"Show the help of a command"_s,
                   .synopsis = {u"[COMMAND]"_s},
                   .arguments = {{.name = u"COMMAND"_s,
                                  .description = u"A command, e.g. call or inventory import."_s,
                                  .kind = ValueKind::CommandName,
                                  .optional = true}}}};
    p.sections = {
        {.title = u"EXIT STATUS"_s,
         .items = {{u"0"_s, u"Success."_s},
                   {u"1"_s, u"A tool or a host failed (the error is printed as JSON), or a "
                            "pattern matched no host."_s},
                   {u"2"_s, u"A usage, connection or set-up error (one line on standard "
                            "error)."_s}},
         .inHelp = true},
        environmentSection(false),
        {.title = u"FILES"_s,
         .items = {{u"~/.ssh/config"_s, u"OpenSSH client config, read for -H hosts."_s},
                   {u"~/.ssh/known_hosts"_s, u"Known host keys."_s},
                   {u"$XDG_DATA_HOME/hostdeck/tools/*.py"_s,
                    u"User tools: Python modules of tool classes."_s}}},
        {.title = u"EXAMPLES"_s,
         .items = {{u"hostdeck-cli call --local Exec.run --arg 'argv=[\"uname\",\"-a\"]'"_s,
                    u"Run uname -a on this machine."_s},
                   {u"hostdeck-cli call -H web1,web2,deploy@db:2222 --forks 50 Facts.all"_s,
                    u"The facts of three hosts, one JSON line each."_s},
                   {u"hostdeck-cli call -i hosts.yml -l 'web:&prod' --check Exec.which "
                    "--arg name=nginx"_s,
                    u"The production web servers of an inventory."_s},
                   {u"hostdeck-cli copy -i hosts.yml app.conf 'web:&prod:/etc/app/'"_s,
                    u"Copy a file into /etc/app on the production web servers."_s},
                   {u"hostdeck-cli sync --delete site/ web1,web2:/srv/www"_s,
                    u"Make /srv/www on two hosts match the local folder site."_s},
                   {u"hostdeck-cli fetch -i hosts.yml all:/var/log/syslog logs/"_s,
                    u"Fetch every host's syslog into logs/HOST/syslog."_s},
                   {u"printf '%s\\n' \"$PW\" | hostdeck-cli secret set -i hosts.yml web1 "
                    "ssh-password"_s,
                    u"Keep the SSH password of web1 in the keychain."_s}},
         .examples = true}};
    p.seeAlso = {u"hostdeck(1)"_s, u"ssh(1)"_s, u"ssh_config(5)"_s};
    return p;
}

HelpProgram guiTable()
{
    HelpProgram p;
    p.name = u"hostdeck"_s;
    p.summary = u"control many Linux hosts from one window"_s;
    p.description =
        u"Hostdeck is a desktop application for fleets of Linux hosts that have nothing "
        "installed but python3. It reaches each host over SSH, or runs on this machine, streams "
        "a small agent into the bare interpreter and calls tools on it. Pick hosts from an "
        "inventory, pick a tool from the palette, fill in the generated form and watch the "
        "results of every host arrive; runs are kept in a history.\n\n"
        "The standard Qt options are accepted as well, e.g. -platform offscreen or -style "
        "NAME."_s;
    p.synopsis = {u"[OPTIONS] [INVENTORY]"_s};
    p.options = {flag({u"h"_s, u"help"_s}, u"Show this help and exit."_s),
                 flag({u"v"_s, u"version"_s}, u"Print the version and exit."_s),
                 toolsDirOption(),
                 pythonOption(u"for this machine"_s),
                 valued({u"history"_s}, u"FILE"_s, ValueKind::File,
                        u"The run history database (SQLite). Default: "
                        "$XDG_DATA_HOME/hostdeck/history.sqlite."_s),
                 helpFormatOption()};
    p.arguments = {{.name = u"INVENTORY"_s,
                    .description = u"Inventory file to open."_s,
                    .kind = ValueKind::Inventory,
                    .optional = true}};
    p.sections = {environmentSection(true),
                  {.title = u"FILES"_s,
                   .items = {{u"$XDG_DATA_HOME/hostdeck/history.sqlite"_s, u"The run history."_s},
                             {u"$XDG_DATA_HOME/hostdeck/tools/*.py"_s,
                              u"User tools: Python modules of tool classes."_s}}}};
    p.seeAlso = {u"hostdeck-cli(1)"_s, u"ssh_config(5)"_s};
    return p;
}

} // namespace

QString valueKindName(ValueKind kind)
{
    switch (kind) {
    case ValueKind::None:
        return u"none"_s;
    case ValueKind::Text:
        return u"text"_s;
    case ValueKind::Number:
        return u"number"_s;
    case ValueKind::File:
        return u"file"_s;
    case ValueKind::Inventory:
        return u"inventory"_s;
    case ValueKind::Directory:
        return u"directory"_s;
    case ValueKind::Command:
        return u"command"_s;
    case ValueKind::Choice:
        return u"choice"_s;
    case ValueKind::ToolMethod:
        return u"tool-method"_s;
    case ValueKind::Hosts:
        return u"hosts"_s;
    case ValueKind::Pattern:
        return u"pattern"_s;
    case ValueKind::InventoryName:
        return u"inventory-name"_s;
    case ValueKind::CommandName:
        return u"command-name"_s;
    }
    return u"text"_s;
}

const HelpProgram& cliProgram()
{
    static const HelpProgram program = cliTable();
    return program;
}

const HelpProgram& guiProgram()
{
    static const HelpProgram program = guiTable();
    return program;
}

const HelpCommand* findCommand(const HelpProgram& program, const QStringList& words)
{
    const HelpCommand* best = nullptr;
    qsizetype bestWords = 0;
    for (const HelpCommand& command : program.commands) {
        const QStringList name = command.name.split(u' ');
        if (name.size() > words.size() || name.size() <= bestWords)
            continue;
        if (words.mid(0, name.size()) == name) {
            best = &command;
            bestWords = name.size();
        }
    }
    return best;
}

QList<const HelpCommand*> subcommands(const HelpProgram& program, const QString& word)
{
    QList<const HelpCommand*> found;
    for (const HelpCommand& command : program.commands) {
        if (command.name.startsWith(word + u' '))
            found.append(&command);
    }
    return found;
}

QStringList commandWords(const HelpProgram& program)
{
    QStringList words;
    for (const HelpCommand& command : program.commands) {
        const QString first = command.name.section(u' ', 0, 0);
        if (!words.contains(first))
            words.append(first);
    }
    return words;
}

QList<QCommandLineOption> parserOptions(const QList<HelpOption>& options)
{
    QList<QCommandLineOption> result;
    for (const HelpOption& option : options) {
        QCommandLineOption parsed(option.names, option.description, option.valueName,
                                  option.defaultValue);
        if (option.hidden)
            parsed.setFlags(QCommandLineOption::HiddenFromHelp);
        result.append(parsed);
    }
    return result;
}

} // namespace hostdeck::cli
