#include "engine/ssh/RemoteCommand.h"

namespace hostdeck::engine {

QString RemoteCommand::quoteWord(const QString& word)
{
    QString quoted;
    quoted.reserve(word.size() + 2);
    quoted.append(QLatin1Char('\''));
    for (const QChar c : word) {
        if (c == QLatin1Char('\''))
            quoted.append(QLatin1String("'\\''"));
        else
            quoted.append(c);
    }
    quoted.append(QLatin1Char('\''));
    return quoted;
}

QByteArray RemoteCommand::commandLine(const Command& command)
{
    QString line = QStringLiteral("exec ") + quoteWord(command.program);
    for (const QString& argument : command.arguments)
        line += u' ' + quoteWord(argument);
    return line.toUtf8();
}

} // namespace hostdeck::engine
