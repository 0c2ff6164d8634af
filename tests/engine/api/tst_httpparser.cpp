// The REST server's request parser: limits before buffering, statuses for bad input, and the
// same requests whatever way the bytes are split (generated splits).
#include "engine/api/HttpMessage.h"

#include <QRandomGenerator>
#include <QTest>

using namespace hostdeck::engine::api;

class TestHttpParser : public QObject
{
    Q_OBJECT

    static QList<HttpRequest> parseAll(QByteArray bytes, int* failed = nullptr,
                                       HttpLimits limits = {})
    {
        HttpRequestParser parser(limits);
        QList<HttpRequest> requests;
        for (;;) {
            const HttpRequestParser::State state = parser.feed(bytes);
            if (state == HttpRequestParser::State::Failed) {
                if (failed)
                    *failed = parser.errorStatus();
                return requests;
            }
            if (state == HttpRequestParser::State::NeedMore)
                return requests;
            requests << parser.take();
        }
    }

private slots:
    void refusals_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("status");
        const QByteArray longPath(9000, 'a');
        QByteArray manyHeaders = "GET / HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; i < 70; ++i)
            manyHeaders += "X-" + QByteArray::number(i) + ": y\r\n";
        QTest::newRow("request line too long") << ("GET /" + longPath + " HTTP/1.1\r\n") << 414;
        QTest::newRow("request line too long, unterminated") << ("GET /" + longPath) << 414;
        QTest::newRow("header block too long")
            << ("GET / HTTP/1.1\r\nHost: x\r\nX: " + QByteArray(50000, 'b')) << 431;
        QTest::newRow("too many headers") << (manyHeaders + "\r\n") << 431;
        QTest::newRow("body too large")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n") << 413;
        QTest::newRow("chunked body")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            << 411;
        QTest::newRow("no host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("HTTP/2") << QByteArray("GET / HTTP/2.0\r\nHost: x\r\n\r\n") << 505;
        QTest::newRow("bad header") << QByteArray("GET / HTTP/1.1\r\nHost x\r\n\r\n") << 400;
        QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: x\n\r\n\r\n") << 400;
        QTest::newRow("bad length")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n") << 400;
        QTest::newRow("relative target") << QByteArray("GET x HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    }
    void refusals()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, status);
        int failed = 0;
        parseAll(input, &failed);
        QCOMPARE(failed, status);
    }

    void parsesPathQueryHeadersAndBody()
    {
        const QList<HttpRequest> requests =
            parseAll("POST /v1/runs%2Fx?pattern=web%3A%26prod&from=3 HTTP/1.1\r\nHost: "
                     "127.0.0.1:7707\r\nAUTHORIZATION: Bearer t\r\nContent-Length: 4\r\n\r\n{}{}");
        QCOMPARE(requests.size(), 1);
        const HttpRequest& r = requests.constFirst();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QStringLiteral("/v1/runs/x"));
        QCOMPARE(r.query.queryItemValue(QStringLiteral("pattern"), QUrl::FullyDecoded),
                 QStringLiteral("web:&prod"));
        QCOMPARE(r.header("authorization"), QByteArray("Bearer t"));
        QCOMPARE(r.body, QByteArray("{}{}"));
        QVERIFY(r.keepAlive());
    }

    void keepAliveRules()
    {
        QVERIFY(!parseAll("GET / HTTP/1.0\r\n\r\n").constFirst().keepAlive());
        QVERIFY(
            parseAll("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").constFirst().keepAlive());
        QVERIFY(!parseAll("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                     .constFirst()
                     .keepAlive());
    }

    /// 300 generated request sequences, each fed in random pieces: the same requests as when
    /// fed at once.
    void anySplitGivesTheSameRequests()
    {
        QRandomGenerator random(20261203);
        for (int round = 0; round < 300; ++round) {
            QByteArray stream;
            QList<QByteArray> bodies;
            const int count = 1 + int(random.bounded(4));
            for (int i = 0; i < count; ++i) {
                QByteArray body(int(random.bounded(300)), 'x');
                for (char& c : body)
                    c = char('a' + random.bounded(26));
                bodies << body;
                stream += "POST /r" + QByteArray::number(i) + " HTTP/1.1\r\nHost: h\r\n" +
                          (random.bounded(2) ? "\r\n" : "") +
                          "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
            }
            // A stray CRLF between requests is allowed, so the optional line above is in the
            // header block, not before a request: drop it where it made a bad request.
            stream.replace("Host: h\r\n\r\nContent-Length", "Host: h\r\nContent-Length");
            HttpRequestParser parser;
            QList<HttpRequest> pieces;
            QByteArray buffer;
            qsizetype at = 0;
            while (at < stream.size()) {
                const qsizetype n = 1 + qsizetype(random.bounded(40));
                buffer += stream.mid(at, n);
                at += n;
                while (parser.feed(buffer) == HttpRequestParser::State::Done)
                    pieces << parser.take();
            }
            QCOMPARE(pieces.size(), count);
            for (int i = 0; i < count; ++i) {
                QCOMPARE(pieces.at(i).path, QStringLiteral("/r%1").arg(i));
                QCOMPARE(pieces.at(i).body, bodies.at(i));
            }
        }
    }

    void responseFraming()
    {
        QCOMPARE(httpHead(201, {{"Content-Type", "application/json"}}, 2, true),
                 QByteArray("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                            "Content-Length: 2\r\nConnection: keep-alive\r\n\r\n"));
        QCOMPARE(httpChunk("hello"), QByteArray("5\r\nhello\r\n"));
        QCOMPARE(httpChunk(QByteArray(26, 'z')).left(4), QByteArray("1a\r\n"));
        QVERIFY(httpChunk({}).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHttpParser)
#include "tst_httpparser.moc"
