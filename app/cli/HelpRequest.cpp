// `--help`, `COMMAND --help`, `help COMMAND`, `--version` and `--help-format`, answered from the
// help table before any command runs (and, for the GUI, before a display is needed).
#include "app/cli/HelpRender.h"

namespace hostdeck::cli {

using namespace Qt::StringLiterals;

namespace {

const QStringList kHelpFlags{u"--help"_s, u"-h"_s, u"-?"_s};

/// The table entry a command-line token names ("--hosts", "-H", "--hosts=x"), or nullptr.
const HelpOption* optionFor(const QString& token, const QList<const QList<HelpOption>*>& scopes)
{
    if (!token.startsWith(u'-') || token == u"-"_s)
        return nullptr;
    const QString name = token.mid(token.startsWith(u"--"_s) ? 2 : 1).section(u'=', 0, 0);
    for (const QList<HelpOption>* options : scopes) {
        for (const HelpOption& option : *options) {
            if (option.names.contains(name))
                return &option;
        }
    }
    return nullptr;
}

/// The arguments that are not option values, up to "--" (values never read as --help).
QStringList bareTokens(const QStringList& args, const QList<const QList<HelpOption>*>& scopes)
{
    QStringList tokens;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& token = args.at(i);
        if (token == u"--"_s)
            break;
        tokens << token;
        const HelpOption* option = optionFor(token, scopes);
        if (option && !option->valueName.isEmpty() && !token.contains(u'='))
            ++i;
    }
    return tokens;
}

int printHelpFormat(const HelpProgram& program, const QStringList& args, QTextStream& out,
                    QTextStream& err)
{
    const QString& first = args.constFirst();
    const QString format = first.contains(u'=') ? first.section(u'=', 1) : args.value(1);
    if (format == u"man"_s)
        out << manPage(program);
    else if (format == u"json"_s)
        out << QString::fromUtf8(helpJson(program));
    else {
        err << program.name << ": --help-format: expected man or json, not '" << format << "'\n";
        err.flush();
        return 2;
    }
    out.flush();
    return 0;
}

int unknownCommand(const HelpProgram& program, const QString& word, QTextStream& err)
{
    err << program.name << ": unknown command '" << word << "'\n" << usageText(program);
    err.flush();
    return 2;
}

/// Help for the command named by `words` (a command, or a word with subcommands).
int printCommandHelp(const HelpProgram& program, const QStringList& words, QTextStream& out,
                     QTextStream& err)
{
    QList<const HelpCommand*> commands;
    if (const HelpCommand* command = findCommand(program, words))
        commands << command;
    else
        commands = subcommands(program, words.constFirst());
    if (commands.isEmpty())
        return unknownCommand(program, words.constFirst(), err);
    out << commandHelpText(program, commands);
    out.flush();
    return 0;
}

} // namespace

std::optional<int> answerHelpRequest(const HelpProgram& program, const QStringList& args,
                                     QTextStream& out, QTextStream& err)
{
    if (args.isEmpty())
        return std::nullopt;
    const QString& first = args.constFirst();
    if (first == u"--help-format"_s || first.startsWith(u"--help-format="_s))
        return printHelpFormat(program, args, out, err);

    // Leading words name the command ("inventory import"); programs without commands have none.
    QStringList words;
    if (!program.commands.isEmpty()) {
        for (const QString& token : args) {
            if (token.startsWith(u'-') || words.size() == 2)
                break;
            words << token;
        }
    }
    if (words.value(0) == u"help"_s) {
        if (args.size() == 1) {
            out << programHelpText(program);
            out.flush();
            return 0;
        }
        return printCommandHelp(program, kHelpFlags.contains(args.at(1)) ? words : args.mid(1), out,
                                err);
    }
    const HelpCommand* command = words.isEmpty() ? nullptr : findCommand(program, words);
    QList<const QList<HelpOption>*> scopes{&program.options};
    if (command)
        scopes << &command->options;
    const QStringList tokens = bareTokens(args, scopes);
    for (const QString& token : tokens) {
        if (!kHelpFlags.contains(token))
            continue;
        if (words.isEmpty()) {
            out << programHelpText(program);
            out.flush();
            return 0;
        }
        return printCommandHelp(program, words, out, err);
    }
    // --version belongs to the program: not after a command word ("call --version" is the
    // command's business).
    if (words.isEmpty()) {
        for (const QString& token : tokens) {
            const HelpOption* option = optionFor(token, {&program.options});
            if (option && option->names.contains(u"version"_s) && !token.contains(u'=')) {
                out << program.name << ' ' << QStringLiteral(HOSTDECK_VERSION) << '\n';
                out.flush();
                return 0;
            }
        }
    }
    return std::nullopt;
}

} // namespace hostdeck::cli
