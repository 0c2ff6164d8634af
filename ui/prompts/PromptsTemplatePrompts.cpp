#include "ui/prompts/PromptsTemplatePrompts.h"

#include "ui/prompts/Prompts.h"

#include <QObject>
#include <QWidget>

namespace hostdeck::ui {

namespace {

QString templateFilter()
{
    return QObject::tr("Templates (*.tmpl);;All files (*)");
}

} // namespace

void PromptsTemplatePrompts::askUnsavedChanges(QWidget* parent, const QString& documentName,
                                               std::function<void(UnsavedAnswer)> answer)
{
    if (!m_prompts)
        return answer(UnsavedAnswer::Cancel);
    m_prompts->askUnsaved(
        QObject::tr("Unsaved template"),
        QObject::tr("The template %1 has unsaved changes. Save them?").arg(documentName), parent,
        [answer](Prompts::Unsaved unsaved) {
            answer(unsaved == Prompts::Unsaved::Save      ? UnsavedAnswer::Save
                   : unsaved == Prompts::Unsaved::Discard ? UnsavedAnswer::Discard
                                                          : UnsavedAnswer::Cancel);
        });
}

void PromptsTemplatePrompts::chooseOpenFile(QWidget* parent, const QString& directory,
                                            std::function<void(const QString&)> answer)
{
    if (!m_prompts)
        return answer(QString());
    m_prompts->askOpenFile(
        QObject::tr("Open template"), templateFilter(), parent,
        [answer](const QString& path) { answer(path); }, directory);
}

void PromptsTemplatePrompts::chooseSaveFile(QWidget* parent, const QString& suggestion,
                                            std::function<void(const QString&)> answer)
{
    if (!m_prompts)
        return answer(QString());
    m_prompts->askSaveFile(QObject::tr("Save template"), suggestion, templateFilter(), parent,
                           [answer](const QString& path) { answer(path); });
}

void PromptsTemplatePrompts::confirmDeploy(QWidget* parent, const QString& summary,
                                           std::function<void(bool)> answer)
{
    if (!m_prompts)
        return answer(false);
    m_prompts->confirm(QObject::tr("Deploy template"), summary, parent, std::move(answer));
}

} // namespace hostdeck::ui
