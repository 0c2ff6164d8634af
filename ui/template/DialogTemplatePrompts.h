#pragma once

#include "ui/template/TemplatePrompts.h"

namespace hostdeck::ui {

/// The real prompts: window-modal QMessageBox / QFileDialog opened with open(), answered from
/// their finished signals (no nested event loop).
class DialogTemplatePrompts final : public TemplatePrompts
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
