#pragma once

#include "engine/agent/ToolCatalog.h"
#include "engine/runner/RunRequest.h"

#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace hostdeck::engine::api {

/// An answer of the API: a status and a JSON body. Errors are {"error": {kind, message, field}}.
struct ApiResponse
{
    int status = 200;
    QJsonValue body;

    static ApiResponse error(int status, ErrorKind kind, const QString& message,
                             const QString& field = {});
    bool ok() const { return status < 400; }
};

/// What a run-start request asks for (POST /v1/runs, /v1/call/Tool.method, a re-run): a tool
/// call or a recipe, the targets (a pattern over a served inventory, or ad-hoc destinations) and
/// the run options. Parsing checks every field's type; checkArgs checks the call's arguments
/// against the tool descriptions (ArgumentCheck), naming the refused field.
struct RunSpec
{
    QString tool;
    QString method;
    QJsonObject args;
    std::optional<QJsonValue> recipe;
    QString pattern; ///< empty: all
    QString inventory;
    QStringList hosts;
    RunOptions options;

    /// `toolMethod` set: the body is a /v1/call/ body (no tool, method or recipe in it).
    static std::variant<RunSpec, ApiResponse>
    parse(const QJsonObject& body, const std::optional<std::pair<QString, QString>>& toolMethod);
    /// nullopt when the arguments fit the method; otherwise a 400 (or 404 for an unknown or
    /// internal method) naming the field (`args.NAME`, `tool`, `method`).
    std::optional<ApiResponse> checkArgs(const ToolCatalog& catalog) const;
};

} // namespace hostdeck::engine::api
