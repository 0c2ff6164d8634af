#pragma once

#include "engine/agent/AgentCall.h"
#include "engine/agent/ToolCatalog.h"
#include "engine/runner/HostResult.h"
#include "engine/runner/HostTarget.h"

#include <QJsonObject>
#include <QMetaType>
#include <QObject>

#include <chrono>
#include <memory>
#include <optional>

namespace hostdeck::engine {

class AgentSession;

/// How a run goes (RUN-MODEL "Run request" options).
struct RunOptions
{
    bool check = false; ///< dry run: every call in check mode
    int forks = 100;    ///< hosts at once
    /// A call's deadline unless its tool declares its own (a parameter such as Exec's `timeout`
    /// extends it). 0: none (the liveness bound still ends a silent host).
    std::chrono::milliseconds callTimeout{std::chrono::minutes(10)};
    std::chrono::milliseconds deadline{0}; ///< the whole run; 0: none
    /// Rollout batches: counts ("2") or percentages ("25%") of the targets; the last one repeats.
    /// Empty: one batch of everything.
    QStringList serial;
    /// Stop before the next batch when more than this share of a batch's hosts failed.
    std::optional<double> maxFailPercentage;
    QString origin = QStringLiteral("gui"); ///< gui, cli, rest, template, recipe

    QJsonObject toJson() const;
    /// Batch sizes for `targets` hosts from `serial` (Ansible's rule: percentages round down,
    /// at least 1).
    QList<int> batchSizes(int targets) const;
    /// Checks serial and max_fail_percentage; the error names the bad value.
    static Status validateSerial(const QStringList& serial);
};

class HostContext;

/// What runs on one host (a tool call, a template deploy, a recipe). Lives on the engine thread,
/// owned by the run; deleted when the host is done. It calls through the context and finishes
/// exactly once with HostContext::finish.
class HostProgram : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~HostProgram() override = default;
    virtual void start(HostContext* context) = 0;
};

/// What a program may do on its host. Implemented by the run.
class HostContext
{
public:
    virtual ~HostContext() = default;
    virtual const HostTarget& target() const = 0;
    virtual const RunOptions& options() const = 0;
    /// A call on the host's agent with the run's check mode and timeouts applied; its arguments
    /// are checked against the tool description first (a refused call finishes, queued, with
    /// invalid_argument). Output chunks become step.output events of `step`. Never null.
    /// `become` runs this call as the target's become user (true) or its login user (false)
    /// instead of the target's own setting (a recipe step's `become`).
    virtual AgentCall* call(CallRequest request, const QString& step = {},
                            std::optional<bool> become = std::nullopt) = 0;
    /// The host's pooled agent session, for programs that drive it with engine objects of their
    /// own (FileUpload, FileDownload). Calls made on it directly skip what call() applies: the
    /// program applies the run's check mode and timeouts itself. Null once the engine stopped.
    virtual AgentSession* session() = 0;
    /// Live progress of the host's work as a step.output event with stream "progress" (for
    /// transfers {bytes, total, files, files_total, rate}; docs/ARCHITECTURE.md).
    virtual void progress(const QJsonValue& data, const QString& step = {}) = 0;
    /// A step finished: a step.result event.
    virtual void stepFinished(const HostResult& record) = 0;
    /// The host's record; exactly once. The program is deleted afterwards.
    virtual void finish(HostResult record) = 0;
    /// Milliseconds since the host started.
    virtual qint64 elapsedMs() const = 0;
};

/// An immutable description of what a run does on each host, shared between threads.
class Plan
{
public:
    virtual ~Plan() = default;
    /// A short name for titles and history ("Exec.run", "recipe harden.yml").
    virtual QString title() const = 0;
    /// What run.started and the history say about the plan (Secret-typed arguments redacted).
    virtual QJsonObject toJson(const ToolCatalog& catalog) const = 0;
    /// Checks everything that can be checked before a host is touched.
    virtual Status validate(const ToolCatalog& catalog) const = 0;
    virtual std::unique_ptr<HostProgram> programFor(const HostTarget& target) const = 0;
};

/// A run as a face asks for it: targets, a plan, options, and what to show in the history.
struct RunRequest
{
    QList<HostTarget> targets;
    std::shared_ptr<const Plan> plan;
    RunOptions options;
    QString pattern;   ///< what the user typed or selected
    QString inventory; ///< inventory file path, if any
};

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::RunRequest)
