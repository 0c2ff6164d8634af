// libFuzzer target for AgentSession's dispatch: the input is a program of steps played against a
// session over an in-memory Transport (what a hostile or broken agent could do, and what the
// controller does meanwhile): READY and other handshake lines, well-encoded frames of every type
// with ids that are pending, already finished, internal or made up, chunks after results,
// duplicate results, raw garbage, stderr with sudo prompts, the transport failing or finishing,
// calls, cancels, close, abort, log levels, in any order and any state. Oracles on top of the
// sanitizers:
//  - every call ends exactly once (finished emitted once, after the session is gone at the
//    latest), and no chunk is emitted for a call after its result;
//  - a call that ends ok got a RESULT frame with its id while it was pending;
//  - nothing is written to the transport after it was told to close or abort.
#include "engine/agent/AgentSession.h"
#include "engine/wire/DataCodec.h"
#include "engine/wire/FrameCodec.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

using namespace hostdeck::engine;

namespace {

void check(bool condition, const char* what)
{
    if (condition)
        return;
    std::fprintf(stderr, "fuzz_session: invariant violated: %s\n", what);
    std::abort();
}

/// Reads the fuzz input as a stream of small numbers and byte strings; zeros once exhausted.
class Input
{
public:
    Input(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}
    bool done() const { return m_at >= m_size; }
    quint8 byte() { return m_at < m_size ? m_data[m_at++] : 0; }
    quint64 u64()
    {
        quint64 v = 0;
        for (int i = 0; i < 8; ++i)
            v = v << 8 | byte();
        return v;
    }
    QByteArray bytes(int max)
    {
        const int n = qMin<int>(byte() % (max + 1), int(m_size - qMin(m_at, m_size)));
        QByteArray out(reinterpret_cast<const char*>(m_data + m_at), n);
        m_at += size_t(n);
        return out;
    }

private:
    const uint8_t* m_data;
    size_t m_size;
    size_t m_at = 0;
};

/// The far end of the session: records writes, emits what the program says.
class FakeTransport final : public Transport
{
public:
    QString targetName() const override { return QStringLiteral("fuzz"); }
    void start(const Command&) override { started = true; }
    void write(const QByteArray& data) override
    {
        check(!closedWrite && !aborted, "a write after closeWrite() or abort()");
        written += data.size();
    }
    qint64 bytesToWrite() const override { return 0; }
    void closeWrite() override { closedWrite = true; }
    void abort() override
    {
        aborted = true;
        if (finishOnAbort)
            emit finished(TransportExit{-1, true, QStringLiteral("killed")});
    }

    bool started = false;
    bool closedWrite = false;
    bool aborted = false;
    bool finishOnAbort = true;
    qint64 written = 0;
};

struct Tracked
{
    QPointer<AgentCall> call;
    quint64 id = 0;
    int finished = 0;
    bool ok = false;
    bool chunkAfterFinish = false;
    bool resultFrameWhilePending = false;
};

QJsonValue bodyFor(Input& in, wire::FrameType type)
{
    switch (in.byte() % 6) {
    case 0: // what the type expects
        switch (type) {
        case wire::FrameType::Result:
            return QJsonObject{{QStringLiteral("rc"), 0}};
        case wire::FrameType::Error:
            return QJsonObject{{QStringLiteral("type"), QStringLiteral("ValueError")},
                               {QStringLiteral("message"), QStringLiteral("boom")},
                               {QStringLiteral("traceback"), QJsonArray{}}};
        case wire::FrameType::Chunk:
            return QJsonObject{{QStringLiteral("stream"), QStringLiteral("stdout")},
                               {QStringLiteral("data"), QStringLiteral("line\n")}};
        case wire::FrameType::Log:
            return QJsonObject{{QStringLiteral("level"), 30},
                               {QStringLiteral("message"), QStringLiteral("careful")}};
        default:
            return QJsonObject{};
        }
    case 1:
        return QJsonValue();
    case 2:
        return QJsonArray{1, QStringLiteral("x")};
    case 3:
        return QString::fromUtf8(in.bytes(16));
    case 4:
        return wire::bytesValue(in.bytes(32));
    default:
        return QJsonObject{{QStringLiteral("type"), QString::fromUtf8(in.bytes(8))},
                           {QStringLiteral("stream"), 7},
                           {QStringLiteral("level"), QStringLiteral("x")}};
    }
}

wire::FrameType frameType(quint8 b)
{
    static const wire::FrameType types[] = {
        wire::FrameType::Result, wire::FrameType::Error,  wire::FrameType::Chunk,
        wire::FrameType::Log,    wire::FrameType::Result, wire::FrameType::Chunk,
        wire::FrameType::Call,   wire::FrameType::Sync,   wire::FrameType::Cancel,
        wire::FrameType::Config, wire::FrameType::Boot};
    return types[b % (sizeof(types) / sizeof(types[0]))];
}

class Harness
{
public:
    explicit Harness(Input& in) : m_in(in)
    {
        auto transport = std::make_unique<FakeTransport>();
        m_transport = transport.get();
        m_transport->finishOnAbort = in.byte() % 2;
        const quint8 flags = in.byte();
        AgentSession::Options options;
        options.bootstrap.interpreter = {QStringLiteral("python3")};
        options.bootstrap.become = flags & 1;
        options.bootstrap.bytecode = flags & 2;
        options.compressMin = (flags & 4) ? 64 : 0;
        options.maxFrame = (flags & 8) ? 256 : wire::kDefaultMaxFrame;
        m_sudoAnswer = (flags >> 4) % 4; // 0: no callback, 1: answer, 2: refuse, 3: never answer
        if (m_sudoAnswer != 0) {
            const int answer = m_sudoAnswer;
            options.becomePassword = [answer](std::function<void(std::optional<SecretBuffer>)> r) {
                if (answer == 1)
                    r(SecretBuffer(QByteArray("secret")));
                else if (answer == 2)
                    r(std::nullopt);
            };
        }
        static const auto tools = std::make_shared<const ToolRegistry>(ToolRegistry::load({}));
        m_session = std::make_unique<AgentSession>(std::move(transport), tools, options);
    }

    void run()
    {
        int steps = 0;
        while (!m_in.done() && ++steps < 200)
            step(m_in.byte());
        // Whatever state it is in: destroying the session ends every pending call.
        m_session.reset();
        drainEvents();
        for (const Tracked& t : m_calls) {
            check(t.finished == 1, "a call did not end exactly once");
            check(!t.chunkAfterFinish, "a chunk after the call's result");
            if (t.ok)
                check(t.resultFrameWhilePending, "a call ended ok without a RESULT frame");
        }
    }

private:
    static void drainEvents()
    {
        for (int i = 0; i < 4; ++i) {
            QCoreApplication::sendPostedEvents();
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        }
    }

    quint64 pickId()
    {
        const quint8 b = m_in.byte();
        if (!m_calls.empty() && b < 160)
            return m_calls[b % m_calls.size()].id;
        if (b < 200)
            return b % 8; // internal ids (CONFIG, SYNC) are small
        return m_in.u64();
    }

    void deliver(const QByteArray& bytes)
    {
        // In one piece or two: the session must not care how bytes arrive.
        const qsizetype cut = bytes.isEmpty() ? 0 : m_in.byte() % (bytes.size() + 1);
        if (cut > 0 && cut < bytes.size()) {
            emit m_transport->dataReceived(bytes.left(cut));
            if (m_session)
                emit m_transport->dataReceived(bytes.mid(cut));
        } else {
            emit m_transport->dataReceived(bytes);
        }
    }

    void sendFrame()
    {
        const wire::FrameType type = frameType(m_in.byte());
        const quint64 id = pickId();
        const QJsonValue body = bodyFor(m_in, type);
        if (type == wire::FrameType::Result) {
            for (Tracked& t : m_calls) {
                if (t.id == id && t.finished == 0)
                    t.resultFrameWhilePending = true;
            }
        }
        const wire::EncodedBody encoded = wire::encodeBody(body);
        const qsizetype compress = (m_in.byte() & 1) ? 16 : 0;
        deliver(wire::encodeFrame(type, id, encoded.bytes, compress, encoded.attachments));
    }

    void makeCall()
    {
        const quint8 b = m_in.byte();
        static const char* const tools[] = {"Exec", "_agent", "NoSuchTool", "FileSystem"};
        CallRequest request =
            CallRequest::of(QString::fromLatin1(tools[b % 4]), QStringLiteral("run"),
                            {{QStringLiteral("argv"), QJsonArray{1}}});
        request.check = b & 8;
        AgentCall* call = m_session->call(std::move(request));
        check(call != nullptr, "call() returned null");
        const size_t index = m_calls.size();
        m_calls.push_back(Tracked{call, call->id()});
        QObject::connect(call, &AgentCall::finished, &m_context,
                         [this, index](const CallResult& result) {
                             Tracked& t = m_calls[index];
                             ++t.finished;
                             t.ok = result.ok;
                         });
        QObject::connect(call, &AgentCall::chunk, &m_context, [this, index] {
            if (m_calls[index].finished > 0)
                m_calls[index].chunkAfterFinish = true;
        });
    }

    void step(quint8 op)
    {
        if (!m_session)
            return;
        switch (op % 18) {
        case 0:
        case 1:
            deliver(QByteArrayLiteral("HOSTDECK-READY 1 3.11.2 4242\n"));
            break;
        case 2:
            deliver(m_in.bytes(64));
            break;
        case 3:
        case 4:
        case 5:
            sendFrame();
            break;
        case 6:
        case 7:
            makeCall();
            break;
        case 8:
            if (!m_calls.empty()) {
                const Tracked& t = m_calls[m_in.byte() % m_calls.size()];
                if (m_in.byte() & 1) {
                    if (t.call)
                        t.call->cancel();
                } else {
                    m_session->cancelCall(t.id);
                }
            }
            break;
        case 9:
            emit m_transport->stderrReceived(
                m_in.byte() & 1 ? QByteArrayLiteral("HOSTDECK-SUDO-PROMPT:") : m_in.bytes(32));
            break;
        case 10:
            emit m_transport->finished(TransportExit{int(m_in.byte()) - 1, bool(m_in.byte() & 1),
                                                     QStringLiteral("exited")});
            break;
        case 11:
            emit m_transport->failed(
                makeError(m_in.byte() & 1 ? ErrorKind::NotFound : ErrorKind::ConnectionLost,
                          QStringLiteral("transport failed")));
            break;
        case 12:
            m_session->close();
            break;
        case 13:
            m_session->abort();
            break;
        case 14:
            m_session->start();
            break;
        case 15:
            drainEvents();
            break;
        case 16:
            m_session->setLogLevel(m_in.byte());
            break;
        default: {
            static const QByteArray lines[] = {QByteArrayLiteral("HOSTDECK-LOADER\n"),
                                               QByteArrayLiteral("HOSTDECK-PYTHON-TOO-OLD 3.6\n"),
                                               QByteArrayLiteral("HOSTDECK-READY 2 3.11 1\n"),
                                               QByteArrayLiteral("HOSTDECK-READY x\n"),
                                               QByteArrayLiteral("Last login: never\n")};
            deliver(lines[m_in.byte() % 5]);
            break;
        }
        }
    }

    Input& m_in;
    QObject m_context;
    FakeTransport* m_transport = nullptr;
    std::unique_ptr<AgentSession> m_session;
    std::vector<Tracked> m_calls;
    int m_sudoAnswer = 0;
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    static QCoreApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    Input in(data, size);
    Harness harness(in);
    harness.run();
    return 0;
}
