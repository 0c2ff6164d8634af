#pragma once

#include <QStringList>

#include <functional>

namespace hostdeck::cli {

/// Each command parses its own arguments (everything after the sub-command word), runs
/// asynchronously on the event loop and reports its exit code through `done`.
using Done = std::function<void(int exitCode)>;

/// `call --local [--python PATH] [--tools-dir DIR] [--timeout S] [--check] [--stream] TOOL.METHOD
/// [--arg NAME=JSON]...`
void runLocalCall(const QStringList& args, Done done);
/// `render FILE [--vars VARS.json] [--python PATH]`
void runRender(const QStringList& args, Done done);
/// `tools [--tools-dir DIR] [--python PATH]`
void runTools(const QStringList& args, Done done);

} // namespace hostdeck::cli
