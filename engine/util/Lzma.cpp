#include "engine/util/Lzma.h"

#include <lzma.h>

#include <algorithm>
#include <bit>

namespace hostdeck::engine::lzma {

namespace {
// The decoder's memory is mostly the dictionary the stream header asks for (up to 4 GiB): allow
// what any preset up to 6 needs plus as much as the output may grow, never what a peer demands.
constexpr quint64 kDecoderHeadroom = quint64(16) * 1024 * 1024;

Error tooLarge(qsizetype maxOutput)
{
    return makeError(ErrorKind::Protocol,
                     QStringLiteral("compressed body expands beyond %1 bytes").arg(maxOutput));
}
} // namespace

QByteArray compress(const QByteArray& data, int preset, bool extreme)
{
    lzma_options_lzma options;
    if (lzma_lzma_preset(&options, uint32_t(preset) | (extreme ? LZMA_PRESET_EXTREME : 0U)))
        return {};
    // A dictionary larger than the input buys nothing, yet the encoder sets up match finders for
    // all of it (preset 9: 674 MiB, ~10 ms per call) and the decoder allocates all of it.
    const quint64 fits = std::bit_ceil(quint64(std::max<qsizetype>(data.size(), 1)));
    options.dict_size = uint32_t(std::clamp<quint64>(fits, LZMA_DICT_SIZE_MIN, options.dict_size));
    const lzma_filter filters[] = {{LZMA_FILTER_LZMA2, &options}, {LZMA_VLI_UNKNOWN, nullptr}};
    QByteArray out(qsizetype(lzma_stream_buffer_bound(size_t(data.size()))), Qt::Uninitialized);
    size_t outPos = 0;
    const lzma_ret rc = lzma_stream_buffer_encode(
        const_cast<lzma_filter*>(filters), LZMA_CHECK_CRC32, nullptr,
        reinterpret_cast<const uint8_t*>(data.constData()), size_t(data.size()),
        reinterpret_cast<uint8_t*>(out.data()), &outPos, size_t(out.size()));
    if (rc != LZMA_OK)
        return {};
    out.truncate(qsizetype(outPos));
    return out;
}

struct StreamDecoder::State
{
    lzma_stream stream = LZMA_STREAM_INIT;
    quint64 memLimit = 0;
    bool started = false;
    bool failed = false;
    bool ended = false;
};

StreamDecoder::StreamDecoder(qsizetype maxOutput)
    : m_state(std::make_unique<State>()), m_maxOutput(qMax<qsizetype>(maxOutput, 0))
{
    m_state->memLimit = quint64(m_maxOutput) + kDecoderHeadroom;
    if (lzma_stream_decoder(&m_state->stream, m_state->memLimit, 0) == LZMA_OK)
        m_state->started = true;
}

StreamDecoder::~StreamDecoder()
{
    lzma_end(&m_state->stream);
}

qsizetype StreamDecoder::produced() const
{
    return qsizetype(m_state->stream.total_out);
}

Result<bool> StreamDecoder::step(const QByteArray& input, QByteArray& out, qsizetype maxPiece)
{
    State& s = *m_state;
    const auto fail = [&s](Error error) -> Result<bool> {
        s.failed = true;
        return error;
    };
    if (!s.started)
        return fail(makeError(ErrorKind::Protocol, QStringLiteral("cannot start the xz decoder")));
    if (s.failed)
        return fail(makeError(ErrorKind::Protocol, QStringLiteral("xz decoder already failed")));
    if (s.ended)
        return true;
    const auto consumed = qsizetype(s.stream.total_in);
    s.stream.next_in = reinterpret_cast<const uint8_t*>(input.constData()) + consumed;
    s.stream.avail_in = size_t(input.size() - consumed);
    // One byte more than allowed, so that going over the limit shows.
    const qsizetype room = m_maxOutput + 1 - produced();
    const qsizetype piece = qBound<qsizetype>(1, maxPiece, room);
    const qsizetype base = out.size();
    if (out.capacity() < base + piece)
        out.reserve(qMin(qMax(base * 2, base + piece), base + room));
    out.resize(base + piece);
    s.stream.next_out = reinterpret_cast<uint8_t*>(out.data()) + base;
    s.stream.avail_out = size_t(piece);
    lzma_ret rc = LZMA_OK;
    // Loop until the piece is full, the stream ends, or nothing can progress any more.
    while (s.stream.avail_out > 0) {
        const size_t inBefore = s.stream.avail_in;
        const size_t outBefore = s.stream.avail_out;
        rc = lzma_code(&s.stream, LZMA_FINISH);
        if (rc != LZMA_OK)
            break;
        if (s.stream.avail_in == inBefore && s.stream.avail_out == outBefore)
            break;
    }
    out.truncate(base + piece - qsizetype(s.stream.avail_out));
    if (produced() > m_maxOutput)
        return fail(tooLarge(m_maxOutput));
    switch (rc) {
    case LZMA_STREAM_END:
        s.ended = true;
        if (s.stream.avail_in != 0)
            return fail(makeError(ErrorKind::Protocol,
                                  QStringLiteral("%1 bytes after the end of the xz body")
                                      .arg(qsizetype(s.stream.avail_in))));
        return true;
    case LZMA_OK:
        if (s.stream.avail_out == 0)
            return false; // the piece is full: more may follow
        return fail(makeError(ErrorKind::Protocol, QStringLiteral("truncated xz body")));
    case LZMA_BUF_ERROR:
        return fail(makeError(ErrorKind::Protocol, QStringLiteral("truncated xz body")));
    case LZMA_MEMLIMIT_ERROR:
        return fail(makeError(ErrorKind::Protocol,
                              QStringLiteral("xz body needs more than %1 MiB of memory to decode")
                                  .arg(s.memLimit / (1024 * 1024))));
    default:
        return fail(makeError(ErrorKind::Protocol,
                              QStringLiteral("corrupt xz body (code %1)").arg(int(rc))));
    }
}

Result<QByteArray> decompress(const QByteArray& data, qsizetype maxOutput)
{
    StreamDecoder decoder(maxOutput);
    QByteArray out;
    while (true) {
        auto done = decoder.step(data, out, qsizetype(4) * 1024 * 1024);
        if (!done)
            return done.error();
        if (*done)
            return out;
    }
}

} // namespace hostdeck::engine::lzma
