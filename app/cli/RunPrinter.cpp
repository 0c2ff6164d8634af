#include "RunPrinter.h"

#include "CliSupport.h"
#include "util/RemoteText.h"
#include "wire/DataCodec.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace hostdeck::cli {

using namespace hostdeck::engine;

RunPrinter::RunPrinter(RunHandle* run, Mode mode, bool stream, QString command, Done done)
    : QObject(run), m_mode(mode), m_stream(stream), m_command(std::move(command)),
      m_done(std::move(done))
{
    connect(run, &RunHandle::events, this, &RunPrinter::onEvents);
}

void RunPrinter::printOutput(const RunEvent& event)
{
    const QString text =
        event.data.isString()
            ? event.data.toString()
            : QString::fromUtf8(
                  QJsonDocument(QJsonArray{event.data}).toJson(QJsonDocument::Compact)) +
                  QLatin1Char('\n');
    if (m_hosts.size() <= 1) {
        err() << text;
    } else {
        const QStringList lines = text.split(QLatin1Char('\n'));
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (i == lines.size() - 1 && lines.at(i).isEmpty())
                break;
            err() << event.host << " | " << lines.at(i) << '\n';
        }
    }
    err().flush();
}

void RunPrinter::onEvents(const QList<RunEvent>& events)
{
    // A refused run ends in the batch that started it: print only why.
    for (const RunEvent& event : events) {
        if (event.type == RunEvent::Type::RunFinished && event.summary.refused)
            return onFinished(event.summary);
    }
    for (const RunEvent& event : events) {
        if (m_mode == Mode::Events) {
            out() << terminalSafeJson(wire::encodeValue(event.toJson())) << '\n';
        }
        switch (event.type) {
        case RunEvent::Type::RunStarted:
            for (const QJsonValue& host : event.info.value(QStringLiteral("targets")).toArray())
                m_hosts.insert(host.toString());
            break;
        case RunEvent::Type::StepOutput:
            if (m_stream)
                printOutput(event);
            break;
        case RunEvent::Type::HostResult:
            m_records << event.record;
            if (m_mode == Mode::Records)
                out() << terminalSafeJson(wire::encodeValue(event.record.toJson())) << '\n';
            break;
        case RunEvent::Type::RunFinished:
            out().flush();
            onFinished(event.summary);
            return;
        default:
            break;
        }
    }
    out().flush();
}

void RunPrinter::onFinished(const RunSummary& summary)
{
    if (summary.refused) {
        err() << "hostdeck-cli " << m_command << ": " << summary.refused->message << Qt::endl;
        return m_done(ExitUsage);
    }
    if (m_mode == Mode::Records)
        out() << wire::encodeValue(summary.toJson()) << '\n';
    if (m_mode == Mode::Value && !m_records.isEmpty()) {
        const HostResult& record = m_records.constFirst();
        if (record.ok) {
            printJson(record.value);
        } else if (record.error.kind == ErrorKind::Remote) {
            printJson(record.error.toJson());
            out().flush();
            return m_done(ExitFailed);
        } else {
            err() << "hostdeck-cli " << m_command << ": " << record.error.message << Qt::endl;
            return m_done(ExitUsage);
        }
    }
    out().flush();
    m_done(summary.allOk() ? ExitOk : ExitFailed);
}

} // namespace hostdeck::cli
