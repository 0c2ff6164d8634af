#pragma once

#include <QIODevice>
#include <QStringList>
#include <QTextStream>

namespace hostdeck::cli {

/// `inventory show FILE | hosts FILE PATTERN | hosts FILE --json PATTERN... |
/// import --from FORMAT SRC --to FILE [--force]`. `args` are the words after "inventory".
/// Returns 0 ok, 1 failure, 2 usage error. An import that found secrets (reemote) stores them in
/// the keychain and so runs the event loop: call it like runSecretCommand.
int runInventoryCommand(const QStringList& args, QTextStream& out, QTextStream& err);

/// `secret set|delete -i FILE HOST|GROUP KIND`; `set` reads the secret from `in` (one trailing
/// newline dropped). `args` are the words after "secret". The keychain answers asynchronously, so
/// this runs the application's event loop (QCoreApplication::exec) until it is done: call it from
/// main() with a QCoreApplication constructed and no event loop running yet.
int runSecretCommand(const QStringList& args, QIODevice& in, QTextStream& out, QTextStream& err);

} // namespace hostdeck::cli
