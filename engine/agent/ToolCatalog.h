#pragma once

#include "engine/agent/ParamType.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
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
    QJsonObject raw;       ///< the description as the agent gave it (timeout, timeout_param...)
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

    /// Modules that failed to load on the describing agent: module -> {type, message, traceback}.
    const QHash<QString, QJsonObject>& brokenModules() const { return m_broken; }
    /// `tool` is defined in `module`, which failed to load (the registry's text scan knows).
    void addBrokenTool(const QString& tool, const QString& module) { m_brokenTools[tool] = module; }
    /// Why `tool` is unavailable when its module failed to load: "tool module 'x' failed to load:
    /// Type: message (file:line)"; empty otherwise.
    QString brokenReason(const QString& tool) const;

private:
    QList<ToolInfo> m_tools;
    QHash<QString, QJsonObject> m_broken;
    QHash<QString, QString> m_brokenTools;
};

} // namespace hostdeck::engine
