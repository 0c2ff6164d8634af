#pragma once

#include <QString>

#include <functional>

class QWidget;

namespace hostdeck::ui {

/// Every question the template editor asks the user goes through this seam. Answers arrive
/// through the callback (a real dialog is shown window-modal with open(), never exec()), so
/// tests can answer with ScriptedTemplatePrompts and product code never blocks.
class TemplatePrompts
{
public:
    enum class UnsavedAnswer
    {
        Save,
        Discard,
        Cancel
    };

    virtual ~TemplatePrompts() = default;
    virtual void askUnsavedChanges(QWidget* parent, const QString& documentName,
                                   std::function<void(UnsavedAnswer)> answer) = 0;
    /// `answer` gets the chosen path, or an empty string when the user cancelled.
    virtual void chooseOpenFile(QWidget* parent, const QString& directory,
                                std::function<void(const QString&)> answer) = 0;
    virtual void chooseSaveFile(QWidget* parent, const QString& suggestion,
                                std::function<void(const QString&)> answer) = 0;
    /// Confirm a deploy that writes to hosts.
    virtual void confirmDeploy(QWidget* parent, const QString& summary,
                               std::function<void(bool)> answer) = 0;
};

} // namespace hostdeck::ui
