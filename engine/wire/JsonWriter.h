#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QStringView>

namespace hostdeck::engine::wire {

/// Compact JSON text straight from Qt's JSON values, without a QJsonDocument: the hot path of
/// every frame the controller sends (a call's body costs about a fifth of what
/// QJsonDocument::toJson spends converting keys and strings). Strings are written as UTF-8 with
/// the escapes JSON requires (quote, backslash, control characters; an unpaired surrogate as
/// \uXXXX); non-finite numbers are written as null, as Qt does; integers exactly.
void appendJson(QByteArray& out, const QJsonValue& value);
/// A JSON string literal for `text`.
void appendJsonString(QByteArray& out, QStringView text);

} // namespace hostdeck::engine::wire
