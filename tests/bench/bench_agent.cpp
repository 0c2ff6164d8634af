// Benchmark of the real local agent: bootstrap, calls, throughput and payload echo, printed as a
// table beside the targets of issue 2 and the seed system's figures (SEED-BEHAVIOUR.md §4).
// Not a pass/fail test: it exits non-zero only when something does not work at all.
//   bench_agent [--reps N] [--only PARTS]   (HOSTDECK_TEST_PYTHON picks the interpreter, default
//   /usr/bin/python3;
//                             BENCH_VERBOSE=1 prints every start-up repetition on stderr)
#include "tests/bench/BenchFigure.h"
#include "tests/support/TestEnv.h"

#include "engine/agent/AgentSession.h"
#include "engine/agent/Bootstrap.h"
#include "engine/agent/ToolRegistry.h"
#include "engine/transport/LocalTransport.h"
#include "engine/wire/DataCodec.h"
#include "engine/wire/FrameCodec.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include <sys/resource.h>

using namespace hostdeck::engine;

namespace {

constexpr int kWaitMs = 30000;

struct Row
{
    QString figure;
    QString measured;
    QString target;
    QString seed;
};

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

QString ms(double nanoseconds)
{
    return QString::number(nanoseconds / 1e6, 'f', nanoseconds < 1e7 ? 2 : 1) +
           QStringLiteral(" ms");
}

QString us(double nanoseconds)
{
    return QString::number(nanoseconds / 1e3, 'f', 1) + QStringLiteral(" us");
}

[[noreturn]] void die(const QString& what)
{
    std::fprintf(stderr, "bench_agent: %s\n", qPrintable(what));
    std::exit(1);
}

/// Runs the event loop until the callbacks' check() finds `done` true (bench only: the product
/// never nests loops). Event-driven, no polling: a busy controller would steal the agent's CPU.
class Waiter
{
public:
    explicit Waiter(std::function<bool()> done) : m_done(std::move(done)) {}

    void check()
    {
        if (m_done())
            m_loop.quit();
    }

    void wait(const char* what)
    {
        if (!m_done()) {
            QTimer::singleShot(kWaitMs, &m_loop, &QEventLoop::quit);
            m_loop.exec();
        }
        if (!m_done())
            die(QStringLiteral("timed out waiting for %1").arg(QLatin1String(what)));
    }

private:
    std::function<bool()> m_done;
    QEventLoop m_loop;
};

CallRequest echoRequest(const QJsonValue& value)
{
    CallRequest r;
    r.tool = QStringLiteral("_agent");
    r.method = QStringLiteral("echo");
    r.args = {{QStringLiteral("value"), value}};
    return r;
}

/// Issue a call and wait for its result.
CallResult callAndWait(AgentSession& session, CallRequest request)
{
    std::optional<CallResult> result;
    QEventLoop loop;
    AgentCall* call = session.call(std::move(request));
    QObject::connect(call, &AgentCall::finished, &loop, [&](const CallResult& r) {
        result = r;
        loop.quit();
    });
    QTimer::singleShot(kWaitMs, &loop, &QEventLoop::quit);
    loop.exec();
    if (!result)
        die(QStringLiteral("a call did not finish"));
    if (!result->ok)
        die(QStringLiteral("%1.%2 failed: %3")
                .arg(call->request().tool, call->request().method, result->error.message));
    return *result;
}

class Bench
{
public:
    explicit Bench(int reps) : m_reps(reps)
    {
        m_tools = std::make_shared<ToolRegistry>(ToolRegistry::load({}));
        m_options.bootstrap.interpreter = {hostdeck::test::python()};
    }

    std::unique_ptr<AgentSession> newSession() const
    {
        return std::make_unique<AgentSession>(std::make_unique<LocalTransport>(), m_tools,
                                              m_options);
    }

    void bootstrapBytes()
    {
        const auto bytes = Bootstrap::bytesBeforeHandshake(m_options.bootstrap);
        hostdeck::bench::figure("agent.bytes_before_handshake", double(bytes), "bytes",
                                hostdeck::bench::Better::Lower, 8192);
        add(QStringLiteral("bytes on the wire before the handshake"),
            QStringLiteral("%1 (payload %2)").arg(bytes).arg(Bootstrap::payload().size()),
            QStringLiteral("<= 8192"), QStringLiteral("11,117"));
        add(QStringLiteral("BOOT frame (agent: xz source + bytecode / source only)"),
            QStringLiteral("%1 / %2")
                .arg(Bootstrap::bootFrame(true).size())
                .arg(Bootstrap::bootFrame(false).size()),
            QString(), QString());
    }

    void pythonFloor()
    {
        for (const QStringList& args :
             {QStringList{QStringLiteral("-c"), QStringLiteral("pass")},
              QStringList{QStringLiteral("-E"), QStringLiteral("-S"), QStringLiteral("-c"),
                          QStringLiteral("pass")}}) {
            std::vector<double> times;
            for (int i = 0; i < m_reps; ++i) {
                QProcess process;
                QElapsedTimer t;
                t.start();
                process.start(hostdeck::test::python(), args);
                if (!process.waitForFinished(kWaitMs) || process.exitCode() != 0)
                    die(QStringLiteral("python3 %1 failed").arg(args.join(QLatin1Char(' '))));
                times.push_back(double(t.nsecsElapsed()));
            }
            add(QStringLiteral("floor: python3 %1").arg(args.join(QLatin1Char(' '))),
                ms(median(times)), QString(),
                args.size() == 2 ? QStringLiteral("14-38 ms") : QString());
        }
    }

    /// spawn -> READY, spawn -> first result (an echo queued right after start), then the first
    /// call of a tool that is not synced yet, and the same call again.
    void startup()
    {
        std::vector<double> ready, first, synced, warm;
        const QString module =
            m_tools->moduleForTool(QStringLiteral("FileSystem")).value_or(QString());
        if (module.isEmpty())
            die(QStringLiteral("no FileSystem tool among the built-ins"));
        m_syncedModules = m_tools->syncOrder(module).join(QStringLiteral(" + "));
        for (int i = 0; i < m_reps; ++i) {
            auto session = newSession();
            qint64 readyAt = -1;
            qint64 resultAt = -1;
            QElapsedTimer t;
            Waiter waiter(
                [&] { return resultAt >= 0 || session->state() == AgentSession::State::Closed; });
            QObject::connect(session.get(), &AgentSession::ready, session.get(),
                             [&] { readyAt = t.nsecsElapsed(); });
            QObject::connect(session.get(), &AgentSession::closed, session.get(),
                             [&] { waiter.check(); });
            t.start();
            session->start();
            AgentCall* call = session->call(echoRequest(i));
            bool ok = false;
            QObject::connect(call, &AgentCall::finished, session.get(), [&](const CallResult& r) {
                resultAt = t.nsecsElapsed();
                ok = r.ok;
                waiter.check();
            });
            waiter.wait("the first result");
            if (!ok)
                die(QStringLiteral("the agent did not start: %1")
                        .arg(session->closeReason().message));
            ready.push_back(double(readyAt));
            if (qEnvironmentVariableIsSet("BENCH_VERBOSE"))
                std::fprintf(stderr, "    rep %d: READY %.1f ms, first result %.1f ms\n", i,
                             double(readyAt) / 1e6, double(resultAt) / 1e6);
            first.push_back(double(resultAt));

            CallRequest exists;
            exists.tool = QStringLiteral("FileSystem");
            exists.method = QStringLiteral("exists");
            exists.args = {{QStringLiteral("path"), QStringLiteral("/")}};
            t.restart();
            if (!callAndWait(*session, exists).value.toBool())
                die(QStringLiteral("FileSystem.exists('/') is not true"));
            synced.push_back(double(t.nsecsElapsed()));
            t.restart();
            (void)callAndWait(*session, exists);
            warm.push_back(double(t.nsecsElapsed()));
            session->close();
        }
        add(QStringLiteral("spawn -> READY"), ms(median(ready)), QString(),
            QStringLiteral("72-116 ms"));
        hostdeck::bench::figure("agent.spawn_first_result", median(first) / 1e6, "ms",
                                hostdeck::bench::Better::Lower, 60);
        add(QStringLiteral("spawn -> first result (_agent.echo)"), ms(median(first)),
            QStringLiteral("<= 60 ms"), QString());
        add(QStringLiteral("first FileSystem.exists incl. sync"), ms(median(synced)), QString(),
            QStringLiteral("2.7-3.7 ms"));
        add(QStringLiteral("second FileSystem.exists (synced)"), ms(median(warm)), QString(),
            QString());
    }

    void startShared()
    {
        m_session = newSession();
        m_session->start();
        (void)callAndWait(*m_session, echoRequest(0));
    }

    /// One call at a time, each issued from the previous one's finished().
    void roundTrip()
    {
        constexpr int kCalls = 3000;
        (void)callAndWait(*m_session, echoRequest(0)); // warm
        std::vector<double> perCall;
        perCall.reserve(kCalls);
        int done = 0;
        Waiter waiter([&] { return done == kCalls; });
        QElapsedTimer t;
        std::function<void()> next = [&] {
            t.start();
            AgentCall* call = m_session->call(echoRequest(done));
            QObject::connect(call, &AgentCall::finished, m_session.get(), [&](const CallResult& r) {
                perCall.push_back(double(t.nsecsElapsed()));
                if (!r.ok)
                    die(r.error.message);
                if (++done < kCalls)
                    next();
                waiter.check();
            });
        };
        next();
        waiter.wait("sequential echoes");
        std::sort(perCall.begin(), perCall.end());
        hostdeck::bench::figure("agent.round_trip", median(perCall) / 1e3, "us",
                                hostdeck::bench::Better::Lower, 100);
        add(QStringLiteral("sequential round trip _agent.echo (median)"), us(median(perCall)),
            QStringLiteral("<= 100 us"), QStringLiteral("108-153 us"));
        add(QStringLiteral("  same, 90th percentile"), us(perCall[size_t(kCalls * 9 / 10)]),
            QString(), QString());
    }

    /// Keep `inFlight` echoes outstanding until `total` have finished.
    void throughput()
    {
        constexpr int kInFlight = 100;
        constexpr int kTotal = 20000;
        std::vector<double> rates;
        for (int rep = 0; rep < std::max(3, m_reps / 2); ++rep) {
            int issued = 0;
            int done = 0;
            Waiter waiter([&] { return done == kTotal; });
            std::function<void()> issue = [&] {
                AgentCall* call = m_session->call(echoRequest(issued++));
                QObject::connect(call, &AgentCall::finished, m_session.get(),
                                 [&](const CallResult& r) {
                                     if (!r.ok)
                                         die(r.error.message);
                                     ++done;
                                     if (issued < kTotal)
                                         issue();
                                     waiter.check();
                                 });
            };
            QElapsedTimer t;
            t.start();
            for (int i = 0; i < kInFlight; ++i)
                issue();
            waiter.wait("calls in flight");
            rates.push_back(double(kTotal) / (double(t.nsecsElapsed()) / 1e9));
        }
        hostdeck::bench::figure("agent.calls_per_s_100_in_flight", median(rates), "calls/s",
                                hostdeck::bench::Better::Higher, 30000);
        add(QStringLiteral("calls/s, 100 in flight (_agent.echo)"),
            QString::number(qRound(median(rates))), QStringLiteral(">= 30000"),
            QStringLiteral("14-22k"));
    }

    void echoBytes(qsizetype size, const QString& label, const QString& target, const QString& seed)
    {
        QByteArray data(size, Qt::Uninitialized);
        QRandomGenerator generator(42);
        generator.fillRange(reinterpret_cast<quint32*>(data.data()), size / 4);
        const QJsonValue value = wire::bytesValue(data);
        std::vector<double> times;
        for (int i = 0; i < m_reps; ++i) {
            QElapsedTimer t;
            t.start();
            const CallResult r = callAndWait(*m_session, echoRequest(value));
            const auto back = wire::toBytes(r.value);
            times.push_back(double(t.nsecsElapsed()));
            if (!back || *back != data)
                die(QStringLiteral("echo of %1 came back different").arg(label));
        }
        if (size == 1024 * 1024)
            hostdeck::bench::figure("agent.echo_1MiB", median(times) / 1e6, "ms",
                                    hostdeck::bench::Better::Lower, 30);
        add(QStringLiteral("echo of %1 random bytes").arg(label), ms(median(times)), target, seed);
    }

    /// The controller's share of a 1 MiB echo: encode the CALL frame, decode the RESULT body.
    void controllerCodec()
    {
        QByteArray data(1024 * 1024, Qt::Uninitialized);
        QRandomGenerator generator(7);
        generator.fillRange(reinterpret_cast<quint32*>(data.data()), data.size() / 4);
        std::vector<double> encodeTimes, decodeTimes;
        for (int i = 0; i < m_reps; ++i) {
            QElapsedTimer t;
            t.start();
            const QJsonObject call{{QStringLiteral("tool"), QStringLiteral("_agent")},
                                   {QStringLiteral("method"), QStringLiteral("echo")},
                                   {QStringLiteral("args"),
                                    QJsonObject{{QStringLiteral("value"), wire::bytesValue(data)}}},
                                   {QStringLiteral("check"), false}};
            const wire::EncodedBody body = wire::encodeBody(call);
            const QByteArray frame =
                wire::encodeFrame(wire::FrameType::Call, 1, body.bytes, 0, body.attachments);
            encodeTimes.push_back(double(t.nsecsElapsed()));
            // What the agent sends back: the bytes as a raw attachment (PROTOCOL.md §2).
            const QByteArray reply = wire::encodeBody(wire::bytesValue(data)).bytes;
            t.restart();
            const auto value = wire::decodeBody(reply, true);
            const auto back = value ? wire::toBytes(*value) : std::nullopt;
            decodeTimes.push_back(double(t.nsecsElapsed()));
            if (frame.size() < data.size() || !back || *back != data)
                die(QStringLiteral("the 1 MiB codec round trip failed"));
        }
        add(QStringLiteral("  of which controller: encode CALL frame"), ms(median(encodeTimes)),
            QString(), QString());
        add(QStringLiteral("  of which controller: decode RESULT body"), ms(median(decodeTimes)),
            QString(), QString());
    }

    void finish()
    {
        m_session->close();
        m_session.reset();
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        add(QStringLiteral("peak RSS of the controller process"),
            QStringLiteral("%1 MiB").arg(double(usage.ru_maxrss) / 1024.0, 0, 'f', 1), QString(),
            QString());
    }

    void print() const
    {
        const Row header{QStringLiteral("figure"), QStringLiteral("measured"),
                         QStringLiteral("target"), QStringLiteral("seed")};
        qsizetype w[4] = {header.figure.size(), header.measured.size(), header.target.size(),
                          header.seed.size()};
        for (const Row& r : m_rows) {
            w[0] = std::max(w[0], r.figure.size());
            w[1] = std::max(w[1], r.measured.size());
            w[2] = std::max(w[2], r.target.size());
            w[3] = std::max(w[3], r.seed.size());
        }
        const auto line = [&](const Row& r) {
            std::printf("| %s | %s | %s | %s |\n", qPrintable(r.figure.leftJustified(w[0])),
                        qPrintable(r.measured.rightJustified(w[1])),
                        qPrintable(r.target.leftJustified(w[2])),
                        qPrintable(r.seed.leftJustified(w[3])));
        };
        line(header);
        std::printf("|%s|%s:|%s|%s|\n", QByteArray(w[0] + 2, '-').constData(),
                    QByteArray(w[1] + 1, '-').constData(), QByteArray(w[2] + 2, '-').constData(),
                    QByteArray(w[3] + 2, '-').constData());
        for (const Row& r : m_rows)
            line(r);
        std::printf("\npython: %s; medians of %d repetitions; synced for FileSystem: %s\n",
                    qPrintable(hostdeck::test::python()), m_reps, qPrintable(m_syncedModules));
    }

private:
    void add(const QString& figure, const QString& measured, const QString& target,
             const QString& seed)
    {
        m_rows.push_back({figure, measured, target.isEmpty() ? QStringLiteral("-") : target,
                          seed.isEmpty() ? QStringLiteral("-") : seed});
        std::fprintf(stderr, "  %s: %s\n", qPrintable(figure), qPrintable(measured));
    }

    int m_reps;
    std::shared_ptr<const ToolRegistry> m_tools;
    AgentSession::Options m_options;
    std::unique_ptr<AgentSession> m_session;
    std::vector<Row> m_rows;
    QString m_syncedModules;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int reps = 11;
    const QStringList args = app.arguments();
    if (const auto at = args.indexOf(QStringLiteral("--reps")); at > 0 && at + 1 < args.size())
        reps = std::max(1, args.at(at + 1).toInt());

    // --only a,b: just those parts (startup, roundtrip, throughput, echo, codec), e.g. to profile
    // one of them under callgrind.
    QStringList only;
    if (const auto at = args.indexOf(QStringLiteral("--only")); at > 0 && at + 1 < args.size())
        only = args.at(at + 1).split(u',', Qt::SkipEmptyParts);
    const auto wanted = [&only](const char* part) {
        return only.isEmpty() || only.contains(QLatin1String(part));
    };

    Bench bench(reps);
    bench.bootstrapBytes();
    if (wanted("startup")) {
        bench.pythonFloor();
        bench.startup();
    }
    bench.startShared();
    if (wanted("roundtrip"))
        bench.roundTrip();
    if (wanted("throughput"))
        bench.throughput();
    if (wanted("echo")) {
        bench.echoBytes(4 * 1024, QStringLiteral("4 KiB"), QString(), QStringLiteral("13 ms"));
        bench.echoBytes(64 * 1024, QStringLiteral("64 KiB"), QString(), QStringLiteral("43 ms"));
        bench.echoBytes(1024 * 1024, QStringLiteral("1 MiB"), QStringLiteral("<= 30 ms"),
                        QStringLiteral("607 ms"));
    }
    if (wanted("codec"))
        bench.controllerCodec();
    bench.finish();
    bench.print();
    return 0;
}
