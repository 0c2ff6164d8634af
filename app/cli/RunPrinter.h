#pragma once

#include "app/cli/CliServices.h"
#include "engine/runner/EngineClient.h"

#include <QObject>

namespace hostdeck::cli {

/// Prints a run's event stream the way the command line asked, then reports the exit code:
/// 0 every host ok, 1 a host failed, 2 the run was refused (the message on stderr).
class RunPrinter final : public QObject
{
    Q_OBJECT
public:
    enum class Mode
    {
        Value,   ///< one local host: its value as JSON (a remote error as JSON, exit 1)
        Records, ///< one JSON record per host as it finishes, then the summary line
        Events,  ///< every event of the stream as a JSON line
        Table    ///< a readable line per host (and its steps), then the recap line
    };

    RunPrinter(engine::RunHandle* run, Mode mode, bool stream, QString command, Done done);

private:
    void onEvents(const QList<engine::RunEvent>& events);
    void onFinished(const engine::RunSummary& summary);
    void printOutput(const engine::RunEvent& event);
    void printRow(const engine::HostResult& record);
    void printRecap(const engine::RunSummary& summary);

    Mode m_mode;
    bool m_stream;
    QString m_command;
    Done m_done;
    QList<engine::HostResult> m_records;
    QSet<QString> m_hosts;
    int m_labelWidth = 12; ///< host names and step names line up in the table
};

} // namespace hostdeck::cli
