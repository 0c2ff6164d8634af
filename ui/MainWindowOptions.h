#pragma once

#include <QStringList>

namespace hostdeck::ui {

/// What the composition root (or a test) decides for the main window.
struct MainWindowOptions
{
    QStringList userToolDirs;                              ///< empty: the default user tools folder
    QStringList localInterpreter{QStringLiteral("python3")};
    QString historyPath;                                   ///< empty: RunHistory::defaultPath()
    QString settingsPath;                                  ///< empty: the platform's QSettings
    QString inventoryPath;                                 ///< open this inventory (else the last one)
    bool interactivePrompts = true;                        ///< false: unanswered prompts decline
};

} // namespace hostdeck::ui
