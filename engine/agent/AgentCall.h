#pragma once

#include "engine/util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QPointer>

#include <chrono>
#include <optional>

namespace hostdeck::engine {

class AgentSession;

/// One tool call as the caller describes it.
struct CallRequest
{
    QString tool;
    QString method;
    QJsonObject args;
    bool check = false;                   ///< check mode (dry run)
    std::chrono::milliseconds timeout{0}; ///< 0 = no deadline
    QStringList syncModules;              ///< extra modules to sync first (describe)
    /// Templated call (recipe steps, PROTOCOL.md §3): {"context": {...}, "when": EXPR}; the agent
    /// renders `args` over the context and skips the method when `when` is false. Empty: none.
    QJsonObject render;
    /// Check mode regardless of the run's (a recipe step's `check_mode`); unset: the run's.
    std::optional<bool> checkOverride;
    /// Raw bytes that `args` refers to as {"$bin": index}: sent as frame attachments with no
    /// base64 on the way (file transfer). Tagged {"$bytes": ...} values work too.
    QList<QByteArray> attachments;
    /// Bytes the host may send for this call (chunks and reply, decoded): 0 = the session's
    /// limit (AgentSession::Options::callBytes), < 0 = no limit (bulk transfers whose chunks the
    /// caller writes away). Going over it is a protocol error that closes the session.
    qint64 maxReceive = 0;

    /// The common case: `tool.method(args)` with the defaults above.
    static CallRequest of(const QString& tool, const QString& method, const QJsonObject& args = {})
    {
        CallRequest request;
        request.tool = tool;
        request.method = method;
        request.args = args;
        return request;
    }
};

/// Why a call failed: the kind (remote, timeout, connection, ...) and, for remote errors, the
/// Python exception type, message, traceback frames {file,line,function,code} and details.
struct CallError
{
    ErrorKind kind = ErrorKind::Remote;
    QString type;
    QString message;
    QJsonArray traceback;
    QJsonObject details;

    QJsonObject toJson() const;
};

struct CallResult
{
    bool ok = false;
    QJsonValue value;
    CallError error;

    QJsonObject toJson() const; ///< {"ok": true, "value": ...} or {"ok": false, "error": {...}}
};

/// A call in flight. Owned by its session until it finishes, then deleted (deleteLater): keep a
/// QPointer if you hold it, and read the result from the finished() signal.
class AgentCall final : public QObject
{
    Q_OBJECT
public:
    quint64 id() const { return m_id; }
    const CallRequest& request() const { return m_request; }
    bool isFinished() const { return m_finished; }
    const CallResult& result() const { return m_result; }
    /// Fail the call now with "cancelled" and tell the agent to stop it.
    void cancel();

signals:
    /// Output or progress sent by the tool before its result (PROTOCOL.md CHUNK).
    void chunk(const QString& stream, const QJsonValue& data);
    void finished(const hostdeck::engine::CallResult& result);

private:
    friend class AgentSession;
    AgentCall(AgentSession* session, quint64 id, CallRequest request);
    void finish(CallResult result);

    QPointer<AgentSession> m_session;
    quint64 m_id;
    CallRequest m_request;
    qint64 m_received = 0; ///< decoded bytes of chunks and reply so far
    CallResult m_result;
    bool m_finished = false;
};

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::CallResult)
