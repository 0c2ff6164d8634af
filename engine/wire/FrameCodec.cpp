#include "engine/wire/FrameCodec.h"

#include "engine/util/Lzma.h"
#include "engine/wire/JsonScanner.h"

#include <QtEndian>

#include <limits>

namespace hostdeck::engine::wire {

namespace {

constexpr qsizetype kSampleSize = 16 * 1024;
constexpr double kSampleRatio = 0.7;
/// Decompressed bytes per step: small enough that a body over its cap is refused after little
/// work, large enough that liblzma runs at full speed.
constexpr qsizetype kXzPiece = 256 * 1024;

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
    case FrameType::Ping:
    case FrameType::Pong:
        return true;
    }
    return false;
}

bool isAgentFrameType(FrameType type)
{
    return type == FrameType::Result || type == FrameType::Error || type == FrameType::Chunk ||
           type == FrameType::Log || type == FrameType::Pong;
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

FrameDecoder::FrameDecoder(qsizetype maxFrame) : FrameDecoder(DecodeLimits{maxFrame}) {}

FrameDecoder::FrameDecoder(const DecodeLimits& limits) : m_limits(limits) {}

FrameDecoder::~FrameDecoder() = default;
FrameDecoder::FrameDecoder(FrameDecoder&&) noexcept = default;
FrameDecoder& FrameDecoder::operator=(FrameDecoder&&) noexcept = default;

void FrameDecoder::append(const QByteArray& data)
{
    if (data.isEmpty())
        return;
    m_chunks.push_back(data);
    m_buffered += data.size();
}

qsizetype FrameDecoder::take(QByteArray* into, qsizetype n)
{
    qsizetype moved = 0;
    while (moved < n && !m_chunks.empty()) {
        const QByteArray& front = m_chunks.front();
        const qsizetype piece = qMin(n - moved, front.size() - m_chunkOffset);
        if (into)
            into->append(front.constData() + m_chunkOffset, piece);
        moved += piece;
        m_chunkOffset += piece;
        if (m_chunkOffset == front.size()) {
            m_chunks.pop_front();
            m_chunkOffset = 0;
        }
    }
    m_buffered -= moved;
    return moved;
}

void FrameDecoder::takeHeader(char* out)
{
    qsizetype copied = 0;
    while (copied < kHeaderSize) {
        const QByteArray& front = m_chunks.front();
        const qsizetype piece = qMin(kHeaderSize - copied, front.size() - m_chunkOffset);
        memcpy(out + copied, front.constData() + m_chunkOffset, size_t(piece));
        copied += piece;
        m_chunkOffset += piece;
        if (m_chunkOffset == front.size()) {
            m_chunks.pop_front();
            m_chunkOffset = 0;
        }
    }
    m_buffered -= kHeaderSize;
}

QString FrameDecoder::capName() const
{
    if (m_capName.isEmpty() && m_describeCap)
        return m_describeCap();
    return m_capName;
}

bool FrameDecoder::hasWork() const
{
    if (m_error)
        return false;
    switch (m_phase) {
    case Phase::Header:
        return m_buffered >= kHeaderSize;
    case Phase::Body:
    case Phase::Skip:
        return m_buffered > 0 || m_remaining == 0;
    case Phase::Decompress:
        return true;
    }
    return false;
}

Result<std::optional<Frame>> FrameDecoder::fail(Error error)
{
    m_error = error;
    m_wire = {};
    m_body = {};
    m_xz.reset();
    return error;
}

Status FrameDecoder::startFrame()
{
    char h[kHeaderSize];
    takeHeader(h);
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
    m_header.type = FrameType(typeByte);
    m_header.flags = flags;
    m_header.id = qFromBigEndian<quint64>(h + 8);
    m_header.length = qFromBigEndian<quint32>(h + 16);
    if (qsizetype(m_header.length) > m_limits.maxFrame)
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("frame of %1 bytes exceeds the maximum of %2")
                             .arg(m_header.length)
                             .arg(m_limits.maxFrame));
    BodyPlan plan;
    if (m_policy) {
        auto decided = m_policy(m_header);
        if (!decided)
            return decided.error();
        plan = std::move(decided).value();
    }
    m_remaining = qsizetype(m_header.length);
    if (plan.skip) {
        m_phase = Phase::Skip;
        return Ok{};
    }
    m_cap = plan.maxDecoded < 0 ? m_limits.maxFrame : qMin(plan.maxDecoded, m_limits.maxFrame);
    m_capName = plan.capName;
    m_describeCap = std::move(plan.describeCap);
    const bool compressed = (flags & kFlagCompressed) != 0;
    if (!compressed && m_remaining > m_cap)
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("frame of %1 bytes exceeds %2")
                             .arg(m_remaining)
                             .arg(capName().isEmpty()
                                      ? QStringLiteral("the maximum of %1").arg(m_cap)
                                      : capName()));
    m_body = QByteArray();
    m_wire = QByteArray();
    (compressed ? m_wire : m_body).reserve(m_remaining);
    m_jsonEnd = -1;
    m_scanner.reset(m_limits.maxDepth, m_limits.maxElements);
    m_phase = Phase::Body;
    return Ok{};
}

Status FrameDecoder::scan(qsizetype from)
{
    // The JSON part is the whole body, or with attachments the bytes after the u32 JSON length.
    qsizetype begin = from;
    qsizetype end = m_body.size();
    if (m_header.flags & kFlagAttachments) {
        if (m_jsonEnd < 0) {
            if (m_body.size() < 4)
                return Ok{};
            m_jsonEnd = 4 + qsizetype(qFromBigEndian<quint32>(m_body.constData()));
        }
        begin = qMax<qsizetype>(begin, 4);
        end = qMin(end, m_jsonEnd);
    }
    if (begin >= end)
        return Ok{};
    return m_scanner.feed(m_body.constData() + begin, end - begin);
}

Frame FrameDecoder::completeFrame()
{
    Frame frame;
    frame.type = m_header.type;
    frame.id = m_header.id;
    frame.attachments = (m_header.flags & kFlagAttachments) != 0;
    frame.compressed = (m_header.flags & kFlagCompressed) != 0;
    frame.body = std::exchange(m_body, {});
    m_wire = {};
    m_xz.reset();
    m_phase = Phase::Header;
    return frame;
}

Result<std::optional<Frame>> FrameDecoder::next()
{
    qsizetype unlimited = std::numeric_limits<qsizetype>::max();
    return next(&unlimited);
}

Result<std::optional<Frame>> FrameDecoder::next(qsizetype* work)
{
    if (m_error)
        return *m_error;
    qsizetype& left = *work;
    while (true) {
        switch (m_phase) {
        case Phase::Header: {
            if (m_buffered < kHeaderSize || left <= 0)
                return std::optional<Frame>{};
            left -= kHeaderSize;
            if (Status started = startFrame(); !started)
                return fail(started.error());
            break;
        }
        case Phase::Skip: {
            if (m_remaining > 0) {
                const qsizetype skipped =
                    take(nullptr, qMin(m_remaining, qMax<qsizetype>(left, 0)));
                left -= skipped;
                m_remaining -= skipped;
            }
            if (m_remaining > 0)
                return std::optional<Frame>{};
            m_phase = Phase::Header;
            break;
        }
        case Phase::Body: {
            const bool compressed = (m_header.flags & kFlagCompressed) != 0;
            if (m_remaining > 0) {
                const qsizetype want = qMin(m_remaining, qMax<qsizetype>(left, 0));
                QByteArray& into = compressed ? m_wire : m_body;
                const qsizetype before = into.size();
                const qsizetype got = take(&into, want);
                left -= got;
                m_remaining -= got;
                if (!compressed && got > 0) {
                    if (Status scanned = scan(before); !scanned)
                        return fail(scanned.error());
                }
            }
            if (m_remaining > 0)
                return std::optional<Frame>{};
            if (!compressed)
                return std::optional<Frame>{completeFrame()};
            m_xz = std::make_unique<lzma::StreamDecoder>(m_cap);
            m_phase = Phase::Decompress;
            break;
        }
        case Phase::Decompress: {
            if (left <= 0)
                return std::optional<Frame>{};
            const qsizetype before = m_body.size();
            auto done = m_xz->step(m_wire, m_body, kXzPiece);
            if (!done) {
                Error error = done.error();
                if (const QString cap = capName();
                    !cap.isEmpty() &&
                    error.message.startsWith(QStringLiteral("compressed body expands beyond")))
                    error.message += QStringLiteral(" (%1)").arg(cap);
                return fail(error);
            }
            left -= qMax<qsizetype>(m_body.size() - before, 1);
            if (Status scanned = scan(before); !scanned)
                return fail(scanned.error());
            if (*done)
                return std::optional<Frame>{completeFrame()};
            break;
        }
        }
    }
}

} // namespace hostdeck::engine::wire
