// libFuzzer target for the controller's frame decoder and body decoder (engine/wire).
// Whatever the agent sends must end in frames or a clean protocol error: never a crash, a hang,
// a leak or an allocation beyond the frame limit. Two oracles on top of the sanitizers:
//  - feeding the input in pieces (split at a point derived from the data) yields exactly the same
//    frames and the same error as feeding it whole;
//  - a decoded body re-encodes to JSON that decodes to the same value.
#include "engine/util/Result.h"
#include "engine/wire/DataCodec.h"
#include "engine/wire/FrameCodec.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace hostdeck::engine;
using namespace hostdeck::engine::wire;

namespace {

constexpr qsizetype kMaxFrame = 1024 * 1024;

struct Outcome
{
    std::vector<Frame> frames;
    QString error; ///< empty when the stream ended without a protocol error
};

void check(bool condition, const char* what)
{
    if (condition)
        return;
    std::fprintf(stderr, "fuzz_frame: invariant violated: %s\n", what);
    std::abort();
}

void checkBody(const QByteArray& body, bool attachments)
{
    const Result<QJsonValue> value = decodeBody(body, attachments);
    if (!value)
        return;
    if (attachments) {
        // Raw blobs came back as tagged bytes: re-encoding must give a decodable body again.
        const EncodedBody encoded = encodeBody(*value);
        const Result<QJsonValue> round = decodeBody(encoded.bytes, encoded.attachments);
        check(round.ok() && *round == *value, "an attachment body does not survive encode/decode");
        return;
    }
    (void)toBytes(*value);
    const QByteArray again = encodeValue(*value);
    const Result<QJsonValue> reparsed = decodeValue(again);
    check(reparsed.ok(), "a decoded body re-encodes to JSON that does not parse");
    check(*reparsed == *value, "a decoded body does not survive encode/decode");
}

/// Pull every complete frame; true when the decoder reported an error (the stream is then dead).
bool drain(FrameDecoder& decoder, Outcome& outcome)
{
    while (true) {
        auto next = decoder.next();
        if (!next) {
            outcome.error = next.error().message;
            check(!outcome.error.isEmpty(), "a protocol error without a message");
            return true;
        }
        if (!next->has_value())
            return false;
        Frame frame = std::move(**next);
        check(frame.body.size() <= kMaxFrame, "a frame body beyond the maximum frame size");
        outcome.frames.push_back(std::move(frame));
    }
}

/// Feed `input` in pieces cut at `cuts` (ascending offsets into input).
Outcome decodeInPieces(const QByteArray& input, const std::vector<qsizetype>& cuts)
{
    Outcome outcome;
    FrameDecoder decoder(kMaxFrame);
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        decoder.append(input.sliced(from, cut - from));
        from = cut;
        if (drain(decoder, outcome))
            return outcome;
    }
    decoder.append(input.sliced(from));
    drain(decoder, outcome);
    return outcome;
}

bool sameFrames(const std::vector<Frame>& a, const std::vector<Frame>& b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].type != b[i].type || a[i].id != b[i].id || a[i].body != b[i].body)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    const Outcome whole = decodeInPieces(input, {});
    for (const Frame& frame : whole.frames)
        checkBody(frame.body, frame.attachments);

    if (size < 2)
        return 0;
    // Cut points from the first two bytes: one cut anywhere, then a byte-by-byte tail.
    const auto n = qsizetype(size);
    const qsizetype first = (qsizetype(data[0]) << 8 | qsizetype(data[1])) % (n + 1);
    std::vector<qsizetype> cuts{first};
    const Outcome split = decodeInPieces(input, cuts);
    check(sameFrames(whole.frames, split.frames), "split feeding changed the frames");
    check(whole.error == split.error, "split feeding changed the error");

    // Every byte on its own (bounded, so large inputs stay fast).
    if (n <= 1024) {
        std::vector<qsizetype> every;
        for (qsizetype i = 1; i < n; ++i)
            every.push_back(i);
        const Outcome bytewise = decodeInPieces(input, every);
        check(sameFrames(whole.frames, bytewise.frames), "byte-wise feeding changed the frames");
        check(whole.error == bytewise.error, "byte-wise feeding changed the error");
    }
    return 0;
}
