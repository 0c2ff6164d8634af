#pragma once

#include "ui/prompts/Prompts.h"
#include "ui/template/TemplatePrompts.h"

#include <QPointer>

namespace hostdeck::ui {

/// The template editor's questions asked through the application's Prompts seam, so a test
/// answers them like every other question and a non-interactive window never opens a dialog.
class PromptsTemplatePrompts final : public TemplatePrompts
{
public:
    explicit PromptsTemplatePrompts(Prompts* prompts) : m_prompts(prompts) {}

    void askUnsavedChanges(QWidget* parent, const QString& documentName,
                           std::function<void(UnsavedAnswer)> answer) override;
    void chooseOpenFile(QWidget* parent, const QString& directory,
                        std::function<void(const QString&)> answer) override;
    void chooseSaveFile(QWidget* parent, const QString& suggestion,
                        std::function<void(const QString&)> answer) override;
    void confirmDeploy(QWidget* parent, const QString& summary,
                       std::function<void(bool)> answer) override;

private:
    QPointer<Prompts> m_prompts;
};

} // namespace hostdeck::ui
