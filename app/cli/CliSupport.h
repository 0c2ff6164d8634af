#pragma once

#include "engine/util/Result.h"

#include <QJsonObject>
#include <QStringList>
#include <QTextStream>

namespace hostdeck::cli {

/// Exit codes of hostdeck-cli: 0 success, 1 a remote/tool failure, 2 a usage or connection error.
enum ExitCode
{
    ExitOk = 0,
    ExitFailed = 1,
    ExitUsage = 2
};

QTextStream& out();
QTextStream& err();

/// `--arg NAME=VALUE` pairs: VALUE is JSON when it parses as JSON, otherwise a plain string.
engine::Result<QJsonObject> parseCallArgs(const QStringList& pairs);
/// Split "Tool.method".
engine::Result<std::pair<QString, QString>> parseToolMethod(const QString& text);

/// Print to stdout as indented JSON followed by a newline.
void printJson(const QJsonValue& value);

} // namespace hostdeck::cli
