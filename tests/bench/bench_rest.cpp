// REST API benchmark (engine/api): the real server in this process on the real engine (local
// host), driven by plain blocking socket clients on their own threads. Prints
//   GET /v1/tools   requests/s with C keep-alive clients (and GET /v1/runs, answered on the
//                   server thread alone)
//   run start       POST /v1/runs -> 201 latency, and POST -> run.finished on the stream
//   event latency   from the engine emitting an event batch (Engine::runEvents, timed on the
//                   engine thread) to a streaming client reading each of its events
// Not a pass/fail test: exits non-zero only when something does not work at all.
//   bench_rest [--seconds S] [--clients C] [--runs N]
#include "tests/support/TestEnv.h"

#include "engine/api/ApiHost.h"
#include "engine/runner/EngineClient.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace hostdeck::engine;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5))];
}

/// A blocking HTTP/1.1 keep-alive connection to 127.0.0.1 (the benchmark's client).
class Connection
{
public:
    Connection(quint16 port, QByteArray token) : m_token(std::move(token))
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~Connection()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool ok() const { return m_fd >= 0; }

    void send(const QByteArray& method, const QByteArray& path, const QByteArray& body = {})
    {
        const QByteArray request =
            method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Authorization: Bearer " +
            m_token + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        qsizetype sent = 0;
        while (sent < request.size()) {
            const ssize_t n = ::send(m_fd, request.constData() + sent, request.size() - sent, 0);
            if (n <= 0)
                return;
            sent += n;
        }
    }

    /// A whole Content-Length response: {status, body}.
    std::pair<int, QByteArray> response()
    {
        qsizetype end;
        while ((end = m_buffer.indexOf("\r\n\r\n")) < 0)
            if (!fill())
                return {0, {}};
        const QByteArray head = m_buffer.left(end);
        const int status = head.mid(9, 3).toInt();
        const qsizetype at = head.toLower().indexOf("content-length: ");
        const qsizetype length =
            at < 0 ? 0 : head.mid(at + 16, head.indexOf('\r', at) - at - 16).toLongLong();
        while (m_buffer.size() < end + 4 + length)
            if (!fill())
                return {0, {}};
        const QByteArray body = m_buffer.mid(end + 4, length);
        m_buffer.remove(0, end + 4 + length);
        return {status, body};
    }

    /// The next line of a chunked JSON-lines stream (chunk framing dropped); empty at the end.
    QByteArray streamLine()
    {
        for (;;) {
            // Drop chunk-size lines and the blank line after each chunk's data.
            const qsizetype nl = m_buffer.indexOf('\n');
            if (nl >= 0) {
                QByteArray line = m_buffer.left(nl);
                m_buffer.remove(0, nl + 1);
                if (line.endsWith('\r'))
                    line.chop(1);
                if (line.startsWith('{'))
                    return line;
                if (line == "0" && m_inBody)
                    return {};
                continue;
            }
            if (!fill())
                return {};
        }
    }
    void startStream()
    {
        qsizetype end;
        while ((end = m_buffer.indexOf("\r\n\r\n")) < 0)
            if (!fill())
                return;
        m_buffer.remove(0, end + 4);
        m_inBody = true;
    }

private:
    bool fill()
    {
        char chunk[65536];
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return false;
        m_buffer.append(chunk, n);
        return true;
    }

    int m_fd = -1;
    QByteArray m_token;
    QByteArray m_buffer;
    bool m_inBody = false;
};

/// When the engine emitted each event (by run and index), recorded on the engine thread.
struct Emitted
{
    QMutex mutex;
    std::map<quint64, std::vector<Clock::time_point>> times;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("hostdeck.*.debug=false"));
    const QStringList args = app.arguments();
    double seconds = 3;
    int clients = 4;
    int runs = 30;
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args.at(i) == QStringLiteral("--seconds"))
            seconds = args.at(i + 1).toDouble();
        else if (args.at(i) == QStringLiteral("--clients"))
            clients = args.at(i + 1).toInt();
        else if (args.at(i) == QStringLiteral("--runs"))
            runs = args.at(i + 1).toInt();
    }
    QTemporaryDir dir;
    qputenv("XDG_CACHE_HOME", dir.filePath(QStringLiteral("cache")).toUtf8());
    EngineConfig config;
    config.localInterpreter = {hostdeck::test::python()};
    config.userToolDirs = {dir.filePath(QStringLiteral("tools"))};
    EngineClient engine(std::move(config));
    auto emitted = std::make_shared<Emitted>();
    engine.post([emitted](Engine* e) {
        QObject::connect(
            e, &Engine::runEvents, e,
            [emitted](quint64 runId, const QList<RunEvent>& events) {
                const auto now = Clock::now();
                QMutexLocker lock(&emitted->mutex);
                auto& list = emitted->times[runId];
                list.insert(list.end(), size_t(events.size()), now);
            },
            Qt::DirectConnection);
    });
    api::ApiContext context;
    context.engine = &engine;
    context.settings.localInterpreter = {hostdeck::test::python()};
    api::ApiHost host(context);
    api::ApiHost::Options options;
    options.port = 0;
    options.tokenFile = dir.filePath(QStringLiteral("api.json"));
    options.version = QStringLiteral("bench");
    QEventLoop loop;
    QString url;
    QObject::connect(&host, &api::ApiHost::started, &loop, [&](const QString& u) {
        url = u;
        loop.quit();
    });
    QObject::connect(&host, &api::ApiHost::failed, &loop, [&](const QString& message) {
        std::fprintf(stderr, "bench_rest: %s\n", qPrintable(message));
        loop.quit();
    });
    host.start(options);
    loop.exec();
    if (url.isEmpty())
        return 1;
    QFile tokenFile(options.tokenFile);
    tokenFile.open(QIODevice::ReadOnly);
    const QByteArray token = QJsonDocument::fromJson(tokenFile.readAll())
                                 .object()
                                 .value(QStringLiteral("token"))
                                 .toString()
                                 .toUtf8();
    const quint16 port = quint16(url.section(QLatin1Char(':'), -1).toUInt());

    // Everything below runs on client threads; this thread keeps the event loop (the face
    // thread of the API's service, as in `hostdeck-cli serve`).
    int exitCode = 0;
    std::thread driver([&] {
        auto finish = qScopeGuard([&] { QMetaObject::invokeMethod(&loop, &QEventLoop::quit); });
        {
            Connection c(port, token);
            for (int i = 0; i < 600; ++i) { // the tools are described in the background
                c.send("GET", "/v1/tools");
                if (c.response().first == 200)
                    break;
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }
        for (const QByteArray& path : {QByteArray("/v1/tools"), QByteArray("/v1/runs")}) {
            std::atomic<long> done{0};
            std::atomic<qsizetype> bytes{0};
            std::vector<std::thread> threads;
            const auto until = Clock::now() + std::chrono::duration<double>(seconds);
            for (int t = 0; t < clients; ++t)
                threads.emplace_back([&] {
                    Connection c(port, token);
                    while (c.ok() && Clock::now() < until) {
                        c.send("GET", path);
                        const auto [status, body] = c.response();
                        if (status != 200)
                            break;
                        bytes += body.size();
                        ++done;
                    }
                });
            for (auto& t : threads)
                t.join();
            std::printf("GET %-10s %8.0f requests/s (%d keep-alive clients, %.0f KiB each)\n",
                        path.constData(), double(done) / seconds, clients,
                        done ? double(bytes) / double(done) / 1024.0 : 0.0);
            if (done == 0)
                exitCode = 1;
        }
        // Run start and event latency: one local host, a command that prints 20 lines.
        const QByteArray body =
            R"({"tool":"Exec","method":"run","pattern":"localhost","args":{"argv":["sh","-c",)"
            R"("for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do echo $i; )"
            R"(sleep 0.01; done"]}})";
        std::vector<double> startMs, finishMs, eventMs;
        for (int r = 0; r < runs + 1; ++r) {
            Connection c(port, token);
            const auto posted = Clock::now();
            c.send("POST", "/v1/runs", body);
            const auto [status, answer] = c.response();
            const auto created = Clock::now();
            if (status != 201) {
                std::fprintf(stderr, "bench_rest: run start answered %d %s\n", status,
                             answer.constData());
                exitCode = 1;
                return;
            }
            const QByteArray id = QJsonDocument::fromJson(answer)
                                      .object()
                                      .value(QStringLiteral("run"))
                                      .toString()
                                      .toUtf8();
            c.send("GET", "/v1/runs/" + id + "/events?format=jsonl");
            c.startStream();
            std::vector<Clock::time_point> received;
            bool finished = false;
            for (QByteArray line = c.streamLine(); !line.isEmpty(); line = c.streamLine()) {
                received.push_back(Clock::now());
                if (line.contains("\"run.finished\"")) {
                    finished = true;
                    break;
                }
            }
            if (!finished) {
                exitCode = 1;
                return;
            }
            if (r == 0)
                continue; // the first run starts the local agent
            startMs.push_back(ms(created - posted));
            finishMs.push_back(ms(received.back() - posted));
            QMutexLocker lock(&emitted->mutex);
            const auto& times = emitted->times[id.toULongLong()];
            for (size_t i = 0; i < received.size() && i < times.size(); ++i)
                eventMs.push_back(ms(received[i] - times[i]));
        }
        std::printf("run start      POST -> 201: median %.2f ms, p95 %.2f ms (%d runs, warm "
                    "local host)\n",
                    percentile(startMs, 0.5), percentile(startMs, 0.95), runs);
        std::printf("run finish     POST -> run.finished read: median %.1f ms (Exec.run of a "
                    "20-line, ~0.3 s command)\n",
                    percentile(finishMs, 0.5));
        std::printf("event latency  engine emits -> client reads: median %.2f ms, p95 %.2f ms, "
                    "max %.2f ms (%zu events; target 5 ms)\n",
                    percentile(eventMs, 0.5), percentile(eventMs, 0.95), percentile(eventMs, 1.0),
                    eventMs.size());
        std::fflush(stdout);
    });
    loop.exec();
    driver.join();
    host.stop();
    return exitCode;
}
