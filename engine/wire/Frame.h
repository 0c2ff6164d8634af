#pragma once

#include <QByteArray>
#include <QtGlobal>

namespace hostdeck::engine::wire {

/// Frame types of protocol v1 (bootstrap/PROTOCOL.md §2).
enum class FrameType : quint8
{
    Call = 1,
    Sync = 2,
    Cancel = 3,
    Config = 4,
    Boot = 5, ///< the agent itself, read by the boot stage before anything else (§1)
    Ping = 6, ///< liveness probe: the agent answers with a Pong of the same id at once
    Result = 16,
    Error = 17,
    Chunk = 18,
    Log = 19,
    Pong = 20,
};

inline constexpr quint8 kProtocolVersion = 1;
inline constexpr int kHeaderSize = 20;
inline constexpr char kMagic0 = 'H';
inline constexpr char kMagic1 = 'D';
inline constexpr quint8 kFlagCompressed = 0x01;
inline constexpr quint8 kFlagAttachments = 0x02; ///< body = u32 JSON length, JSON, then blobs
inline constexpr qsizetype kDefaultMaxFrame = qsizetype(64) * 1024 * 1024;
inline constexpr int kDefaultMaxDepth = 64;
inline constexpr qsizetype kDefaultMaxElements = 1000000;

bool isKnownFrameType(quint8 type);
/// True for the types the agent may send (the controller accepts nothing else).
bool isAgentFrameType(FrameType type);

/// One decoded frame; `body` is already decompressed.
struct Frame
{
    FrameType type = FrameType::Call;
    quint64 id = 0;
    bool attachments = false; ///< body carries raw attachments (see DataCodec's decodeBody)
    bool compressed = false;  ///< the body travelled xz-compressed
    QByteArray body;
};

} // namespace hostdeck::engine::wire
