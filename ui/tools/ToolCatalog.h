#pragma once

#include "tools/ParamType.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QList>

#include <optional>

namespace hostdeck::ui {

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
    QList<ParamInfo> params;
    QJsonArray rawParams; ///< as described (for history redaction)

    QString summary() const; ///< first paragraph of the doc
    QString fullName() const { return tool + QLatin1Char('.') + name; }
    QStringList secretParams() const;
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

    const QList<ToolInfo>& tools() const { return m_tools; }
    std::optional<MethodInfo> method(const QString& tool, const QString& method) const;

private:
    QList<ToolInfo> m_tools;
};

} // namespace hostdeck::ui
