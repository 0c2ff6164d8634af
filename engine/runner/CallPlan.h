#pragma once

#include "engine/runner/RunRequest.h"

#include <QHash>

namespace hostdeck::engine {

/// One tool call on every host — a palette run, `hostdeck-cli call` — optionally with per-host
/// arguments merged over the common ones (a template deploy with each host's variables).
class CallPlan final : public Plan
{
public:
    CallPlan(QString tool, QString method, QJsonObject args = {});

    void setHostArgs(const QString& host, const QJsonObject& args)
    {
        m_hostArgs.insert(host, args);
    }
    const QString& tool() const { return m_tool; }
    const QString& method() const { return m_method; }
    const QJsonObject& args() const { return m_args; }
    QJsonObject argsFor(const QString& host) const;

    QString title() const override;
    QJsonObject toJson(const ToolCatalog& catalog) const override;
    Status validate(const ToolCatalog& catalog) const override;
    std::unique_ptr<HostProgram> programFor(const HostTarget& target) const override;

    /// `args` with the method's Secret-typed parameters replaced by "<redacted>".
    static QJsonObject redacted(const ToolCatalog& catalog, const QString& tool,
                                const QString& method, QJsonObject args);

private:
    QString m_tool;
    QString m_method;
    QJsonObject m_args;
    QHash<QString, QJsonObject> m_hostArgs;
};

} // namespace hostdeck::engine
