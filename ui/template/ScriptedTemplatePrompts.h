#pragma once

#include "ui/template/TemplatePrompts.h"

#include <QList>
#include <QStringList>

namespace hostdeck::ui {

/// The test seam: answers each question with the next scripted answer (synchronously) and
/// records what was asked. With no scripted answer left it cancels (and records that too).
class ScriptedTemplatePrompts final : public TemplatePrompts
{
public:
    QList<UnsavedAnswer> unsavedAnswers;
    QStringList fileAnswers;
    QList<bool> deployAnswers;
    QStringList asked; ///< "unsaved:NAME", "open:DIR", "save:SUGGESTION", "deploy:SUMMARY"

    void askUnsavedChanges(QWidget*, const QString& documentName,
                           std::function<void(UnsavedAnswer)> answer) override
    {
        asked.append(QStringLiteral("unsaved:") + documentName);
        answer(unsavedAnswers.isEmpty() ? UnsavedAnswer::Cancel : unsavedAnswers.takeFirst());
    }
    void chooseOpenFile(QWidget*, const QString& directory,
                        std::function<void(const QString&)> answer) override
    {
        asked.append(QStringLiteral("open:") + directory);
        answer(fileAnswers.isEmpty() ? QString() : fileAnswers.takeFirst());
    }
    void chooseSaveFile(QWidget*, const QString& suggestion,
                        std::function<void(const QString&)> answer) override
    {
        asked.append(QStringLiteral("save:") + suggestion);
        answer(fileAnswers.isEmpty() ? QString() : fileAnswers.takeFirst());
    }
    void confirmDeploy(QWidget*, const QString& summary, std::function<void(bool)> answer) override
    {
        asked.append(QStringLiteral("deploy:") + summary);
        answer(!deployAnswers.isEmpty() && deployAnswers.takeFirst());
    }
};

} // namespace hostdeck::ui
