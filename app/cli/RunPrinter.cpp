#include "app/cli/RunPrinter.h"

#include "app/cli/CliSupport.h"
#include "engine/util/RemoteText.h"
#include "engine/wire/DataCodec.h"

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

namespace {

QString statusText(const HostResult& record)
{
    if (record.status == HostStatus::Changed && record.check)
        return QStringLiteral("would change");
    QString text = hostStatusName(record.status).replace(QLatin1Char('_'), QLatin1Char(' '));
    if (record.ignored)
        text += QStringLiteral(" (ignored)");
    return text;
}

QString seconds(qint64 ms)
{
    return QString::number(double(ms) / 1000.0, 'f', ms < 10000 ? 2 : 1) + QStringLiteral(" s");
}

/// One line of what a record says: its error, else a short form of its value.
QString gist(const HostResult& record, int width)
{
    QString text;
    if (!record.error.message.isEmpty() && !record.ok)
        text = errorKindName(record.error.kind) + QStringLiteral(": ") + record.error.message;
    else if (record.value.isObject() && record.value.toObject().contains(QStringLiteral("stdout")))
        text = record.value.toObject().value(QStringLiteral("stdout")).toString().trimmed();
    else if (record.value.isString())
        text = record.value.toString();
    else if (!record.value.isNull() && !record.value.isUndefined())
        text = QString::fromUtf8(wire::encodeValue(record.value));
    text = sanitizeRemoteText(text.section(QLatin1Char('\n'), 0, 0), TextShape::SingleLine);
    return text.size() > width ? text.left(width - 1) + QChar(0x2026) : text;
}

} // namespace

void RunPrinter::printRow(const HostResult& record)
{
    const int hostWidth = m_labelWidth;
    out() << record.host.leftJustified(hostWidth) << "  " << statusText(record).leftJustified(12)
          << "  " << seconds(record.durationMs).rightJustified(8) << "  " << gist(record, 80)
          << '\n';
    for (const HostResult& step : record.steps) {
        out() << "  " << QString(step.step).leftJustified(hostWidth - 2) << "  "
              << statusText(step).leftJustified(12) << "  "
              << seconds(step.durationMs).rightJustified(8) << "  " << gist(step, 78) << '\n';
    }
    out().flush();
}

void RunPrinter::printRecap(const RunSummary& s)
{
    out() << "\nrecap: ok=" << s.ok << " changed=" << s.changed << " failed=" << s.failed
          << " unreachable=" << s.unreachable << " skipped=" << s.skipped
          << " timed_out=" << s.timedOut << " cancelled=" << s.cancelled << "  (" << s.total
          << " host" << (s.total == 1 ? "" : "s") << ", " << seconds(s.elapsedMs)
          << (s.check ? ", check mode: nothing was changed" : "") << ")\n";
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
            for (const QJsonValue& host : event.info.value(QStringLiteral("targets")).toArray()) {
                m_hosts.insert(host.toString());
                m_labelWidth = std::max(m_labelWidth, int(host.toString().size()));
            }
            for (const QJsonValue& step : event.info.value(QStringLiteral("plan"))
                                              .toObject()
                                              .value(QStringLiteral("steps"))
                                              .toArray())
                m_labelWidth = std::max(
                    m_labelWidth,
                    int(step.toObject().value(QStringLiteral("name")).toString().size()) + 2);
            m_labelWidth = std::min(m_labelWidth, 40);
            break;
        case RunEvent::Type::StepOutput:
            if (m_stream)
                printOutput(event);
            break;
        case RunEvent::Type::HostResult:
            m_records << event.record;
            if (m_mode == Mode::Table)
                printRow(event.record);
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
    if (m_mode == Mode::Table)
        printRecap(summary);
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
