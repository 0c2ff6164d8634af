#pragma once

#include "engine/util/Result.h"

#include <QByteArray>

#include <memory>

namespace hostdeck::engine::lzma {

/// xz-compress `data` (preset 0-9, optionally extreme). Returns an empty array on failure.
QByteArray compress(const QByteArray& data, int preset = 6, bool extreme = false);

/// Decompress an xz stream, refusing to produce more than `maxOutput` bytes.
Result<QByteArray> decompress(const QByteArray& data, qsizetype maxOutput);

/// Decompresses one complete xz stream a piece at a time, never producing more than
/// `maxOutput` bytes and never letting the stream header claim more decoder memory than the
/// output may need: a caller checks each piece as it appears (and refuses a body before it is
/// all there), and may stop between pieces to let other work run.
class StreamDecoder
{
public:
    explicit StreamDecoder(qsizetype maxOutput);
    ~StreamDecoder();
    StreamDecoder(const StreamDecoder&) = delete;
    StreamDecoder& operator=(const StreamDecoder&) = delete;

    /// Decompress at most `maxPiece` more bytes of `input` (the whole compressed stream: the same
    /// bytes on every call) onto the end of `out`. True once the stream has ended (then `input`
    /// must have ended with it); an error for a corrupt, truncated or too large stream.
    Result<bool> step(const QByteArray& input, QByteArray& out, qsizetype maxPiece);
    qsizetype produced() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
    qsizetype m_maxOutput;
};

} // namespace hostdeck::engine::lzma
