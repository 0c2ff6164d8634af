#include "engine/runner/CallPlan.h"

#include "engine/agent/ArgumentCheck.h"

namespace hostdeck::engine {

namespace {

class CallProgram final : public HostProgram
{
public:
    CallProgram(QString tool, QString method, QJsonObject args)
        : m_tool(std::move(tool)), m_method(std::move(method)), m_args(std::move(args))
    {
    }

    void start(HostContext* context) override
    {
        AgentCall* call = context->call(CallRequest::of(m_tool, m_method, m_args));
        connect(call, &AgentCall::finished, this, [context](const CallResult& result) {
            context->finish(HostResult::fromCall(context->target().name, result,
                                                 context->options().check, context->elapsedMs()));
        });
    }

private:
    QString m_tool;
    QString m_method;
    QJsonObject m_args;
};

} // namespace

CallPlan::CallPlan(QString tool, QString method, QJsonObject args)
    : m_tool(std::move(tool)), m_method(std::move(method)), m_args(std::move(args))
{
}

QJsonObject CallPlan::argsFor(const QString& host) const
{
    QJsonObject args = m_args;
    const QJsonObject own = m_hostArgs.value(host);
    for (auto it = own.begin(); it != own.end(); ++it)
        args.insert(it.key(), it.value());
    return args;
}

QString CallPlan::title() const
{
    return m_tool + QLatin1Char('.') + m_method;
}

QJsonObject CallPlan::redacted(const ToolCatalog& catalog, const QString& tool,
                               const QString& method, QJsonObject args)
{
    if (const std::optional<MethodInfo> info = catalog.method(tool, method)) {
        for (const QString& name : info->secretParams()) {
            if (args.contains(name) && !args.value(name).isNull())
                args.insert(name, QStringLiteral("<redacted>"));
        }
    }
    return args;
}

QJsonObject CallPlan::toJson(const ToolCatalog& catalog) const
{
    QJsonObject json{{QStringLiteral("kind"), QStringLiteral("call")},
                     {QStringLiteral("tool"), m_tool},
                     {QStringLiteral("method"), m_method},
                     {QStringLiteral("args"), redacted(catalog, m_tool, m_method, m_args)}};
    if (!m_hostArgs.isEmpty()) {
        QJsonObject perHost;
        for (auto it = m_hostArgs.begin(); it != m_hostArgs.end(); ++it)
            perHost.insert(it.key(), redacted(catalog, m_tool, m_method, it.value()));
        json.insert(QStringLiteral("host_args"), perHost);
    }
    return json;
}

Status CallPlan::validate(const ToolCatalog& catalog) const
{
    const std::optional<MethodInfo> info = catalog.method(m_tool, m_method);
    if (info && info->internal)
        return makeError(ErrorKind::InvalidArgument,
                         QStringLiteral("%1 is a protocol piece the transfer engine uses, not a "
                                        "tool to call (use hostdeck-cli copy/fetch)")
                             .arg(title()));
    if (m_hostArgs.isEmpty())
        return ArgumentCheck::check(catalog, m_tool, m_method, m_args);
    for (auto it = m_hostArgs.begin(); it != m_hostArgs.end(); ++it) {
        if (Status checked = ArgumentCheck::check(catalog, m_tool, m_method, argsFor(it.key()));
            !checked)
            return makeError(
                checked.error().kind,
                QStringLiteral("host '%1': %2").arg(it.key(), checked.error().message));
    }
    return Ok{}; // hosts without their own arguments are checked when their call starts
}

std::unique_ptr<HostProgram> CallPlan::programFor(const HostTarget& target) const
{
    return std::make_unique<CallProgram>(m_tool, m_method, argsFor(target.name));
}

} // namespace hostdeck::engine
