#include "util/Lzma.h"

#include <lzma.h>

#include <algorithm>
#include <bit>

namespace hostdeck::engine::lzma {

namespace {
// The decoder's memory is mostly the dictionary the stream header asks for (up to 4 GiB): allow
// what any preset up to 6 needs plus as much as the output may grow, never what a peer demands.
constexpr quint64 kDecoderHeadroom = quint64(16) * 1024 * 1024;
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

Result<QByteArray> decompress(const QByteArray& data, qsizetype maxOutput)
{
    lzma_stream stream = LZMA_STREAM_INIT;
    const quint64 memLimit = quint64(qMax<qsizetype>(maxOutput, 0)) + kDecoderHeadroom;
    if (lzma_stream_decoder(&stream, memLimit, 0) != LZMA_OK)
        return makeError(ErrorKind::Protocol, QStringLiteral("cannot start the xz decoder"));

    QByteArray out;
    out.resize(qMin<qsizetype>(qMax<qsizetype>(data.size() * 4, 4096), maxOutput + 1));
    stream.next_in = reinterpret_cast<const uint8_t*>(data.constData());
    stream.avail_in = size_t(data.size());
    lzma_ret rc = LZMA_OK;
    while (true) {
        const auto produced = qsizetype(stream.total_out);
        if (produced > maxOutput) {
            lzma_end(&stream);
            return makeError(
                ErrorKind::Protocol,
                QStringLiteral("compressed body expands beyond %1 bytes").arg(maxOutput));
        }
        if (produced == out.size())
            out.resize(qMin<qsizetype>(out.size() * 2, maxOutput + 1));
        stream.next_out = reinterpret_cast<uint8_t*>(out.data()) + produced;
        stream.avail_out = size_t(out.size() - produced);
        rc = lzma_code(&stream, LZMA_FINISH);
        if (rc == LZMA_STREAM_END)
            break;
        if (rc == LZMA_MEMLIMIT_ERROR) {
            lzma_end(&stream);
            return makeError(ErrorKind::Protocol,
                             QStringLiteral("xz body needs more than %1 MiB of memory to decode")
                                 .arg(memLimit / (1024 * 1024)));
        }
        if (rc != LZMA_OK && rc != LZMA_BUF_ERROR) {
            lzma_end(&stream);
            return makeError(ErrorKind::Protocol,
                             QStringLiteral("corrupt xz body (code %1)").arg(int(rc)));
        }
        if (rc == LZMA_BUF_ERROR && stream.avail_in == 0 && stream.avail_out != 0) {
            lzma_end(&stream);
            return makeError(ErrorKind::Protocol, QStringLiteral("truncated xz body"));
        }
    }
    const auto total = qsizetype(stream.total_out);
    lzma_end(&stream);
    if (total > maxOutput)
        return makeError(ErrorKind::Protocol,
                         QStringLiteral("compressed body expands beyond %1 bytes").arg(maxOutput));
    out.truncate(total);
    return out;
}

} // namespace hostdeck::engine::lzma
