#include "wire/FrameCodec.h"

#include "util/Lzma.h"

#include <QtEndian>

namespace hostdeck::engine::wire {

namespace {

constexpr qsizetype kSampleSize = 16 * 1024;
constexpr double kSampleRatio = 0.7;

bool worthCompressing(const QByteArray& body, qsizetype compressMin)
{
    if (compressMin <= 0 || body.size() < compressMin)
        return false;
    if (body.size() <= kSampleSize)
        return true;
    const QByteArray sample = lzma::compress(body.first(kSampleSize), 1);
    return !sample.isEmpty() && double(sample.size()) < double(kSampleSize) * kSampleRatio;
}

void writeHeader(char* out, FrameType type, quint8 flags, quint64 id, quint32 length)
{
    out[0] = kMagic0;
    out[1] = kMagic1;
    out[2] = char(kProtocolVersion);
    out[3] = char(type);
    out[4] = char(flags);
    out[5] = out[6] = out[7] = 0;
    qToBigEndian<quint64>(id, out + 8);
    qToBigEndian<quint32>(length, out + 16);
}

} // namespace

bool isKnownFrameType(quint8 type)
{
    switch (FrameType(type)) {
    case FrameType::Call:
    case FrameType::Sync:
    case FrameType::Cancel:
    case FrameType::Config:
    case FrameType::Boot:
    case FrameType::Result:
    case FrameType::Error:
    case FrameType::Chunk:
    case FrameType::Log:
        return true;
    }
    return false;
}

bool isAgentFrameType(FrameType type)
{
    return type == FrameType::Result || type == FrameType::Error || type == FrameType::Chunk ||
           type == FrameType::Log;
}

PreparedBody prepareBody(const QByteArray& body, qsizetype compressMin, bool attachments)
{
    PreparedBody prepared{body, quint8(attachments ? kFlagAttachments : 0)};
    // Attachments are bulk bytes (file contents): xz runs at tens of MB/s, slower than the links
    // the transfers use, so they travel as they are, like scp without -C.
    if (!attachments && worthCompressing(body, compressMin)) {
        QByteArray compressed = lzma::compress(body, 1);
        if (!compressed.isEmpty() && compressed.size() < body.size()) {
            prepared.payload = std::move(compressed);
            prepared.flags |= kFlagCompressed;
        }
    }
    return prepared;
}

QByteArray encodePrepared(FrameType type, quint64 id, const PreparedBody& prepared)
{
    QByteArray frame(kHeaderSize + prepared.payload.size(), Qt::Uninitialized);
    writeHeader(frame.data(), type, prepared.flags, id, quint32(prepared.payload.size()));
    memcpy(frame.data() + kHeaderSize, prepared.payload.constData(),
           size_t(prepared.payload.size()));
    return frame;
}

QByteArray encodeFrame(FrameType type, quint64 id, const QByteArray& body, qsizetype compressMin,
                       bool attachments)
{
    return encodePrepared(type, id, prepareBody(body, compressMin, attachments));
}

void FrameDecoder::append(const QByteArray& data)
{
    if (m_offset > 0 && m_offset >= m_buffer.size() / 2) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(data);
}

Result<std::optional<Frame>> FrameDecoder::next()
{
    const qsizetype available = m_buffer.size() - m_offset;
    if (available < kHeaderSize)
        return std::optional<Frame>{};
    const char* h = m_buffer.constData() + m_offset;
    if (h[0] != kMagic0 || h[1] != kMagic1)
        return makeError(ErrorKind::Protocol, QStringLiteral("bad frame magic 0x%1%2")
                                                  .arg(quint8(h[0]), 2, 16, QLatin1Char('0'))
                                                  .arg(quint8(h[1]), 2, 16, QLatin1Char('0')));
    if (quint8(h[2]) != kProtocolVersion)
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("unsupported protocol version %1 (expected %2)")
                             .arg(quint8(h[2]))
                             .arg(kProtocolVersion));
    const auto typeByte = quint8(h[3]);
    if (!isKnownFrameType(typeByte))
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("unknown frame type %1").arg(typeByte));
    const auto flags = quint8(h[4]);
    if ((flags & ~(kFlagCompressed | kFlagAttachments)) != 0 || h[5] != 0 || h[6] != 0 || h[7] != 0)
        return makeError(
            ErrorKind::Protocol,
            QStringLiteral("unknown frame flags 0x%1").arg(flags, 2, 16, QLatin1Char('0')));
    const auto id = qFromBigEndian<quint64>(h + 8);
    const auto length = qFromBigEndian<quint32>(h + 16);
    if (qsizetype(length) > m_maxFrame)
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("frame of %1 bytes exceeds the maximum of %2")
                             .arg(length)
                             .arg(m_maxFrame));
    if (available < kHeaderSize + qsizetype(length))
        return std::optional<Frame>{};

    Frame frame;
    frame.type = FrameType(typeByte);
    frame.id = id;
    frame.attachments = (flags & kFlagAttachments) != 0;
    QByteArray body = m_buffer.mid(m_offset + kHeaderSize, length);
    m_offset += kHeaderSize + qsizetype(length);
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    }
    if (flags & kFlagCompressed) {
        auto plain = lzma::decompress(body, m_maxFrame);
        if (!plain)
            return plain.error();
        frame.body = std::move(plain).value();
    } else {
        frame.body = std::move(body);
    }
    return std::optional<Frame>{std::move(frame)};
}

} // namespace hostdeck::engine::wire
