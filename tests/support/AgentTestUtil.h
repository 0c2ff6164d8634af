#pragma once

#include "engine/agent/AgentSession.h"

#include <memory>

namespace hostdeck::test {

/// A local session on the test python with the built-in tools plus tests/support/tools.
std::unique_ptr<engine::AgentSession>
makeLocalTestSession(const QStringList& interpreter = {},
                     std::chrono::milliseconds readyTimeout = std::chrono::seconds(20));

/// Issue a call and wait (test-only, with QSignalSpy) for its result. A call that does not finish
/// within `timeoutMs` fails the running test function (QTest::qFail), whatever the caller checks.
engine::CallResult callAndWait(engine::AgentSession& session, engine::CallRequest request,
                               int timeoutMs = 20000);
engine::CallResult callAndWait(engine::AgentSession& session, const QString& tool,
                               const QString& method, const QJsonObject& args = {},
                               int timeoutMs = 20000);

/// Start a session and wait until it is ready or closed; returns the close reason's message if
/// closed. Neither within `timeoutMs` fails the running test function.
QString startAndWait(engine::AgentSession& session, int timeoutMs = 20000);

/// Write an executable script into `dir` and return its path.
QString writeScript(const QString& dir, const QString& name, const QByteArray& content);

} // namespace hostdeck::test
