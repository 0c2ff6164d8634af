#pragma once

#include "engine/transport/Transport.h"

#include <QByteArray>
#include <QString>

namespace hostdeck::engine {

/// Builds the command line an SSH server hands to the user's login shell (`sh -c LINE`).
/// Every word is single-quoted, so no word is ever interpreted by the remote shell.
class RemoteCommand
{
public:
    /// `'it'\''s'` for `it's`; `''` for the empty string.
    static QString quoteWord(const QString& word);
    /// `exec 'prog' 'arg1' 'arg2'` as UTF-8: the shell replaces itself with the program.
    static QByteArray commandLine(const Command& command);
};

} // namespace hostdeck::engine
