#include "engine/api/RunLog.h"

#include <QJsonDocument>

namespace hostdeck::engine::api {

RunLog::RunLog(quint64 id, QString title, QStringList targets)
    : m_id(id), m_title(std::move(title)), m_targets(std::move(targets))
{
}

void RunLog::append(const QList<RunEvent>& events)
{
    for (const RunEvent& event : events) {
        if (m_finished)
            return; // nothing follows run.finished
        if (event.type == RunEvent::Type::StepOutput && m_bytes > kMaxBytes) {
            ++m_droppedOutput;
            continue;
        }
        QByteArray line = QJsonDocument(event.toJson()).toJson(QJsonDocument::Compact);
        m_bytes += line.size();
        m_events << line;
        m_names << RunEvent::typeName(event.type).toLatin1();
        switch (event.type) {
        case RunEvent::Type::RunStarted:
            m_started = event.info;
            break;
        case RunEvent::Type::HostResult:
            m_records.append(event.record.toJson());
            break;
        case RunEvent::Type::RunFinished:
            m_summary = event.summary.toJson();
            m_finished = true;
            break;
        default:
            break;
        }
    }
}

QJsonObject RunLog::toJson(bool withRecords) const
{
    QJsonObject json{{QStringLiteral("run"), QString::number(m_id)},
                     {QStringLiteral("state"),
                      m_finished ? QStringLiteral("finished") : QStringLiteral("running")},
                     {QStringLiteral("title"), m_title},
                     {QStringLiteral("summary"),
                      m_finished ? QJsonValue(m_summary) : QJsonValue(QJsonValue::Null)}};
    if (!withRecords)
        return json;
    json.insert(QStringLiteral("targets"), QJsonArray::fromStringList(m_targets));
    json.insert(QStringLiteral("started"), m_started);
    json.insert(QStringLiteral("records"), m_records);
    json.insert(QStringLiteral("events"), m_events.size());
    json.insert(QStringLiteral("dropped_output"), m_droppedOutput);
    return json;
}

RunStream::RunStream(std::shared_ptr<RunLog> log, HttpReply reply, bool sse, qsizetype from,
                     QObject* parent)
    : QObject(parent), m_log(std::move(log)), m_reply(std::move(reply)), m_sse(sse), m_next(from)
{
    HttpConnection* connection = m_reply.connection();
    if (!connection) {
        deleteLater();
        return;
    }
    connect(connection, &HttpConnection::drained, this, &RunStream::pump);
    connect(connection, &HttpConnection::closed, this, &QObject::deleteLater);
    m_reply.begin(200,
                  sse ? QByteArrayLiteral("text/event-stream; charset=utf-8")
                      : QByteArrayLiteral("application/x-ndjson"),
                  {{QByteArrayLiteral("X-Accel-Buffering"), QByteArrayLiteral("no")}});
}

void RunStream::pump()
{
    if (!m_reply.isOpen())
        return deleteLater();
    QByteArray out;
    const qint64 mark = 256 * 1024;
    while (m_next < m_log->eventCount() && m_reply.backlog() + out.size() < mark) {
        if (m_sse)
            out += "id: " + QByteArray::number(m_next) + "\nevent: " + m_log->eventName(m_next) +
                   "\ndata: " + m_log->eventJson(m_next) + "\n\n";
        else
            out += m_log->eventJson(m_next) + '\n';
        ++m_next;
    }
    m_reply.write(out);
    if (m_log->isFinished() && m_next >= m_log->eventCount()) {
        m_reply.end();
        deleteLater();
    }
}

std::shared_ptr<RunLog> RunRegistry::create(quint64 id, const QString& title,
                                            const QStringList& targets)
{
    auto log = std::make_shared<RunLog>(id, title, targets);
    m_runs.insert(id, log);
    return log;
}

void RunRegistry::append(quint64 id, const QList<RunEvent>& events)
{
    const std::shared_ptr<RunLog> log = m_runs.value(id);
    if (!log)
        return;
    const bool wasFinished = log->isFinished();
    log->append(events);
    const QList<RunStream*> streams = m_streams.values(id);
    for (RunStream* stream : streams)
        stream->pump();
    if (!wasFinished && log->isFinished()) {
        m_finished.push_back(id);
        while (m_finished.size() > size_t(kKeepFinished)) {
            m_runs.remove(m_finished.front());
            m_finished.pop_front();
        }
    }
}

void RunRegistry::stream(const std::shared_ptr<RunLog>& log, const HttpReply& reply, bool sse,
                         qsizetype from)
{
    auto* stream = new RunStream(log, reply, sse, from, this);
    const quint64 id = log->id();
    m_streams.insert(id, stream);
    connect(stream, &QObject::destroyed, this,
            [this, id, stream] { m_streams.remove(id, stream); });
    stream->pump();
}

QJsonArray RunRegistry::list() const
{
    QList<quint64> ids = m_runs.keys();
    std::sort(ids.begin(), ids.end());
    QJsonArray list;
    for (quint64 id : ids)
        list.append(m_runs.value(id)->toJson(false));
    return list;
}

} // namespace hostdeck::engine::api
