#include "wire/DataCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hostdeck::engine::wire {

namespace {
const QString kBytesKey = QStringLiteral("$bytes");
}

QByteArray encodeValue(const QJsonValue& value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    // QJsonDocument only serialises containers: wrap the scalar and unwrap the text.
    QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return text.sliced(1, text.size() - 2);
}

Result<QJsonValue> decodeValue(const QByteArray& body)
{
    // Qt 6.4 parses only containers at the top level: wrap the body in an array.
    QByteArray wrapped;
    wrapped.reserve(body.size() + 2);
    wrapped.append('[').append(body).append(']');
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(wrapped, &error);
    if (error.error != QJsonParseError::NoError)
        return makeError(ErrorKind::Protocol, QStringLiteral("bad JSON body at byte %1: %2")
                                                  .arg(qMax(0, error.offset - 1))
                                                  .arg(error.errorString()));
    const QJsonArray array = doc.array();
    if (array.size() != 1)
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("bad JSON body: expected one value, found %1").arg(array.size()));
    return array.first();
}

QJsonValue bytesValue(const QByteArray& bytes)
{
    return QJsonObject{{kBytesKey, QString::fromLatin1(bytes.toBase64())}};
}

std::optional<QByteArray> toBytes(const QJsonValue& value)
{
    if (!value.isObject())
        return std::nullopt;
    const QJsonObject object = value.toObject();
    if (object.size() != 1)
        return std::nullopt;
    const QJsonValue encoded = object.value(kBytesKey);
    if (!encoded.isString())
        return std::nullopt;
    auto decoded = QByteArray::fromBase64Encoding(encoded.toString().toLatin1(),
                                                  QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

} // namespace hostdeck::engine::wire
