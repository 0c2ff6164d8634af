// What a hostile agent can make the controller's decoder do: every limit (frame size, xz
// expansion, JSON depth and elements, per-frame caps decided from the header) is enforced while
// the body is read or decompressed, before the whole body exists and before anything is built;
// the work per call of next() is bounded; and remote text is escaped before it is shown.
#include "engine/util/Lzma.h"
#include "engine/util/RemoteText.h"
#include "engine/wire/FrameCodec.h"
#include "engine/wire/JsonScanner.h"

#include <QElapsedTimer>
#include <QTest>
#include <QtEndian>

using namespace hostdeck::engine;
using namespace hostdeck::engine::wire;

namespace {

QByteArray frameOf(FrameType type, quint64 id, const QByteArray& body, quint8 flags = 0)
{
    QByteArray h(kHeaderSize, '\0');
    h[0] = kMagic0;
    h[1] = kMagic1;
    h[2] = char(kProtocolVersion);
    h[3] = char(type);
    h[4] = char(flags);
    qToBigEndian<quint64>(id, h.data() + 8);
    qToBigEndian<quint32>(quint32(body.size()), h.data() + 16);
    return h + body;
}

/// `[0,0,...,0]` of about `bytes` bytes: two bytes per element.
QByteArray zeros(qsizetype bytes)
{
    QByteArray text;
    text.reserve(bytes + 2);
    text.append('[');
    text.append(QByteArray("0,").repeated(bytes / 2));
    text.append("0]");
    return text;
}

/// `[[],[],...]`: three bytes per element.
QByteArray emptyLists(qsizetype bytes)
{
    return '[' + QByteArray("[],").repeated(bytes / 3) + "[]]";
}

} // namespace

class TestDecodeLimits : public QObject
{
    Q_OBJECT
private slots:
    void scannerCountsAndNests_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<qsizetype>("elements");
        QTest::addColumn<bool>("ok");
        QTest::newRow("scalar") << QByteArray("42") << qsizetype(1) << true;
        QTest::newRow("object") << QByteArray("{\"a\": [1, true, null], \"b\": \"x\"}")
                                << qsizetype(8) << true;
        // Brackets, quotes and backslashes inside strings are not structure.
        QTest::newRow("brackets-in-string")
            << QByteArray("[\"[[[{{\", \"\\\"]]]\", \"\\\\\", \"a\\\\\\\"]\"]") << qsizetype(5)
            << true;
        QTest::newRow("unbalanced") << QByteArray("]") << qsizetype(0) << false;
        QTest::newRow("negative-number") << QByteArray("[-1.5e3,2]") << qsizetype(3) << true;
    }
    void scannerCountsAndNests()
    {
        QFETCH(QByteArray, json);
        QFETCH(qsizetype, elements);
        QFETCH(bool, ok);
        // Fed whole and byte by byte: the same verdict and count.
        JsonScanner whole(64, 1000);
        const Status a = whole.feed(json.constData(), json.size());
        JsonScanner bytewise(64, 1000);
        Status b = Ok{};
        for (qsizetype i = 0; i < json.size() && b; ++i)
            b = bytewise.feed(json.constData() + i, 1);
        QCOMPARE(a.ok(), ok);
        QCOMPARE(b.ok(), ok);
        if (ok) {
            QCOMPARE(whole.elements(), elements);
            QCOMPARE(bytewise.elements(), elements);
        }
    }

    void scannerLimits()
    {
        JsonScanner deep(5, 1000);
        const QByteArray nested = QByteArray("[").repeated(6);
        const Status tooDeep = deep.feed(nested.constData(), nested.size());
        QVERIFY(!tooDeep);
        QVERIFY2(tooDeep.error().message.contains(QStringLiteral("deeper than 5")),
                 qPrintable(tooDeep.error().message));
        JsonScanner many(64, 10);
        const QByteArray list = zeros(100);
        const Status tooMany = many.feed(list.constData(), list.size());
        QVERIFY(!tooMany);
        QVERIFY2(tooMany.error().message.contains(QStringLiteral("more than 10 elements")),
                 qPrintable(tooMany.error().message));
    }

    void refusedBeforeTheBodyIsComplete()
    {
        // 64 MiB of [0,0,...] announced; the first 4 MiB already cross the element limit: the
        // error comes while most of the body has not even arrived.
        const qsizetype announced = kDefaultMaxFrame - 1024;
        QByteArray header = frameOf(FrameType::Result, 1, {});
        qToBigEndian<quint32>(quint32(announced), header.data() + 16);
        FrameDecoder decoder;
        decoder.append(header);
        decoder.append(zeros(4 * 1024 * 1024));
        const auto next = decoder.next();
        QVERIFY2(!next, "an over-limit body must be refused as soon as it crosses the limit");
        QCOMPARE(next.error().kind, ErrorKind::Protocol);
        QVERIFY2(next.error().message.contains(QStringLiteral("more than 1000000 elements")),
                 qPrintable(next.error().message));
    }

    void compressedBombsStopEarly_data()
    {
        QTest::addColumn<QByteArray>("plain");
        QTest::addColumn<QString>("expected");
        QTest::newRow("64 MiB of zeros")
            << zeros(kDefaultMaxFrame - 16) << QStringLiteral("more than 1000000 elements");
        QTest::newRow("64 MiB of empty lists")
            << emptyLists(kDefaultMaxFrame - 16) << QStringLiteral("more than 1000000 elements");
        QTest::newRow("deep") << QByteArray("[").repeated(1 << 20) << QStringLiteral("deeper than");
        QTest::newRow("a huge string") << '"' + QByteArray(kDefaultMaxFrame + 16, 'a') + '"'
                                       << QStringLiteral("expands beyond");
    }
    void compressedBombsStopEarly()
    {
        // A few KB of xz that would expand to 64 MiB and beyond: refused after a bounded amount
        // of decompression (the work counter shows it), never built.
        QFETCH(QByteArray, plain);
        QFETCH(QString, expected);
        const QByteArray packed = lzma::compress(plain, 6);
        plain = QByteArray(); // let go of the plain text before decoding
        QVERIFY2(packed.size() < 64 * 1024, "the bomb is small on the wire");
        FrameDecoder decoder;
        decoder.append(frameOf(FrameType::Result, 1, packed, kFlagCompressed));
        const qsizetype budget = qsizetype(1) << 40;
        qsizetype work = budget;
        QElapsedTimer timer;
        timer.start();
        const auto next = decoder.next(&work);
        QVERIFY(!next);
        QVERIFY2(next.error().message.contains(expected), qPrintable(next.error().message));
        const qsizetype done = budget - work;
        qInfo("%lld-byte bomb refused after %lld bytes of work in %lld ms: %s",
              qint64(packed.size()), qint64(done), qint64(timer.elapsed()),
              qPrintable(next.error().message));
        if (expected != QStringLiteral("expands beyond"))
            QVERIFY2(done < 8 * 1024 * 1024, "decompression must stop at the element limit");
    }

    void trailingDataAfterTheXzStream()
    {
        const QByteArray packed = lzma::compress("[1,2,3]", 6) + "junk";
        FrameDecoder decoder;
        decoder.append(frameOf(FrameType::Result, 1, packed, kFlagCompressed));
        const auto next = decoder.next();
        QVERIFY(!next);
        QVERIFY2(next.error().message.contains(QStringLiteral("after the end of the xz body")),
                 qPrintable(next.error().message));
    }

    void workPerCallIsBounded()
    {
        // An 8 MiB body (xz-compressed to a few KB) decoded with 1 MiB of work per call: it takes
        // several calls, each returning control, and arrives whole and unchanged.
        const QByteArray text = '"' + QByteArray("abcdefgh").repeated(1024 * 1024) + '"';
        FrameDecoder decoder;
        decoder.append(frameOf(FrameType::Chunk, 3, lzma::compress(text, 6), kFlagCompressed) +
                       frameOf(FrameType::Result, 3, "7"));
        int calls = 0;
        std::optional<Frame> frame;
        while (!frame && calls < 100) {
            qsizetype work = 1024 * 1024;
            auto next = decoder.next(&work);
            QVERIFY(next);
            ++calls;
            if (next->has_value()) {
                frame = std::move(**next);
                break;
            }
            QVERIFY2(work <= 0, "nullopt with work left means the input ran out");
            QVERIFY(decoder.hasWork());
        }
        QVERIFY(frame.has_value());
        QVERIFY2(calls >= 8, qPrintable(QStringLiteral("%1 calls").arg(calls)));
        QCOMPARE(frame->body, text);
        QVERIFY(frame->compressed);
        auto last = decoder.next();
        QVERIFY(last && last->has_value());
        QCOMPARE((*last)->body, QByteArray("7"));
        QVERIFY(!decoder.hasWork());
    }

    void policyDecidesPerHeader()
    {
        FrameDecoder decoder;
        int asked = 0;
        decoder.setPolicy([&asked](const FrameHeader& header) -> Result<BodyPlan> {
            ++asked;
            BodyPlan plan;
            if (header.id == 1)
                plan.skip = true; // e.g. a late reply: read past it, decode nothing
            if (header.id == 2) {
                plan.maxDecoded = 100;
                plan.capName = QStringLiteral("the limit of 100 bytes per call for T.m");
            }
            if (header.type == FrameType::Call)
                return makeError(ErrorKind::Protocol, QStringLiteral("a request from the agent"));
            return plan;
        });
        // Skipped: even a body that is not JSON and not valid xz is never looked at.
        decoder.append(frameOf(FrameType::Result, 1, "not xz, not json]]]", kFlagCompressed));
        decoder.append(frameOf(FrameType::Result, 5, "5"));
        auto first = decoder.next();
        QVERIFY(first && first->has_value());
        QCOMPARE((*first)->id, quint64(5));
        // A compressed body over its cap names the cap.
        decoder.append(frameOf(FrameType::Chunk, 2,
                               lzma::compress('"' + QByteArray(500, 'x') + '"'), kFlagCompressed));
        auto capped = decoder.next();
        QVERIFY(!capped);
        QVERIFY2(capped.error().message.contains(QStringLiteral("per call for T.m")),
                 qPrintable(capped.error().message));
        QCOMPARE(asked, 3);
        // An uncompressed one is refused from its header alone.
        FrameDecoder fresh;
        fresh.setPolicy([](const FrameHeader&) -> Result<BodyPlan> {
            return BodyPlan{false, 10, QString()};
        });
        QByteArray header = frameOf(FrameType::Result, 9, {});
        qToBigEndian<quint32>(1000, header.data() + 16);
        fresh.append(header);
        auto refused = fresh.next();
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("1000 bytes exceeds")),
                 qPrintable(refused.error().message));
        FrameDecoder requests;
        requests.setPolicy([](const FrameHeader&) -> Result<BodyPlan> {
            return makeError(ErrorKind::Protocol, QStringLiteral("a request from the agent"));
        });
        requests.append(frameOf(FrameType::Call, 1, "{}").left(kHeaderSize));
        auto request = requests.next();
        QVERIFY2(!request, "refused from the header, before its body arrives");
    }

    void splitFeedingGivesTheSameOutcome()
    {
        // Errors and frames must not depend on how the bytes were cut (the fuzzer's oracle).
        const QByteArray stream =
            frameOf(FrameType::Result, 1, "[1,[2,{\"a\":\"]\"}]]") +
            frameOf(FrameType::Chunk, 2, lzma::compress(zeros(4000)), kFlagCompressed) +
            frameOf(FrameType::Result, 3, "[[[[[[[1]]]]]]]");
        const auto run = [&stream](qsizetype piece, int depth) {
            DecodeLimits limits;
            limits.maxDepth = depth;
            FrameDecoder decoder(limits);
            QStringList seen;
            for (qsizetype pos = 0; pos < stream.size(); pos += piece) {
                decoder.append(stream.mid(pos, piece));
                while (true) {
                    auto next = decoder.next();
                    if (!next)
                        return seen << next.error().message;
                    if (!next->has_value())
                        break;
                    seen << QString::number((*next)->id);
                }
            }
            return seen;
        };
        for (int depth : {64, 5}) {
            const QStringList whole = run(stream.size(), depth);
            for (qsizetype piece : {1, 3, 20, 21, 1000})
                QCOMPARE(run(piece, depth), whole);
        }
        QCOMPARE(run(stream.size(), 64),
                 (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3")}));
    }

    void remoteTextIsEscaped_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("shape");
        QTest::addColumn<QString>("expected");
        const int multi = int(TextShape::MultiLine);
        const int single = int(TextShape::SingleLine);
        QTest::newRow("plain") << QStringLiteral("héllo ✓ world") << multi
                               << QStringLiteral("héllo ✓ world");
        QTest::newRow("csi colour") << QStringLiteral("\x1b[31mred\x1b[0m") << multi
                                    << QStringLiteral("\\x1b[31mred\\x1b[0m");
        QTest::newRow("osc title with bel") << QStringLiteral("\x1b]0;pwned\x07rest") << multi
                                            << QStringLiteral("\\x1b]0;pwned\\x07rest");
        QTest::newRow("osc 8 hyperlink with st")
            << QStringLiteral("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") << multi
            << QStringLiteral("\\x1b]8;;http://x\\x1b\\link\\x1b]8;;\\x1b\\");
        QTest::newRow("cr overwrite")
            << QStringLiteral("ok\rFAIL") << multi << QStringLiteral("ok\\rFAIL");
        QTest::newRow("lines kept")
            << QStringLiteral("a\n\tb") << multi << QStringLiteral("a\n\tb");
        QTest::newRow("lines escaped")
            << QStringLiteral("a\n\tb") << single << QStringLiteral("a\\n\\tb");
        QTest::newRow("c1 csi") << QString(QChar(0x9b)) + QStringLiteral("2J") << multi
                                << QStringLiteral("\\x9b2J");
        QTest::newRow("del and nul")
            << QString(QChar(0x7f)) + QChar(0) << multi << QStringLiteral("\\x7f\\x00");
        QTest::newRow("bidi override")
            << QStringLiteral("file") + QChar(0x202e) + QStringLiteral("txt.exe") << multi
            << QStringLiteral("file\\u202etxt.exe");
        QTest::newRow("bidi isolate")
            << QString(QChar(0x2066)) + QChar(0x2069) << multi << QStringLiteral("\\u2066\\u2069");
        QTest::newRow("line separator")
            << QString(QChar(0x2028)) << multi << QStringLiteral("\\u2028");
    }
    void remoteTextIsEscaped()
    {
        QFETCH(QString, text);
        QFETCH(int, shape);
        QFETCH(QString, expected);
        const QString out = sanitizeRemoteText(text, TextShape(shape));
        QCOMPARE(out, expected);
        for (const QChar c : out)
            QVERIFY2(!isUnsafeRemoteChar(c.unicode(), TextShape(shape)),
                     "an unsafe character left");
        QCOMPARE(sanitizeRemoteText(out, TextShape(shape)), out); // idempotent
        QCOMPARE(sanitizeRemoteText(text.toUtf8(), TextShape(shape)), expected);
    }
};

QTEST_GUILESS_MAIN(TestDecodeLimits)
#include "tst_decodelimits.moc"
