#pragma once

#include "engine/util/Result.h"

#include <QObject>
#include <QPointer>
#include <QWidget>

#include <functional>

class QTextDocument;

namespace hostdeck::ui {

class TemplatePrompts;

/// The file behind the recipe editor's YAML: path, open / save / save as (atomic, QSaveFile)
/// and the unsaved-changes guard, asking through the editors' prompts seam (TemplatePrompts).
class RecipeFile final : public QObject
{
    Q_OBJECT
public:
    RecipeFile(QTextDocument* text, TemplatePrompts* prompts, QWidget* dialogParent,
               QObject* parent = nullptr);

    QString path() const { return m_path; }
    QString displayName() const; ///< file name, or "untitled.yml"
    bool isModified() const;

    void guard(std::function<void(bool)> then);
    void open();
    void save(std::function<void(bool)> done = {});
    void saveAs(std::function<void(bool)> done = {});

    engine::Status load(const QString& path);
    engine::Status writeTo(const QString& path);

signals:
    void pathChanged(const QString& path);
    void loaded();
    void failed(const QString& message);
    void saved(const QString& path);

private:
    void setPath(const QString& path);

    QTextDocument* m_text;
    TemplatePrompts* m_prompts;
    QPointer<QWidget> m_dialogParent;
    QString m_path;
};

} // namespace hostdeck::ui
