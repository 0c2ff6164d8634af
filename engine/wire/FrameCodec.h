#pragma once

#include "engine/util/Result.h"
#include "engine/wire/Frame.h"
#include "engine/wire/JsonScanner.h"

#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace hostdeck::engine::lzma {
class StreamDecoder;
}

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

/// What one frame may cost the receiver (PROTOCOL.md §2, Limits). Checked while the frame is
/// read and decompressed, never after: a body over a limit is refused before it is complete.
struct DecodeLimits
{
    qsizetype maxFrame = kDefaultMaxFrame; ///< body bytes on the wire, and after decompression
    int maxDepth = kDefaultMaxDepth;       ///< JSON nesting
    qsizetype maxElements = kDefaultMaxElements; ///< JSON values and keys per body
};

/// A frame's header, for the decision of what to do with its body.
struct FrameHeader
{
    FrameType type = FrameType::Call;
    quint64 id = 0;
    quint8 flags = 0;
    quint32 length = 0; ///< body bytes on the wire
};

/// What to do with a body, decided from its header before any of the body is read.
struct BodyPlan
{
    bool skip = false;         ///< read past the body without decompressing or scanning it
    qsizetype maxDecoded = -1; ///< cap on the decoded body (-1: the frame limit)
    QString capName;           ///< names the cap in errors, e.g. "the per-call limit of 128 MiB"
    /// The same, built only when an error needs it (a plan is made for every frame)
    std::function<QString()> describeCap = {};
};
/// Decides per header; an error refuses the frame (and ends the stream).
using HeaderPolicy = std::function<Result<BodyPlan>(const FrameHeader&)>;

/// Incremental decoder for a byte stream of frames. Any malformed input is an error after which
/// the stream must be closed: the decoder never resynchronises. The work done per call to next()
/// can be bounded, so that a flood of frames (or one that expands a lot) is decoded a slice at a
/// time between other events.
class FrameDecoder
{
public:
    explicit FrameDecoder(qsizetype maxFrame = kDefaultMaxFrame);
    explicit FrameDecoder(const DecodeLimits& limits);
    ~FrameDecoder();
    FrameDecoder(FrameDecoder&&) noexcept;
    FrameDecoder& operator=(FrameDecoder&&) noexcept;

    void setMaxFrame(qsizetype maxFrame) { m_limits.maxFrame = maxFrame; }
    void setLimits(const DecodeLimits& limits) { m_limits = limits; }
    const DecodeLimits& limits() const { return m_limits; }
    void setPolicy(HeaderPolicy policy) { m_policy = std::move(policy); }
    void append(const QByteArray& data);
    /// The next complete frame, std::nullopt when more bytes are needed, or an error.
    Result<std::optional<Frame>> next();
    /// The same, doing at most about `*work` bytes of work (bytes read plus bytes decompressed)
    /// and subtracting what it did. std::nullopt with `*work <= 0` and hasWork(): call again later.
    Result<std::optional<Frame>> next(qsizetype* work);
    /// True when next() can progress without more input.
    bool hasWork() const;
    /// Bytes received and not yet consumed.
    qsizetype buffered() const { return m_buffered; }

private:
    enum class Phase
    {
        Header,
        Body,
        Skip,
        Decompress,
    };
    Result<std::optional<Frame>> fail(Error error);
    Status startFrame();
    Status scan(qsizetype from);
    Frame completeFrame();
    qsizetype take(QByteArray* into, qsizetype n);
    void takeHeader(char* out);

    DecodeLimits m_limits;
    HeaderPolicy m_policy;
    std::deque<QByteArray> m_chunks;
    qsizetype m_chunkOffset = 0; ///< consumed bytes of m_chunks.front()
    qsizetype m_buffered = 0;
    Phase m_phase = Phase::Header;
    FrameHeader m_header;
    qsizetype m_cap = 0;
    QString m_capName; ///< empty: the frame limit
    std::function<QString()> m_describeCap;
    QString capName() const;
    qsizetype m_remaining = 0; ///< body bytes still to read or skip
    QByteArray m_wire;         ///< the body as sent (compressed bodies only)
    QByteArray m_body;         ///< the decoded body so far
    qsizetype m_jsonEnd = -1;  ///< end of the JSON part of an attachment body, once known
    JsonScanner m_scanner{kDefaultMaxDepth, kDefaultMaxElements};
    std::unique_ptr<lzma::StreamDecoder> m_xz;
    std::optional<Error> m_error;
};

} // namespace hostdeck::engine::wire
