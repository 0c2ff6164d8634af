#include "engine/wire/DataCodec.h"

#include "engine/wire/JsonWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

namespace hostdeck::engine::wire {

namespace {
const QString kBytesKey = QStringLiteral("$bytes");
}

QByteArray encodeValue(const QJsonValue& value)
{
    QByteArray text;
    appendJson(text, value);
    return text;
}

Result<QJsonValue> decodeValue(const QByteArray& body)
{
    qsizetype first = 0;
    while (first < body.size() && (body[first] == ' ' || body[first] == '\t' ||
                                   body[first] == '\n' || body[first] == '\r'))
        ++first;
    const bool container = first < body.size() && (body[first] == '{' || body[first] == '[');
    QJsonParseError error{};
    if (container) {
        // Objects and arrays parse as they are: no copy of a body that may be large.
        const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
        if (error.error != QJsonParseError::NoError)
            return makeError(ErrorKind::Protocol, QStringLiteral("bad JSON body at byte %1: %2")
                                                      .arg(error.offset)
                                                      .arg(error.errorString()));
        return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    }
    // Qt 6.4 parses only containers at the top level: wrap a scalar in an array.
    QByteArray wrapped;
    wrapped.reserve(body.size() + 2);
    wrapped.append('[').append(body).append(']');
    const QJsonDocument doc = QJsonDocument::fromJson(wrapped, &error);
    if (error.error != QJsonParseError::NoError)
        return makeError(ErrorKind::Protocol, QStringLiteral("bad JSON body at byte %1: %2")
                                                  .arg(qMax(0, error.offset - 1))
                                                  .arg(error.errorString()));
    const QJsonArray array = doc.array();
    if (array.size() != 1)
        return makeError(
            ErrorKind::Protocol,
            QStringLiteral("bad JSON body: expected one value, found %1").arg(array.size()));
    return array.first();
}

namespace {

constexpr char16_t kAlphabet[] =
    u"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Straight into UTF-16: Qt's toBase64() + fromLatin1() costs ~9 ms per MiB, this ~1 ms.
QString base64Encode(const QByteArray& in)
{
    const auto* src = reinterpret_cast<const unsigned char*>(in.constData());
    const qsizetype n = in.size();
    QString out(((n + 2) / 3) * 4, Qt::Uninitialized);
    auto* dst = reinterpret_cast<char16_t*>(out.data());
    qsizetype i = 0;
    for (; i + 3 <= n; i += 3) {
        const quint32 v = (quint32(src[i]) << 16) | (quint32(src[i + 1]) << 8) | src[i + 2];
        *dst++ = kAlphabet[v >> 18];
        *dst++ = kAlphabet[(v >> 12) & 63];
        *dst++ = kAlphabet[(v >> 6) & 63];
        *dst++ = kAlphabet[v & 63];
    }
    if (i < n) {
        const quint32 v = (quint32(src[i]) << 16) | (i + 1 < n ? quint32(src[i + 1]) << 8 : 0);
        *dst++ = kAlphabet[v >> 18];
        *dst++ = kAlphabet[(v >> 12) & 63];
        *dst++ = i + 1 < n ? kAlphabet[(v >> 6) & 63] : u'=';
        *dst++ = u'=';
    }
    return out;
}

struct DecodeTable
{
    signed char digit[128];
    constexpr DecodeTable() : digit{}
    {
        for (auto& d : digit)
            d = -1;
        for (int i = 0; i < 64; ++i)
            digit[kAlphabet[i]] = static_cast<signed char>(i);
    }
};
constexpr DecodeTable kDecode;

inline int base64Digit(char16_t c)
{
    return c < 128 ? kDecode.digit[c] : -1;
}

/// Strict: standard alphabet, length a multiple of 4, padding only at the end.
std::optional<QByteArray> base64Decode(QStringView in)
{
    const qsizetype n = in.size();
    if (n % 4 != 0)
        return std::nullopt;
    if (n == 0)
        return QByteArray();
    const qsizetype pad = in[n - 1] == u'=' ? (in[n - 2] == u'=' ? 2 : 1) : 0;
    QByteArray out((n / 4) * 3 - pad, Qt::Uninitialized);
    auto* dst = reinterpret_cast<unsigned char*>(out.data());
    const char16_t* src = in.utf16();
    const qsizetype full = pad ? n - 4 : n; // quads without padding
    for (qsizetype i = 0; i < full; i += 4) {
        const int a = base64Digit(src[i]), b = base64Digit(src[i + 1]);
        const int c = base64Digit(src[i + 2]), d = base64Digit(src[i + 3]);
        if ((a | b | c | d) < 0)
            return std::nullopt;
        const quint32 v = (quint32(a) << 18) | (quint32(b) << 12) | (quint32(c) << 6) | quint32(d);
        *dst++ = static_cast<unsigned char>(v >> 16);
        *dst++ = static_cast<unsigned char>(v >> 8);
        *dst++ = static_cast<unsigned char>(v);
    }
    if (pad) {
        const int a = base64Digit(src[n - 4]), b = base64Digit(src[n - 3]);
        const int c = pad == 2 ? 0 : base64Digit(src[n - 2]);
        if ((a | b | c) < 0)
            return std::nullopt;
        const quint32 v = (quint32(a) << 18) | (quint32(b) << 12) | (quint32(c) << 6);
        *dst++ = static_cast<unsigned char>(v >> 16);
        if (pad == 1)
            *dst++ = static_cast<unsigned char>(v >> 8);
    }
    return out;
}

} // namespace

QJsonValue bytesValue(const QByteArray& bytes)
{
    return QJsonObject{{kBytesKey, base64Encode(bytes)}};
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
    return base64Decode(encoded.toString());
}

} // namespace hostdeck::engine::wire

namespace hostdeck::engine::wire {

namespace {

const QString kBinKey = QStringLiteral("$bin");

bool containsBytes(const QJsonValue& value)
{
    if (value.isArray()) {
        for (const auto item : value.toArray()) {
            if (containsBytes(item))
                return true;
        }
        return false;
    }
    if (!value.isObject())
        return false;
    const QJsonObject object = value.toObject();
    if (object.size() == 1 && object.contains(kBytesKey))
        return true;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (containsBytes(it.value()))
            return true;
    }
    return false;
}

/// Copy of `value` with every tagged bytes value moved out into `blobs`.
QJsonValue extractBytes(const QJsonValue& value, QList<QByteArray>& blobs)
{
    if (value.isArray()) {
        QJsonArray out;
        for (const auto item : value.toArray())
            out.append(extractBytes(item, blobs));
        return out;
    }
    if (!value.isObject())
        return value;
    if (auto bytes = toBytes(value)) {
        blobs.append(std::move(*bytes));
        return QJsonObject{{kBinKey, qint64(blobs.size() - 1)}};
    }
    const QJsonObject object = value.toObject();
    QJsonObject out;
    for (auto it = object.begin(); it != object.end(); ++it)
        out.insert(it.key(), extractBytes(it.value(), blobs));
    return out;
}

Result<QJsonValue> insertBytes(const QJsonValue& value, const QList<QByteArray>& blobs)
{
    if (value.isArray()) {
        QJsonArray out;
        for (const auto item : value.toArray()) {
            auto converted = insertBytes(item, blobs);
            if (!converted)
                return converted;
            out.append(*converted);
        }
        return QJsonValue(out);
    }
    if (!value.isObject())
        return value;
    const QJsonObject object = value.toObject();
    if (object.size() == 1 && object.contains(kBinKey)) {
        const QJsonValue index = object.value(kBinKey);
        const qint64 i = index.toInteger(-1);
        if (!index.isDouble() || i < 0 || i >= blobs.size())
            return makeError(ErrorKind::Protocol,
                             QStringLiteral("bad attachment reference %1 (%2 attached)")
                                 .arg(QString::fromUtf8(encodeValue(index)))
                                 .arg(blobs.size()));
        return bytesValue(blobs.at(i));
    }
    QJsonObject out;
    for (auto it = object.begin(); it != object.end(); ++it) {
        auto converted = insertBytes(it.value(), blobs);
        if (!converted)
            return converted;
        out.insert(it.key(), *converted);
    }
    return QJsonValue(out);
}

void appendU32(QByteArray& out, quint32 value)
{
    char be[4];
    qToBigEndian<quint32>(value, be);
    out.append(be, 4);
}

/// The attachment layout: u32 JSON length, the JSON, then each blob as u32 length + bytes.
EncodedBody withAttachments(const QByteArray& json, const QList<QByteArray>& blobs)
{
    qsizetype total = 4 + json.size();
    for (const QByteArray& blob : blobs)
        total += 4 + blob.size();
    EncodedBody body{QByteArray(), true};
    body.bytes.reserve(total);
    appendU32(body.bytes, quint32(json.size()));
    body.bytes.append(json);
    for (const QByteArray& blob : blobs) {
        appendU32(body.bytes, quint32(blob.size()));
        body.bytes.append(blob);
    }
    return body;
}

} // namespace

EncodedBody encodeBody(const QJsonValue& value)
{
    return encodeBody(value, {});
}

EncodedBody encodeBody(const QJsonValue& value, QList<QByteArray> blobs)
{
    if (blobs.isEmpty() && !containsBytes(value))
        return {encodeValue(value), false};
    return withAttachments(encodeValue(extractBytes(value, blobs)), blobs);
}

EncodedBody encodeCall(const QString& tool, const QString& method, const QJsonObject& args,
                       bool check, QList<QByteArray> blobs)
{
    QJsonValue argsValue(args);
    const bool attachments = !blobs.isEmpty() || containsBytes(argsValue);
    if (attachments)
        argsValue = extractBytes(argsValue, blobs);
    QByteArray json;
    json.reserve(64 + 3 * (tool.size() + method.size()));
    json.append("{\"tool\":");
    appendJsonString(json, tool);
    json.append(",\"method\":");
    appendJsonString(json, method);
    json.append(",\"args\":");
    appendJson(json, argsValue);
    json.append(check ? ",\"check\":true}" : ",\"check\":false}");
    if (!attachments)
        return {json, false};
    return withAttachments(json, blobs);
}

Result<QJsonValue> decodeBody(const QByteArray& body, bool attachments)
{
    if (!attachments)
        return decodeValue(body);
    const auto truncated = [] {
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("bad attachment layout: lengths do not add up"));
    };
    if (body.size() < 4)
        return truncated();
    const qsizetype jsonSize = qFromBigEndian<quint32>(body.constData());
    if (jsonSize > body.size() - 4)
        return truncated();
    QList<QByteArray> blobs;
    qsizetype pos = 4 + jsonSize;
    while (pos < body.size()) {
        if (body.size() - pos < 4)
            return truncated();
        const qsizetype size = qFromBigEndian<quint32>(body.constData() + pos);
        if (size > body.size() - pos - 4)
            return truncated();
        blobs.append(body.mid(pos + 4, size));
        pos += 4 + size;
    }
    auto json = decodeValue(body.mid(4, jsonSize));
    if (!json)
        return json;
    return insertBytes(*json, blobs);
}

} // namespace hostdeck::engine::wire
