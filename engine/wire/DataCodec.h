#pragma once

#include "engine/util/Result.h"

#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace hostdeck::engine::wire {

/// Body encoding of protocol v1: one JSON value; bytes travel as {"$bytes": "<base64>"}.
QByteArray encodeValue(const QJsonValue& value);
/// Parse a body. Errors name the byte offset and the JSON problem.
Result<QJsonValue> decodeValue(const QByteArray& body);

/// A frame body ready to send: plain JSON, or — when the value holds bytes — the attachment
/// layout: u32 JSON length, the JSON (bytes replaced by {"$bin": index}), then each blob as
/// u32 length + raw bytes. Raw blobs spare both ends base64 and JSON string work.
struct EncodedBody
{
    QByteArray bytes;
    bool attachments = false;
};
EncodedBody encodeBody(const QJsonValue& value);
/// The same, with raw blobs the value already refers to as {"$bin": i} (no base64 on the way).
EncodedBody encodeBody(const QJsonValue& value, QList<QByteArray> blobs);
/// The body of a CALL frame, {"tool", "method", "args", "check"} (PROTOCOL.md §2), the same as
/// encodeBody of that object, without building the object first (the hot path of every call).
EncodedBody encodeCall(const QString& tool, const QString& method, const QJsonObject& args,
                       bool check, QList<QByteArray> blobs = {});
/// Inverse of encodeBody: {"$bin": i} references become {"$bytes": ...} values again.
Result<QJsonValue> decodeBody(const QByteArray& body, bool attachments);

/// Wrap raw bytes as the tagged JSON form.
QJsonValue bytesValue(const QByteArray& bytes);
/// The bytes of a tagged value, or std::nullopt when `value` is not one.
std::optional<QByteArray> toBytes(const QJsonValue& value);

} // namespace hostdeck::engine::wire
