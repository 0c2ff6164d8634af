// libFuzzer target for the handshake parser (engine/agent/Handshake): whatever an interpreter,
// a login shell or a hostile host prints before READY must end in one clear outcome, never a
// crash, a hang or unbounded memory. Oracles on top of the sanitizers:
//  - feeding the input in pieces (cut points derived from the data) gives the same outcome, the
//    same version/pid and the same bytes after READY as feeding it whole;
//  - Ready carries exactly the bytes after the READY line, and the READY line was well formed;
//  - the noise kept for messages stays within its bound, and more than kMaxNoise bytes of noise
//    without a marker always end in Garbage.
#include "engine/agent/Bootstrap.h"
#include "engine/agent/Handshake.h"
#include "engine/wire/Frame.h"

#include <QByteArray>
#include <QList>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

using hostdeck::engine::Bootstrap;
using hostdeck::engine::Handshake;

namespace {

void check(bool condition, const char* what)
{
    if (condition)
        return;
    std::fprintf(stderr, "fuzz_handshake: invariant violated: %s\n", what);
    std::abort();
}

struct Outcome
{
    Handshake::Outcome outcome = Handshake::Outcome::NeedMore;
    bool sawLoader = false;
    QString pythonVersion;
    int protocolVersion = 0;
    qint64 pid = 0;
    QByteArray afterReady; ///< rest + whatever was not fed after the deciding piece
    qsizetype noiseBytes = 0;
};

bool decided(Handshake::Outcome o)
{
    return o != Handshake::Outcome::NeedMore && o != Handshake::Outcome::LoaderWaiting;
}

Outcome feedInPieces(const QByteArray& input, const std::vector<qsizetype>& cuts)
{
    Handshake handshake;
    Outcome out;
    qsizetype from = 0;
    std::vector<qsizetype> ends = cuts;
    ends.push_back(input.size());
    for (qsizetype end : ends) {
        const Handshake::Step step = handshake.feed(input.sliced(from, end - from));
        from = end;
        check(handshake.noiseExcerpt().size() <= 2 * 4096, "noise excerpt beyond its bound");
        if (step.outcome == Handshake::Outcome::LoaderWaiting)
            out.sawLoader = true;
        if (!decided(step.outcome))
            continue;
        out.outcome = step.outcome;
        out.pythonVersion = step.pythonVersion;
        out.protocolVersion = step.protocolVersion;
        out.pid = step.pid;
        if (step.outcome == Handshake::Outcome::Ready)
            out.afterReady = step.rest + input.sliced(from);
        else
            check(step.rest.isEmpty(), "bytes after the handshake without READY");
        if (step.outcome == Handshake::Outcome::BadReady)
            check(!step.problem.isEmpty(), "BadReady without a problem");
        break;
    }
    out.noiseBytes = handshake.noiseBytes();
    return out;
}

/// Where the first line that is READY, TOO-OLD or garbage-deciding ends, computed independently.
void checkReady(const QByteArray& input, const Outcome& whole)
{
    if (whole.outcome != Handshake::Outcome::Ready)
        return;
    check(whole.protocolVersion == hostdeck::engine::wire::kProtocolVersion,
          "Ready with another protocol version");
    // The READY line is the first line starting with the marker; what follows it is the rest.
    qsizetype at = 0;
    while (at < input.size()) {
        const qsizetype newline = input.indexOf('\n', at);
        check(newline >= 0, "Ready without a complete line");
        const QByteArray line = input.sliced(at, newline - at);
        if (line.startsWith(Bootstrap::readyMarker())) {
            check(whole.afterReady == input.sliced(newline + 1), "rest differs from the input");
            return;
        }
        at = newline + 1;
    }
    check(false, "Ready without a READY line in the input");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    const Outcome whole = feedInPieces(input, {});
    checkReady(input, whole);
    if (whole.outcome == Handshake::Outcome::NeedMore ||
        whole.outcome == Handshake::Outcome::LoaderWaiting) {
        // Undecided: the noise kept so far stays under the limit (else it had to be Garbage).
        check(whole.noiseBytes <= Handshake::kMaxNoise, "more noise than allowed, not Garbage");
    }
    if (size < 3)
        return 0;
    // One cut anywhere (24 bits: the noise limit is 64 KiB, inputs may be longer).
    const auto n = qsizetype(size);
    std::vector<qsizetype> cuts{
        (qsizetype(data[0]) << 16 | qsizetype(data[1]) << 8 | qsizetype(data[2])) % (n + 1)};
    const Outcome split = feedInPieces(input, cuts);
    check(split.outcome == whole.outcome, "split feeding changed the outcome");
    check(split.pythonVersion == whole.pythonVersion && split.pid == whole.pid &&
              split.protocolVersion == whole.protocolVersion,
          "split feeding changed the READY fields");
    check(split.afterReady == whole.afterReady, "split feeding changed the bytes after READY");
    if (n <= 512) {
        std::vector<qsizetype> every;
        for (qsizetype i = 1; i < n; ++i)
            every.push_back(i);
        const Outcome bytewise = feedInPieces(input, every);
        check(bytewise.outcome == whole.outcome, "byte-wise feeding changed the outcome");
        check(bytewise.afterReady == whole.afterReady, "byte-wise feeding changed the rest");
    }
    return 0;
}
