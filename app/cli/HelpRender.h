#pragma once

#include "app/cli/CliHelp.h"

#include <QByteArray>
#include <QTextStream>

#include <optional>

namespace hostdeck::cli {

/// `PROGRAM --help`: usage, description, commands, options, and the sections marked inHelp.
QString programHelpText(const HelpProgram& program);
/// `PROGRAM COMMAND --help`; several commands (a word with subcommands) give a short overview.
QString commandHelpText(const HelpProgram& program, const QList<const HelpCommand*>& commands);
/// The usage lines printed with a usage error.
QString usageText(const HelpProgram& program);
/// The man page (roff, section 1).
QString manPage(const HelpProgram& program);
/// The whole table as JSON, for the completion generator and the tests.
QByteArray helpJson(const HelpProgram& program);

/// Answers `--help`/`-h`, `COMMAND --help`, `help [COMMAND]`, `--version` and the hidden
/// `--help-format=man|json` from the table. Returns the exit code when it answered; nullopt
/// when `args` (the arguments after the program name) are not a help or version request.
std::optional<int> answerHelpRequest(const HelpProgram& program, const QStringList& args,
                                     QTextStream& out, QTextStream& err);

} // namespace hostdeck::cli
