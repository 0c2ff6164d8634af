#pragma once

#include "agent/ParamType.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QList>

#include <chrono>
#include <optional>

namespace hostdeck::engine {

struct ParamInfo
{
    QString name;
    QString annotation; ///< the type text as the agent described it
    ParamType type;
    bool required = false;
    bool hasDefault = false;
    QJsonValue defaultValue;
};

struct MethodInfo
{
    QString tool;
    QString name;
    QString doc;
    bool changes = false;
    bool internal = false; ///< a protocol piece (upload chunks...): hidden from users, refused
    std::chrono::milliseconds timeout{0}; ///< the tool's own call timeout; 0: the run's
    QString timeoutParam;                 ///< a parameter (seconds) that extends the timeout
    QList<ParamInfo> params;
    QJsonArray rawParams; ///< as described (for history redaction)

    QString summary() const; ///< first paragraph of the doc
    QString fullName() const { return tool + QLatin1Char('.') + name; }
    QStringList secretParams() const;
    const ParamInfo* param(const QString& name) const;
};

struct ToolInfo
{
    QString name;
    QString module;
    QString doc;
    bool custom = false;
    QList<MethodInfo> methods;
};

/// The agent's tool descriptions (PROTOCOL.md §5, plus "custom") as value types for the palette
/// and the forms.
class ToolCatalog
{
public:
    static ToolCatalog fromJson(const QJsonArray& tools);

    bool isEmpty() const { return m_tools.isEmpty(); }

    const QList<ToolInfo>& tools() const { return m_tools; }
    std::optional<MethodInfo> method(const QString& tool, const QString& method) const;

private:
    QList<ToolInfo> m_tools;
};

} // namespace hostdeck::engine
