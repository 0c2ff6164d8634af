#pragma once

#include "engine/api/HttpServer.h"
#include "engine/runner/RunEvent.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>

#include <deque>
#include <memory>

namespace hostdeck::engine::api {

/// One run as the API keeps it (server thread): every event as its JSON line, in order, the
/// records and the summary. Bounded: past kMaxBytes of events, step.output events are no longer
/// kept (counted in dropped_output); records, states and the summary always are.
class RunLog
{
public:
    static constexpr qint64 kMaxBytes = 32 * 1024 * 1024;

    RunLog(quint64 id, QString title, QStringList targets);

    void append(const QList<RunEvent>& events);
    quint64 id() const { return m_id; }
    qsizetype eventCount() const { return m_events.size(); }
    const QByteArray& eventJson(qsizetype index) const { return m_events.at(index); }
    const QByteArray& eventName(qsizetype index) const { return m_names.at(index); }
    bool isFinished() const { return m_finished; }
    /// {run, state, title, targets, started, records, summary, events, dropped_output}
    QJsonObject toJson(bool withRecords = true) const;

private:
    quint64 m_id;
    QString m_title;
    QStringList m_targets;
    QJsonObject m_started;
    QList<QByteArray> m_events;
    QList<QByteArray> m_names;
    QJsonArray m_records;
    QJsonObject m_summary;
    qint64 m_bytes = 0;
    int m_droppedOutput = 0;
    bool m_finished = false;
};

/// One client reading a run's events (SSE or JSON lines) from `from` on: written as the socket
/// drains, so a slow reader holds at most the drain mark of backlog, never a copy of the run.
class RunStream final : public QObject
{
    Q_OBJECT
public:
    RunStream(std::shared_ptr<RunLog> log, HttpReply reply, bool sse, qsizetype from,
              QObject* parent);
    void pump();
    quint64 runId() const { return m_log->id(); }

private:
    std::shared_ptr<RunLog> m_log;
    HttpReply m_reply;
    bool m_sse;
    qsizetype m_next;
};

/// The runs started over the API (server thread): their logs and their readers. Finished runs
/// are kept up to kKeepFinished, the oldest forgotten first (the history keeps them on disk).
class RunRegistry final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kKeepFinished = 200;

    using QObject::QObject;
    std::shared_ptr<RunLog> create(quint64 id, const QString& title, const QStringList& targets);
    std::shared_ptr<RunLog> find(quint64 id) const { return m_runs.value(id); }
    void append(quint64 id, const QList<RunEvent>& events);
    void stream(const std::shared_ptr<RunLog>& log, const HttpReply& reply, bool sse,
                qsizetype from);
    QJsonArray list() const;
    int streamCount() const { return int(m_streams.size()); }

private:
    QHash<quint64, std::shared_ptr<RunLog>> m_runs;
    std::deque<quint64> m_finished;
    QMultiHash<quint64, RunStream*> m_streams;
};

} // namespace hostdeck::engine::api
