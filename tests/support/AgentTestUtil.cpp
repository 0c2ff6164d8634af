#include "tests/support/AgentTestUtil.h"

#include "engine/transport/LocalTransport.h"
#include "tests/support/TestEnv.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

namespace hostdeck::test {

using namespace hostdeck::engine;

std::unique_ptr<AgentSession> makeLocalTestSession(const QStringList& interpreter,
                                                   std::chrono::milliseconds readyTimeout)
{
    auto tools = std::make_shared<ToolRegistry>(ToolRegistry::load({testToolsDir()}));
    AgentSession::Options options;
    options.bootstrap.interpreter = interpreter.isEmpty() ? QStringList{python()} : interpreter;
    options.readyTimeout = readyTimeout;
    return std::make_unique<AgentSession>(std::make_unique<LocalTransport>(), tools, options);
}

CallResult callAndWait(AgentSession& session, CallRequest request, int timeoutMs)
{
    if (session.state() == AgentSession::State::NotStarted)
        session.start();
    const QString name = request.tool + QLatin1Char('.') + request.method;
    AgentCall* call = session.call(std::move(request));
    QSignalSpy spy(call, &AgentCall::finished);
    if (!spy.wait(timeoutMs)) {
        // A call that never ends is a failure of the test, whatever the caller then checks: a
        // made-up failed result would satisfy a `QVERIFY(!r.ok)`.
        const QByteArray what =
            QStringLiteral("%1 did not finish within %2 ms").arg(name).arg(timeoutMs).toUtf8();
        QTest::qFail(what.constData(), __FILE__, __LINE__);
        CallResult hung;
        hung.error.kind = ErrorKind::Timeout;
        hung.error.message = QString::fromUtf8(what);
        return hung;
    }
    return spy.takeFirst().at(0).value<CallResult>();
}

CallResult callAndWait(AgentSession& session, const QString& tool, const QString& method,
                       const QJsonObject& args, int timeoutMs)
{
    CallRequest request;
    request.tool = tool;
    request.method = method;
    request.args = args;
    return callAndWait(session, std::move(request), timeoutMs);
}

QString startAndWait(AgentSession& session, int timeoutMs)
{
    QSignalSpy ready(&session, &AgentSession::ready);
    QSignalSpy closed(&session, &AgentSession::closed);
    session.start();
    QElapsedTimer timer;
    timer.start();
    while (ready.isEmpty() && closed.isEmpty() && timer.elapsed() < timeoutMs)
        ready.wait(50);
    if (!closed.isEmpty())
        return closed.first().at(0).value<Error>().message;
    if (ready.isEmpty()) {
        QTest::qFail("the session neither became ready nor closed in time", __FILE__, __LINE__);
        return QStringLiteral("test gave up waiting for READY");
    }
    return {};
}

QString writeScript(const QString& dir, const QString& name, const QByteArray& content)
{
    const QString path = dir + QLatin1Char('/') + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(content);
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

} // namespace hostdeck::test
