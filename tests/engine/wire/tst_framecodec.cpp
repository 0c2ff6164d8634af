// Frame and body codec: table-driven, including every malformed input the agent could send.
#include "engine/util/Lzma.h"
#include "engine/wire/DataCodec.h"
#include "engine/wire/FrameCodec.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

using namespace hostdeck::engine;
using namespace hostdeck::engine::wire;

namespace {

QByteArray header(quint8 magic0, quint8 magic1, quint8 version, quint8 type, quint8 flags,
                  quint64 id, quint32 length, quint8 reserved = 0)
{
    QByteArray h(kHeaderSize, '\0');
    h[0] = char(magic0);
    h[1] = char(magic1);
    h[2] = char(version);
    h[3] = char(type);
    h[4] = char(flags);
    h[5] = char(reserved);
    qToBigEndian<quint64>(id, h.data() + 8);
    qToBigEndian<quint32>(length, h.data() + 16);
    return h;
}

QByteArray randomBytes(qsizetype size)
{
    QByteArray data(size, Qt::Uninitialized);
    auto* gen = QRandomGenerator::global();
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char(gen->bounded(256));
    return data;
}

} // namespace

class TestFrameCodec : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<quint64>("id");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<qsizetype>("compressMin");
        QTest::newRow("call") << int(FrameType::Call) << quint64(1)
                              << QByteArray(R"({"tool":"Exec"})") << qsizetype(0);
        QTest::newRow("result-max-id")
            << int(FrameType::Result) << std::numeric_limits<quint64>::max() << QByteArray("42")
            << qsizetype(0);
        QTest::newRow("empty-body")
            << int(FrameType::Cancel) << quint64(7) << QByteArray() << qsizetype(0);
        QTest::newRow("compressible")
            << int(FrameType::Result) << quint64(3) << QByteArray(200000, 'a') << qsizetype(4096);
        // Bodies are JSON (the decoder checks their structure): random base64 in a string.
        QTest::newRow("incompressible")
            << int(FrameType::Result) << quint64(4)
            << QByteArray('"' + randomBytes(100000).toBase64() + '"') << qsizetype(4096);
        QTest::newRow("below-threshold")
            << int(FrameType::Log) << quint64(0) << QByteArray(1000, 'x') << qsizetype(4096);
    }
    void roundTrip()
    {
        QFETCH(int, type);
        QFETCH(quint64, id);
        QFETCH(QByteArray, body);
        QFETCH(qsizetype, compressMin);
        const QByteArray frame = encodeFrame(FrameType(type), id, body, compressMin);
        QCOMPARE(frame.mid(0, 3), QByteArray("HD\x01"));
        const bool compressed = (quint8(frame[4]) & kFlagCompressed) != 0;
        if (compressed)
            QVERIFY2(frame.size() < body.size(), "compression only when it shrinks the body");
        if (compressMin == 0 || body.size() < compressMin)
            QVERIFY(!compressed);
        FrameDecoder decoder;
        // Feed in uneven pieces to exercise partial headers and bodies.
        for (qsizetype pos = 0; pos < frame.size(); pos += 7)
            decoder.append(frame.mid(pos, 7));
        auto next = decoder.next();
        QVERIFY(next);
        QVERIFY(next->has_value());
        QCOMPARE(int((*next)->type), type);
        QCOMPARE((*next)->id, id);
        QCOMPARE((*next)->body, body);
        QCOMPARE(decoder.buffered(), 0);
    }

    void compressesOnlyWhenWorthIt()
    {
        const QByteArray text = QByteArray("line of a config file\n").repeated(10000);
        QVERIFY(quint8(encodeFrame(FrameType::Result, 1, text, 4096)[4]) & kFlagCompressed);
        QVERIFY(!(quint8(encodeFrame(FrameType::Result, 1, randomBytes(1 << 20), 4096)[4]) &
                  kFlagCompressed));
        // Bulk bytes in attachments travel uncompressed, however well they would compress.
        const EncodedBody withAttachment = encodeBody(
            QJsonObject{{QStringLiteral("data"), QJsonObject{{QStringLiteral("$bin"), 0}}}},
            {text});
        QVERIFY(withAttachment.attachments);
        const QByteArray frame =
            encodeFrame(FrameType::Call, 2, withAttachment.bytes, 4096, withAttachment.attachments);
        QCOMPARE(quint8(frame[4]), kFlagAttachments);
        QCOMPARE(frame.size(), withAttachment.bytes.size() + kHeaderSize);
    }

    void manyFramesInOneRead()
    {
        QByteArray stream;
        for (int i = 1; i <= 100; ++i)
            stream += encodeFrame(FrameType::Result, quint64(i), QByteArray::number(i));
        FrameDecoder decoder;
        decoder.append(stream);
        for (int i = 1; i <= 100; ++i) {
            auto next = decoder.next();
            QVERIFY(next && next->has_value());
            QCOMPARE((*next)->id, quint64(i));
            QCOMPARE((*next)->body, QByteArray::number(i));
        }
        auto end = decoder.next();
        QVERIFY(end && !end->has_value());
    }

    void incomplete_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const QByteArray good = encodeFrame(FrameType::Result, 9, QByteArray("[1,2,3]"));
        QTest::newRow("nothing") << QByteArray();
        QTest::newRow("partial-header") << good.left(kHeaderSize - 1);
        QTest::newRow("header-only") << good.left(kHeaderSize);
        QTest::newRow("truncated-body") << good.left(good.size() - 1);
    }
    void incomplete()
    {
        QFETCH(QByteArray, bytes);
        FrameDecoder decoder;
        decoder.append(bytes);
        auto next = decoder.next();
        QVERIFY(next);
        QVERIFY(!next->has_value());
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<qsizetype>("maxFrame");
        QTest::addColumn<QString>("expected");
        const qsizetype def = kDefaultMaxFrame;
        QTest::newRow("bad-magic")
            << header('X', 'D', 1, 16, 0, 1, 0) << def << QStringLiteral("bad frame magic");
        QTest::newRow("pickle-like")
            << QByteArray(
                   "\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system",
                   28)
            << def << QStringLiteral("bad frame magic");
        QTest::newRow("bad-version") << header('H', 'D', 2, 16, 0, 1, 0) << def
                                     << QStringLiteral("unsupported protocol version 2");
        QTest::newRow("unknown-type")
            << header('H', 'D', 1, 99, 0, 1, 0) << def << QStringLiteral("unknown frame type 99");
        QTest::newRow("unknown-flag")
            << header('H', 'D', 1, 16, 0x04, 1, 0) << def << QStringLiteral("unknown frame flags");
        QTest::newRow("reserved-set")
            << header('H', 'D', 1, 16, 0, 1, 0, 1) << def << QStringLiteral("unknown frame flags");
        QTest::newRow("oversized") << header('H', 'D', 1, 16, 0, 1, 0xFFFFFFFFu) << def
                                   << QStringLiteral("exceeds the maximum");
        QTest::newRow("oversized-configured")
            << header('H', 'D', 1, 16, 0, 1, 1025) << qsizetype(1024)
            << QStringLiteral("1025 bytes exceeds the maximum of 1024");
        const QByteArray junk("this is not xz");
        QTest::newRow("corrupt-xz")
            << header('H', 'D', 1, 16, kFlagCompressed, 1, quint32(junk.size())) + junk << def
            << QStringLiteral("corrupt xz body");
        const QByteArray bomb = lzma::compress(QByteArray(1 << 20, '\0'), 6);
        QTest::newRow("xz-bomb") << header('H', 'D', 1, 16, kFlagCompressed, 1,
                                           quint32(bomb.size())) +
                                        bomb
                                 << qsizetype(64 * 1024) << QStringLiteral("expands beyond");
        // A frame whose xz header asks for a 4 GiB dictionary (found by the fuzzer): refused
        // before the decoder allocates it.
        QFile seed(QString::fromUtf8(qgetenv("HOSTDECK_SOURCE_DIR")) +
                   QStringLiteral("/tests/fuzz/corpus/xz-huge-dictionary.bin"));
        if (seed.open(QIODevice::ReadOnly))
            QTest::newRow("xz-huge-dictionary")
                << seed.readAll() << qsizetype(1024 * 1024) << QStringLiteral("needs more than");
        const QByteArray truncatedXz = lzma::compress(QByteArray(5000, 'z'), 6).chopped(8);
        QTest::newRow("truncated-xz")
            << header('H', 'D', 1, 16, kFlagCompressed, 1, quint32(truncatedXz.size())) +
                   truncatedXz
            << def << QStringLiteral("xz body");
    }
    void malformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(qsizetype, maxFrame);
        QFETCH(QString, expected);
        FrameDecoder decoder(maxFrame);
        decoder.append(bytes);
        auto next = decoder.next();
        QVERIFY2(!next, "a malformed frame must be an error");
        QCOMPARE(next.error().kind, ErrorKind::Protocol);
        QVERIFY2(next.error().message.contains(expected), qPrintable(next.error().message));
    }

    void body_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("valid");
        QTest::newRow("object") << QByteArray(R"({"a":1})") << true;
        QTest::newRow("string") << QByteArray(R"("text")") << true;
        QTest::newRow("number") << QByteArray("3.5") << true;
        QTest::newRow("null") << QByteArray("null") << true;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("two-values") << QByteArray("1,2") << false;
        QTest::newRow("truncated") << QByteArray(R"({"a":)") << false;
        QTest::newRow("bracket-escape") << QByteArray("1],[2") << false;
        QTest::newRow("binary") << QByteArray("\xff\xfe\x00", 3) << false;
    }
    void body()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, valid);
        auto value = decodeValue(body);
        QCOMPARE(bool(value), valid);
        if (!valid)
            QVERIFY(value.error().message.startsWith(QStringLiteral("bad JSON body")));
        else
            QCOMPARE(encodeValue(*value), body);
    }

    void attachmentsRoundTrip()
    {
        const QByteArray a = randomBytes(70000);
        const QByteArray b("\0\x01\x02", 3);
        const QJsonObject value{
            {QStringLiteral("first"), bytesValue(a)},
            {QStringLiteral("list"), QJsonArray{1, bytesValue(b), QStringLiteral("x")}},
            {QStringLiteral("plain"), QStringLiteral("text")}};
        const EncodedBody body = encodeBody(value);
        QVERIFY(body.attachments);
        QVERIFY2(body.bytes.size() < a.size() + 200, "blobs travel raw, not base64");
        QVERIFY(body.bytes.contains(a));
        const QByteArray frame = encodeFrame(FrameType::Result, 5, body.bytes, 0, body.attachments);
        FrameDecoder decoder;
        decoder.append(frame);
        auto next = decoder.next();
        QVERIFY(next && next->has_value());
        QVERIFY((*next)->attachments);
        auto decoded = decodeBody((*next)->body, true);
        QVERIFY2(decoded, qPrintable(decoded ? QString() : decoded.error().message));
        QCOMPARE(decoded->toObject(), value);
        // A value without bytes stays plain JSON.
        const EncodedBody plain = encodeBody(QJsonObject{{QStringLiteral("n"), 1}});
        QVERIFY(!plain.attachments);
        QCOMPARE(plain.bytes, QByteArray(R"({"n":1})"));
    }

    void badAttachments_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        const auto u32 = [](quint32 v) -> QByteArray {
            QByteArray out(4, '\0');
            qToBigEndian<quint32>(v, out.data());
            return out;
        };
        QTest::newRow("empty") << QByteArray() << QStringLiteral("lengths do not add up");
        QTest::newRow("json-too-long")
            << u32(100) + "{}" << QStringLiteral("lengths do not add up");
        QTest::newRow("blob-too-long")
            << u32(2) + "{}" + u32(50) + "abc" << QStringLiteral("lengths do not add up");
        QTest::newRow("blob-header-cut")
            << u32(2) + "{}" + QByteArray(2, '\0') << QStringLiteral("lengths do not add up");
        const auto json = [&u32](const QByteArray& text) -> QByteArray {
            return u32(quint32(text.size())) + text;
        };
        QTest::newRow("bad-index") << json(R"({"$bin": 3})") + u32(1) + "z"
                                   << QStringLiteral("bad attachment reference 3");
        QTest::newRow("negative-index")
            << json(R"({"$bin":-1})") << QStringLiteral("bad attachment reference");
        QTest::newRow("string-index")
            << json(R"({"$bin":"0"})") + u32(1) + "z" << QStringLiteral("bad attachment reference");
        QTest::newRow("bad-json") << u32(3) + "{x}" << QStringLiteral("bad JSON body");
    }
    void badAttachments()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        auto decoded = decodeBody(body, true);
        QVERIFY(!decoded);
        QVERIFY2(decoded.error().message.contains(expected), qPrintable(decoded.error().message));
    }

    void bytesSurvive()
    {
        const QByteArray raw = randomBytes(4096) + QByteArray("\0\xff", 2);
        const QJsonValue tagged = bytesValue(raw);
        auto decoded = decodeValue(encodeValue(QJsonObject{{QStringLiteral("data"), tagged}}));
        QVERIFY(decoded);
        const auto back = toBytes(decoded->toObject().value(QStringLiteral("data")));
        QVERIFY(back.has_value());
        QCOMPARE(*back, raw);
        QVERIFY(!toBytes(QJsonValue(QStringLiteral("plain"))).has_value());
        for (int size = 0; size < 8; ++size) { // every padding case
            const QByteArray small = randomBytes(size);
            QCOMPARE(bytesValue(small).toObject().value(QStringLiteral("$bytes")).toString(),
                     QString::fromLatin1(small.toBase64()));
            QCOMPARE(*toBytes(bytesValue(small)), small);
        }
        for (const char* bad : {"QQ", "QQ=", "Q===", "QQ=Q", "QUJD\u00e9", "QU JD", "=QQQ"})
            QVERIFY2(!toBytes(QJsonObject{{QStringLiteral("$bytes"), QString::fromUtf8(bad)}})
                          .has_value(),
                     bad);
        QVERIFY(!toBytes(QJsonObject{{QStringLiteral("$bytes"), QStringLiteral("@@not base64@@")}})
                     .has_value());
    }
};

QTEST_GUILESS_MAIN(TestFrameCodec)
#include "tst_framecodec.moc"
