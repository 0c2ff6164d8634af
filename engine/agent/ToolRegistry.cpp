#include "engine/agent/ToolRegistry.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>

namespace hostdeck::engine {

namespace {

const QRegularExpression& classPattern()
{
    static const QRegularExpression re(QStringLiteral("^class\\s+([A-Z][A-Za-z0-9_]*)\\s*[:(]"),
                                       QRegularExpression::MultilineOption);
    return re;
}

const QRegularExpression& helperImportPattern()
{
    static const QRegularExpression re(
        QStringLiteral("^\\s*(?:from\\s+(_[A-Za-z0-9][A-Za-z0-9_]*)\\s+import|import\\s+(_[A-Za-z0-"
                       "9][A-Za-z0-9_]*))"),
        QRegularExpression::MultilineOption);
    return re;
}

const QRegularExpression& moduleNamePattern()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return re;
}

} // namespace

QString ToolRegistry::defaultUserToolsDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/hostdeck/tools");
}

ToolRegistry ToolRegistry::load(const QStringList& userDirs, const QString& builtinDir)
{
    ToolRegistry registry;
    registry.addDirectory(builtinDir, false);
    for (const QString& dir : userDirs)
        registry.addDirectory(dir, true);
    return registry;
}

void ToolRegistry::addDirectory(const QString& dir, bool custom)
{
    const QDir folder(dir);
    if (!folder.exists()) {
        if (!custom)
            m_warnings << QStringLiteral("built-in tools folder %1 is missing").arg(dir);
        return;
    }
    const QStringList files = folder.entryList({QStringLiteral("*.py")}, QDir::Files, QDir::Name);
    for (const QString& fileName : files) {
        ToolModule module;
        module.name = fileName.chopped(3);
        module.path = folder.filePath(fileName);
        module.custom = custom;
        if (!moduleNamePattern().match(module.name).hasMatch()) {
            m_warnings << QStringLiteral("%1: not a valid module name, skipped").arg(module.path);
            continue;
        }
        QFile file(module.path);
        if (!file.open(QIODevice::ReadOnly)) {
            m_warnings
                << QStringLiteral("%1: cannot read (%2)").arg(module.path, file.errorString());
            continue;
        }
        module.source = file.readAll();
        addModule(std::move(module));
    }
}

void ToolRegistry::addModule(ToolModule module)
{
    if (m_modules.contains(module.name)) {
        m_warnings << QStringLiteral("%1: module '%2' already provided by %3, skipped")
                          .arg(module.path, module.name, m_modules.value(module.name).path);
        return;
    }
    const QString text = QString::fromUtf8(module.source);
    // Helper modules (_name) give code to tools and are no tools: the agent registers none.
    const bool helperModule = module.name.startsWith(QLatin1Char('_'));
    for (auto it = classPattern().globalMatch(text); !helperModule && it.hasNext();) {
        const QString tool = it.next().captured(1);
        if (m_toolToModule.contains(tool)) {
            m_warnings << QStringLiteral("%1: tool '%2' already provided by module '%3', skipped")
                              .arg(module.path, tool, m_toolToModule.value(tool));
            continue;
        }
        module.tools << tool;
    }
    for (auto it = helperImportPattern().globalMatch(text); it.hasNext();) {
        const auto match = it.next();
        const QString helper = match.captured(1).isEmpty() ? match.captured(2) : match.captured(1);
        if (!module.helpers.contains(helper))
            module.helpers << helper;
    }
    for (const QString& tool : std::as_const(module.tools))
        m_toolToModule.insert(tool, module.name);
    m_order << module.name;
    m_modules.insert(module.name, std::move(module));
}

const ToolModule* ToolRegistry::module(const QString& name) const
{
    const auto it = m_modules.constFind(name);
    return it == m_modules.constEnd() ? nullptr : &it.value();
}

std::optional<QString> ToolRegistry::moduleForTool(const QString& tool) const
{
    const auto it = m_toolToModule.constFind(tool);
    if (it == m_toolToModule.constEnd())
        return std::nullopt;
    return it.value();
}

QStringList ToolRegistry::syncOrder(const QString& module) const
{
    QStringList order;
    QStringList visiting;
    collectOrder(module, order, visiting);
    return order;
}

void ToolRegistry::collectOrder(const QString& name, QStringList& order,
                                QStringList& visiting) const
{
    if (order.contains(name) || visiting.contains(name))
        return; // already placed, or an import cycle: the agent reports the import error itself
    const ToolModule* mod = module(name);
    if (!mod)
        return;
    visiting << name;
    for (const QString& helper : mod->helpers)
        collectOrder(helper, order, visiting);
    visiting.removeOne(name);
    order << name;
}

QStringList ToolRegistry::moduleNames() const
{
    return m_order;
}

QStringList ToolRegistry::toolNames() const
{
    QStringList names = m_toolToModule.keys();
    names.sort();
    return names;
}

} // namespace hostdeck::engine
