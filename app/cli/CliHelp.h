#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

namespace hostdeck::cli {

/// What a value is, so that shell completion can offer the right words.
enum class ValueKind
{
    None,          ///< a flag: takes no value
    Text,          ///< free text (nothing to offer)
    Number,        ///< seconds or a count
    File,          ///< a file name
    Inventory,     ///< an inventory file: its hosts and groups complete later words
    Directory,     ///< a folder name
    Command,       ///< a program, possibly followed by arguments
    Choice,        ///< one of `choices`
    ToolMethod,    ///< TOOL.METHOD, from the tool descriptions (`hostdeck-cli tools`)
    Hosts,         ///< comma-separated SSH destinations
    Pattern,       ///< host pattern over the inventory given with -i (or the FILE argument)
    InventoryName, ///< one host or group name of that inventory
    CommandName,   ///< a command of this program
};

/// Stable lower-case names of the kinds, as written in `--help-format=json`.
QString valueKindName(ValueKind kind);

/// One option. `names` lists the short name first, then the long one: {"H", "hosts"}.
struct HelpOption
{
    QStringList names{};
    QString valueName{}; ///< empty: a flag
    QString description{};
    ValueKind kind = ValueKind::None;
    QStringList choices{};
    QString defaultValue{};
    bool repeatable = false;
    bool hidden = false; ///< accepted but left out of --help and the man page
};

/// One positional argument.
struct HelpArgument
{
    QString name{};
    QString description{};
    ValueKind kind = ValueKind::Text;
    QStringList choices{};
    bool optional = false;
};

/// One command: the words typed after the program name ("call", "inventory import").
struct HelpCommand
{
    QString name{};
    QString summary{};      ///< one line, without a final full stop
    QStringList synopsis{}; ///< usage lines, each following "PROGRAM NAME "
    QString description{};  ///< paragraphs separated by blank lines
    QList<HelpArgument> arguments{};
    QList<HelpOption> options{};
};

/// A man page section beyond the generated ones: term/description items.
struct HelpSection
{
    QString title{};
    QList<std::pair<QString, QString>> items{};
    bool examples = false; ///< terms are command lines, shown as code after their description
    bool inHelp = false;   ///< also shown by `PROGRAM --help`
};

/// Everything the help, the man page and the shell completion of one program say.
struct HelpProgram
{
    QString name{};
    QString summary{}; ///< the man page's NAME line
    QString description{};
    QStringList synopsis{}; ///< usage lines after the program name (commands add theirs)
    QList<HelpOption> options{};
    QList<HelpArgument> arguments{};
    QList<HelpCommand> commands{}; ///< empty for a program without commands
    QList<HelpSection> sections{};
    QStringList seeAlso{}; ///< "ssh_config(5)"
};

/// The tables: `hostdeck-cli` and the `hostdeck` GUI.
const HelpProgram& cliProgram();
const HelpProgram& guiProgram();

/// The command named by the leading words of `words` (longest match: "inventory import" before
/// "inventory"); nullptr when none.
const HelpCommand* findCommand(const HelpProgram& program, const QStringList& words);
/// The commands whose name starts with `word` + space ("inventory" -> show, hosts, import).
QList<const HelpCommand*> subcommands(const HelpProgram& program, const QString& word);
/// The distinct first words of the commands, in table order.
QStringList commandWords(const HelpProgram& program);

/// QCommandLineParser options made from table entries, so a parser cannot drift from its help.
QList<QCommandLineOption> parserOptions(const QList<HelpOption>& options);

} // namespace hostdeck::cli
