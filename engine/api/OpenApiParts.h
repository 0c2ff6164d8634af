#pragma once

#include <QJsonObject>
#include <QString>

// The fixed parts of the OpenAPI document (OpenApiDocument adds one operation per tool method).
namespace hostdeck::engine::api::openapi {

QJsonObject ref(const QString& schema);
QJsonObject jsonBody(const QJsonObject& schema, bool required = true);
QJsonObject info(const QString& version);
QJsonArray fixedTags();
QJsonObject fixedSchemas();
QJsonObject fixedPaths();
QJsonObject errorResponses();
/// The properties every run start takes (targets and options), without `args`/`recipe`.
QJsonObject callRequestSchema();
QJsonObject runStartResponses();

} // namespace hostdeck::engine::api::openapi
