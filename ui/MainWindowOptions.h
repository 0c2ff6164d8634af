#pragma once

#include "engine/runner/SessionPool.h"

#include <QStringList>

#include <memory>

namespace hostdeck::ui {

class TemplatePrompts;

/// What the composition root (or a test) decides for the main window.
struct MainWindowOptions
{
    QStringList userToolDirs; ///< empty: the default user tools folder
    QStringList localInterpreter{QStringLiteral("python3")};
    QString historyPath;               ///< empty: RunHistory::defaultPath()
    QString settingsPath;              ///< empty: the platform's QSettings
    QString inventoryPath;             ///< open this inventory (else the last one)
    bool interactivePrompts = true;    ///< false: unanswered prompts decline
    engine::SessionPool::Options pool; ///< idle time, ready timeout (tests shorten them)
    /// The template editor's questions (deploy confirmation, unsaved changes); null: real dialogs.
    std::shared_ptr<TemplatePrompts> templatePrompts;
};

} // namespace hostdeck::ui
