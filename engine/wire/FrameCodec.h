#pragma once

#include "util/Result.h"
#include "wire/Frame.h"

#include <optional>

namespace hostdeck::engine::wire {

/// Serialise one frame. The body is xz-compressed only when it is at least `compressMin` bytes
/// (0 = never), carries no attachments and compression actually shrinks it (a sample is tried
/// first).
/// `attachments` sets the flag that says the body is laid out as DataCodec's encodeBody() makes it.
QByteArray encodeFrame(FrameType type, quint64 id, const QByteArray& body,
                       qsizetype compressMin = 0, bool attachments = false);

/// A body ready for the wire: possibly compressed, with the flags that say so. Lets a caller
/// compress a body once and send it in many frames (tool module sources to many hosts).
struct PreparedBody
{
    QByteArray payload;
    quint8 flags = 0;
};
PreparedBody prepareBody(const QByteArray& body, qsizetype compressMin = 0,
                         bool attachments = false);
QByteArray encodePrepared(FrameType type, quint64 id, const PreparedBody& prepared);

/// Incremental decoder for a byte stream of frames. Any malformed input is an error after which
/// the stream must be closed: the decoder never resynchronises.
class FrameDecoder
{
public:
    explicit FrameDecoder(qsizetype maxFrame = kDefaultMaxFrame) : m_maxFrame(maxFrame) {}

    void setMaxFrame(qsizetype maxFrame) { m_maxFrame = maxFrame; }
    void append(const QByteArray& data);
    /// The next complete frame, std::nullopt when more bytes are needed, or an error.
    Result<std::optional<Frame>> next();
    qsizetype buffered() const { return m_buffer.size() - m_offset; }

private:
    QByteArray m_buffer;
    qsizetype m_offset = 0;
    qsizetype m_maxFrame;
};

} // namespace hostdeck::engine::wire
