#pragma once

#include "util/Result.h"

#include <QJsonValue>

#include <optional>

namespace hostdeck::engine::wire {

/// Body encoding of protocol v1: one JSON value; bytes travel as {"$bytes": "<base64>"}.
QByteArray encodeValue(const QJsonValue& value);
/// Parse a body. Errors name the byte offset and the JSON problem.
Result<QJsonValue> decodeValue(const QByteArray& body);

/// Wrap raw bytes as the tagged JSON form.
QJsonValue bytesValue(const QByteArray& bytes);
/// The bytes of a tagged value, or std::nullopt when `value` is not one.
std::optional<QByteArray> toBytes(const QJsonValue& value);

} // namespace hostdeck::engine::wire
