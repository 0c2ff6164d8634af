#pragma once

#include "ui/template/TemplatePrompts.h"

namespace hostdeck::ui {

/// The recipe editor's questions as real window-modal dialogs (YAML files; confirm a run that
/// changes hosts). Tests answer through ScriptedTemplatePrompts instead.
class DialogRecipePrompts final : public TemplatePrompts
{
public:
    void askUnsavedChanges(QWidget* parent, const QString& documentName,
                           std::function<void(UnsavedAnswer)> answer) override;
    void chooseOpenFile(QWidget* parent, const QString& directory,
                        std::function<void(const QString&)> answer) override;
    void chooseSaveFile(QWidget* parent, const QString& suggestion,
                        std::function<void(const QString&)> answer) override;
    void confirmDeploy(QWidget* parent, const QString& summary,
                       std::function<void(bool)> answer) override;
};

} // namespace hostdeck::ui
