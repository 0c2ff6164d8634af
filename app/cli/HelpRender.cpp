// Renders the help tables (CliHelp.cpp) as terminal text, a man page and JSON.
#include "app/cli/HelpRender.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hostdeck::cli {

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype kWidth = 80;
constexpr qsizetype kLabelColumn = 26;

/// Words of `text` filled into lines of at most kWidth columns, each starting with `indent`.
QString wrap(const QString& text, qsizetype indent)
{
    QString result;
    const QString pad(indent, u' ');
    for (const QString& paragraph : text.split(u"\n\n"_s)) {
        if (!result.isEmpty())
            result += u'\n';
        QString line = pad;
        for (const QString& word : paragraph.simplified().split(u' ', Qt::SkipEmptyParts)) {
            if (line.size() > indent && line.size() + 1 + word.size() > kWidth) {
                result += line + u'\n';
                line = pad;
            }
            if (line.size() > indent)
                line += u' ';
            line += word;
        }
        result += line + u'\n';
    }
    return result;
}

/// "  LABEL   description" with the description wrapped at kLabelColumn.
QString labelled(const QString& label, const QString& description)
{
    QString text = u"  "_s + label;
    const QString body = wrap(description, kLabelColumn);
    if (text.size() + 2 > kLabelColumn)
        return text + u'\n' + body;
    return text + QString(kLabelColumn - text.size(), u' ') + body.mid(kLabelColumn);
}

QString dashed(const QString& name)
{
    return (name.size() == 1 ? u"-"_s : u"--"_s) + name;
}

QString optionLabel(const HelpOption& option)
{
    QStringList spelled;
    for (const QString& name : option.names)
        spelled << dashed(name);
    QString label = spelled.join(u", "_s);
    if (option.names.constFirst().size() > 1)
        label = u"    "_s + label;
    if (!option.valueName.isEmpty())
        label += u' ' + option.valueName;
    return label;
}

QString optionDescription(const HelpOption& option)
{
    QString text = option.description;
    if (option.kind == ValueKind::Choice)
        text += u" One of: "_s + option.choices.join(u", "_s) + u'.';
    if (!option.defaultValue.isEmpty())
        text += u" Default: "_s + option.defaultValue + u'.';
    return text;
}

QString optionsBlock(const QList<HelpOption>& options)
{
    QString text;
    for (const HelpOption& option : options) {
        if (!option.hidden)
            text += labelled(optionLabel(option), optionDescription(option));
    }
    return text.isEmpty() ? text : u"\nOptions:\n"_s + text;
}

QString argumentsBlock(const QList<HelpArgument>& arguments)
{
    QString text;
    for (const HelpArgument& argument : arguments)
        text += labelled(argument.name, argument.description);
    return text.isEmpty() ? text : u"\nArguments:\n"_s + text;
}

QStringList synopsisLines(const HelpProgram& program, const HelpCommand* command)
{
    QStringList lines;
    const QString prefix = program.name + u' ' + (command ? command->name + u' ' : QString());
    for (const QString& line : command ? command->synopsis : program.synopsis)
        lines << QString(prefix + line).trimmed();
    return lines;
}

QString usageBlock(const QStringList& lines)
{
    QString text;
    for (qsizetype i = 0; i < lines.size(); ++i)
        text += (i == 0 ? u"usage: "_s : u"       "_s) + lines.at(i) + u'\n';
    return text;
}

// --- roff ------------------------------------------------------------------------------------

QString roff(const QString& text)
{
    QString escaped = text;
    escaped.replace(u'\\', u"\\e"_s).replace(u'-', u"\\-"_s);
    if (escaped.startsWith(u'.') || escaped.startsWith(u'\''))
        escaped.prepend(u"\\&"_s);
    return escaped;
}

QString roffParagraphs(const QString& text)
{
    QStringList paragraphs;
    for (const QString& paragraph : text.split(u"\n\n"_s))
        paragraphs << roff(paragraph.simplified());
    return paragraphs.join(u"\n.PP\n"_s) + u'\n';
}

QString roffOption(const HelpOption& option)
{
    QStringList spelled;
    for (const QString& name : option.names)
        spelled << u"\\fB"_s + roff(dashed(name)) + u"\\fR"_s;
    QString tag = spelled.join(u", "_s);
    if (!option.valueName.isEmpty())
        tag += u" \\fI"_s + roff(option.valueName) + u"\\fR"_s;
    return u".TP\n"_s + tag + u'\n' + roff(optionDescription(option)) + u'\n';
}

QString roffSynopsis(const HelpProgram& program, const HelpCommand* command)
{
    QString text;
    const QString bold =
        program.name + (command ? u' ' + command->name : QString()); // program [command]
    const QStringList lines = command ? command->synopsis : program.synopsis;
    for (const QString& line : lines)
        text += u"\\fB"_s + roff(bold) + u"\\fR "_s + roff(line) + u'\n';
    return text;
}

QString roffCommand(const HelpProgram& program, const HelpCommand& command)
{
    QString text = u".SS \""_s + roff(command.name) + u"\"\n.nf\n"_s +
                   roffSynopsis(program, &command) + u".fi\n.PP\n"_s +
                   roff(command.summary + u'.') + u'\n';
    if (!command.description.isEmpty())
        text += u".PP\n"_s + roffParagraphs(command.description);
    for (const HelpArgument& argument : command.arguments)
        text +=
            u".TP\n\\fI"_s + roff(argument.name) + u"\\fR\n"_s + roff(argument.description) + u'\n';
    for (const HelpOption& option : command.options) {
        if (!option.hidden)
            text += roffOption(option);
    }
    return text;
}

QString roffSection(const HelpSection& section)
{
    QString text = u".SH "_s + roff(section.title) + u'\n';
    for (const auto& [term, description] : section.items) {
        if (section.examples)
            text += u".PP\n"_s + roff(description) + u"\n.PP\n.RS 4\n.nf\n"_s + roff(term) +
                    u"\n.fi\n.RE\n"_s;
        else
            text += u".TP\n"_s + roff(term) + u'\n' + roff(description) + u'\n';
    }
    return text;
}

// --- JSON ------------------------------------------------------------------------------------

QJsonObject optionJson(const HelpOption& option)
{
    QJsonArray spelled;
    for (const QString& name : option.names)
        spelled.append(dashed(name));
    return {{u"names"_s, QJsonArray::fromStringList(option.names)},
            {u"flags"_s, spelled},
            {u"value"_s, option.valueName},
            {u"kind"_s, valueKindName(option.kind)},
            {u"choices"_s, QJsonArray::fromStringList(option.choices)},
            {u"default"_s, option.defaultValue},
            {u"repeatable"_s, option.repeatable},
            {u"hidden"_s, option.hidden},
            {u"description"_s, option.description}};
}

QJsonArray optionsJson(const QList<HelpOption>& options)
{
    QJsonArray array;
    for (const HelpOption& option : options)
        array.append(optionJson(option));
    return array;
}

QJsonArray argumentsJson(const QList<HelpArgument>& arguments)
{
    QJsonArray array;
    for (const HelpArgument& argument : arguments)
        array.append(QJsonObject{{u"name"_s, argument.name},
                                 {u"kind"_s, valueKindName(argument.kind)},
                                 {u"choices"_s, QJsonArray::fromStringList(argument.choices)},
                                 {u"optional"_s, argument.optional},
                                 {u"description"_s, argument.description}});
    return array;
}

} // namespace

QString programHelpText(const HelpProgram& program)
{
    QString text =
        usageBlock(synopsisLines(program, nullptr)) + u'\n' + wrap(program.description, 0);
    if (!program.commands.isEmpty()) {
        text += u"\nCommands:\n"_s;
        for (const HelpCommand& command : program.commands)
            text += labelled(command.name, command.summary);
    }
    text += argumentsBlock(program.arguments) + optionsBlock(program.options);
    for (const HelpSection& section : program.sections) {
        if (!section.inHelp)
            continue;
        text += u'\n' + section.title.left(1) + section.title.mid(1).toLower() + u":\n"_s;
        for (const auto& [term, description] : section.items)
            text += labelled(term, description);
    }
    if (!program.commands.isEmpty())
        text += u"\nRun '%1 COMMAND --help' for the arguments and options of a command.\n"_s.arg(
            program.name);
    return text;
}

QString commandHelpText(const HelpProgram& program, const QList<const HelpCommand*>& commands)
{
    QStringList lines;
    for (const HelpCommand* command : commands)
        lines << synopsisLines(program, command);
    QString text = usageBlock(lines);
    if (commands.size() == 1) {
        const HelpCommand& command = *commands.constFirst();
        text += u'\n' + wrap(command.summary + u'.', 0);
        if (!command.description.isEmpty())
            text += u'\n' + wrap(command.description, 0);
        text += argumentsBlock(command.arguments) + optionsBlock(command.options);
        return text;
    }
    text += u"\nCommands:\n"_s;
    for (const HelpCommand* command : commands)
        text += labelled(command->name, command->summary);
    return text +
           u"\nRun '%1 COMMAND --help' for the arguments and options of one.\n"_s.arg(program.name);
}

QString usageText(const HelpProgram& program)
{
    QStringList lines;
    for (const HelpCommand& command : program.commands)
        lines << synopsisLines(program, &command);
    if (lines.isEmpty())
        lines = synopsisLines(program, nullptr);
    return usageBlock(lines) + u"Run '%1 --help' for more.\n"_s.arg(program.name);
}

QString manPage(const HelpProgram& program)
{
    QString text = u".\\\" Generated from the help table (app/cli/CliHelp.cpp) by "
                   "'%1 --help-format=man'.\n"_s.arg(program.name);
    text += u".TH \"%1\" 1 \"\" \"Hostdeck %2\" \"User Commands\"\n"_s.arg(
        roff(program.name.toUpper()), QStringLiteral(HOSTDECK_VERSION));
    text += u".SH NAME\n"_s + roff(program.name) + u" \\- "_s + roff(program.summary) + u'\n';
    text += u".SH SYNOPSIS\n.nf\n"_s + roffSynopsis(program, nullptr);
    for (const HelpCommand& command : program.commands)
        text += roffSynopsis(program, &command);
    text += u".fi\n.SH DESCRIPTION\n"_s + roffParagraphs(program.description);
    if (!program.arguments.isEmpty()) {
        text += u".SH ARGUMENTS\n"_s;
        for (const HelpArgument& argument : program.arguments)
            text += u".TP\n\\fI"_s + roff(argument.name) + u"\\fR\n"_s +
                    roff(argument.description) + u'\n';
    }
    text += u".SH OPTIONS\n"_s;
    for (const HelpOption& option : program.options) {
        if (!option.hidden)
            text += roffOption(option);
    }
    if (!program.commands.isEmpty()) {
        text += u".SH COMMANDS\n"_s;
        for (const HelpCommand& command : program.commands)
            text += roffCommand(program, command);
    }
    for (const HelpSection& section : program.sections)
        text += roffSection(section);
    if (!program.seeAlso.isEmpty()) {
        QStringList refs;
        for (const QString& ref : program.seeAlso) {
            const qsizetype paren = ref.indexOf(u'(');
            refs << u".BR "_s + roff(ref.left(paren)) + u' ' + ref.mid(paren);
        }
        for (qsizetype i = 0; i + 1 < refs.size(); ++i)
            refs[i] += u" ,"_s;
        text += u".SH SEE ALSO\n"_s + refs.join(u'\n') + u'\n';
    }
    return text;
}

QByteArray helpJson(const HelpProgram& program)
{
    QJsonArray commands;
    for (const HelpCommand& command : program.commands)
        commands.append(QJsonObject{{u"name"_s, command.name},
                                    {u"summary"_s, command.summary},
                                    {u"synopsis"_s, QJsonArray::fromStringList(command.synopsis)},
                                    {u"arguments"_s, argumentsJson(command.arguments)},
                                    {u"options"_s, optionsJson(command.options)}});
    const QJsonObject root{{u"name"_s, program.name},
                           {u"version"_s, QStringLiteral(HOSTDECK_VERSION)},
                           {u"summary"_s, program.summary},
                           {u"synopsis"_s, QJsonArray::fromStringList(program.synopsis)},
                           {u"options"_s, optionsJson(program.options)},
                           {u"arguments"_s, argumentsJson(program.arguments)},
                           {u"commands"_s, commands}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace hostdeck::cli
