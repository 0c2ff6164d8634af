#include "engine/agent/ToolCatalog.h"

#include <QJsonObject>

#include <algorithm>

namespace hostdeck::engine {

QString MethodInfo::summary() const
{
    return doc.section(QStringLiteral("\n\n"), 0, 0).simplified();
}

QStringList MethodInfo::secretParams() const
{
    QStringList names;
    for (const ParamInfo& param : params) {
        if (param.type.kind == ParamType::Kind::Secret)
            names << param.name;
    }
    return names;
}

const ParamInfo* MethodInfo::param(const QString& paramName) const
{
    for (const ParamInfo& p : params) {
        if (p.name == paramName)
            return &p;
    }
    return nullptr;
}

ToolCatalog ToolCatalog::fromJson(const QJsonArray& tools)
{
    ToolCatalog catalog;
    for (const QJsonValue& toolValue : tools) {
        const QJsonObject toolJson = toolValue.toObject();
        if (toolJson.contains(QStringLiteral("error"))) {
            // A module that failed to load: no tool to offer, but why is kept for its calls.
            catalog.m_broken.insert(toolJson.value(QStringLiteral("module")).toString(),
                                    toolJson.value(QStringLiteral("error")).toObject());
            continue;
        }
        ToolInfo tool;
        tool.name = toolJson.value(QStringLiteral("tool")).toString();
        tool.module = toolJson.value(QStringLiteral("module")).toString();
        tool.doc = toolJson.value(QStringLiteral("doc")).toString();
        tool.custom = toolJson.value(QStringLiteral("custom")).toBool();
        for (const QJsonValue& methodValue : toolJson.value(QStringLiteral("methods")).toArray()) {
            const QJsonObject methodJson = methodValue.toObject();
            MethodInfo method;
            method.tool = tool.name;
            method.name = methodJson.value(QStringLiteral("name")).toString();
            method.doc = methodJson.value(QStringLiteral("doc")).toString();
            method.changes = methodJson.value(QStringLiteral("changes")).toBool();
            method.internal = methodJson.value(QStringLiteral("internal")).toBool();
            method.raw = methodJson;
            method.rawParams = methodJson.value(QStringLiteral("params")).toArray();
            for (const QJsonValue& paramValue : method.rawParams) {
                const QJsonObject paramJson = paramValue.toObject();
                ParamInfo param;
                param.name = paramJson.value(QStringLiteral("name")).toString();
                param.annotation = paramJson.value(QStringLiteral("type")).toString();
                param.type = ParamType::parse(param.annotation);
                param.required = paramJson.value(QStringLiteral("required")).toBool();
                param.hasDefault = paramJson.contains(QStringLiteral("default"));
                param.defaultValue = paramJson.value(QStringLiteral("default"));
                if (param.hasDefault && param.defaultValue.isNull())
                    param.type.optional = true; // `x: str = None` accepts null
                method.params << param;
            }
            tool.methods << method;
        }
        catalog.m_tools << tool;
    }
    std::sort(catalog.m_tools.begin(), catalog.m_tools.end(),
              [](const ToolInfo& a, const ToolInfo& b) { return a.name < b.name; });
    return catalog;
}

QString ToolCatalog::brokenReason(const QString& tool) const
{
    const QString module = m_brokenTools.value(tool);
    if (module.isEmpty() || !m_broken.contains(module))
        return {};
    const QJsonObject error = m_broken.value(module);
    QString where;
    const QJsonArray traceback = error.value(QStringLiteral("traceback")).toArray();
    if (!traceback.isEmpty()) {
        const QJsonObject last = traceback.last().toObject();
        where = QStringLiteral(" (%1:%2)")
                    .arg(last.value(QStringLiteral("file")).toString())
                    .arg(last.value(QStringLiteral("line")).toInt());
    }
    return QStringLiteral("tool module '%1' failed to load: %2: %3%4")
        .arg(module, error.value(QStringLiteral("type")).toString(),
             error.value(QStringLiteral("message")).toString(), where);
}

std::optional<MethodInfo> ToolCatalog::method(const QString& tool, const QString& method) const
{
    for (const ToolInfo& info : m_tools) {
        if (info.name != tool)
            continue;
        for (const MethodInfo& candidate : info.methods) {
            if (candidate.name == method)
                return candidate;
        }
    }
    return std::nullopt;
}

} // namespace hostdeck::engine
