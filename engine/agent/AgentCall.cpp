#include "engine/agent/AgentCall.h"

#include "engine/agent/AgentSession.h"

namespace hostdeck::engine {

QJsonObject CallError::toJson() const
{
    QJsonObject json{{QStringLiteral("kind"), errorKindName(kind)},
                     {QStringLiteral("message"), message}};
    if (!type.isEmpty())
        json.insert(QStringLiteral("type"), type);
    if (!traceback.isEmpty())
        json.insert(QStringLiteral("traceback"), traceback);
    if (!details.isEmpty())
        json.insert(QStringLiteral("details"), details);
    return json;
}

QJsonObject CallResult::toJson() const
{
    if (ok)
        return {{QStringLiteral("ok"), true}, {QStringLiteral("value"), value}};
    return {{QStringLiteral("ok"), false}, {QStringLiteral("error"), error.toJson()}};
}

AgentCall::AgentCall(AgentSession* session, quint64 id, CallRequest request)
    : m_session(session), m_id(id), m_request(std::move(request))
{
}

void AgentCall::cancel()
{
    if (!m_finished && m_session)
        m_session->cancelCall(m_id);
}

void AgentCall::finish(CallResult result)
{
    if (m_finished)
        return;
    m_finished = true;
    m_result = std::move(result);
    emit finished(m_result);
    deleteLater();
}

} // namespace hostdeck::engine
