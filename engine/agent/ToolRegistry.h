#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace hostdeck::engine {

/// A Python module of tools (or a helper module, name starting with '_') to sync to agents.
struct ToolModule
{
    QString name; ///< module name = file name without .py
    QString path; ///< where it was read from (":/hostdeck/tools/x.py" for built-ins)
    QByteArray source;
    QStringList tools;   ///< tool class names defined at column 0
    QStringList helpers; ///< '_' modules it imports
    bool custom = false; ///< from the user tools folder
};

/// The built-in tools (embedded resources) plus user tool folders. Tool names are found by a
/// plain text scan of the sources: the controller never executes tool code itself.
class ToolRegistry
{
public:
    /// The default user tools folder: $XDG_DATA_HOME/hostdeck/tools.
    static QString defaultUserToolsDir();
    /// Built-ins from `builtinDir` (default: the embedded resources) plus every *.py of `userDirs`.
    static ToolRegistry load(const QStringList& userDirs,
                             const QString& builtinDir = QStringLiteral(":/hostdeck/tools"));

    const ToolModule* module(const QString& name) const;
    /// Module that defines `tool`, if any.
    std::optional<QString> moduleForTool(const QString& tool) const;
    /// `module` preceded by the helper modules it needs, in sync order.
    QStringList syncOrder(const QString& module) const;
    QStringList moduleNames() const;
    QStringList toolNames() const;
    /// Things skipped while loading (shadowed names, unreadable files), for the UI and CLI.
    const QStringList& warnings() const { return m_warnings; }

private:
    void addDirectory(const QString& dir, bool custom);
    void addModule(ToolModule module);
    void collectOrder(const QString& module, QStringList& order, QStringList& visiting) const;

    QHash<QString, ToolModule> m_modules;
    QHash<QString, QString> m_toolToModule;
    QStringList m_order;
    QStringList m_warnings;
};

} // namespace hostdeck::engine
