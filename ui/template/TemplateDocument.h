#pragma once

#include "engine/runner/TemplatePlan.h"
#include "engine/util/Result.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <memory>

class QSettings;
class QTextDocument;
class QWidget;

namespace hostdeck::ui {

class TemplatePrompts;
using engine::TemplateDeploySpec;

/// The file behind a template editor: path, modified state, new / open / save / save as
/// (atomic, QSaveFile), recent files (QSettings) and the unsaved-changes guard. Questions go
/// through TemplatePrompts; every operation that may ask finishes asynchronously. Where the
/// template is deployed (destination, mode, owner, group, backup) is saved with it, as its first
/// line: a template comment (`## hostdeck-deploy: {...}`) that renders to nothing, so the file
/// stays a valid template for every reader; the editor shows the text without that line.
class TemplateDocument final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxRecent = 10;

    /// `text` is the editor's document (not owned); `settings` may be null (recent files then
    /// live in the default QSettings).
    TemplateDocument(QTextDocument* text, TemplatePrompts* prompts, QSettings* settings,
                     QWidget* dialogParent, QObject* parent = nullptr);

    QString filePath() const { return m_path; }
    QString displayName() const; ///< file name, or "untitled.tmpl"
    bool isModified() const;
    static QString deployHeaderPrefix() { return QStringLiteral("## hostdeck-deploy: "); }
    TemplateDeploySpec deploySpec() const { return m_spec; }
    /// The deploy settings changed in the window: saved with the template (marks it modified).
    void setDeploySpec(const TemplateDeploySpec& spec);
    /// Throws the unsaved changes away: the file as saved, or an empty untitled template.
    void revert();
    QStringList recentFiles() const;
    void clearRecentFiles();

    /// Run `then(true)` when the document may be replaced or closed: unmodified, or the user
    /// saved it or discarded the changes; `then(false)` when they cancelled or saving failed.
    void guard(std::function<void(bool)> then);

    void newDocument();                             ///< guarded
    void open();                                    ///< guarded, asks for a file
    void openPath(const QString& path);             ///< guarded (recent files, command line)
    void save(std::function<void(bool)> done = {}); ///< asks for a path when there is none
    void saveAs(std::function<void(bool)> done = {});

    /// Unguarded primitives (the window's own use and tests).
    engine::Status load(const QString& path);
    engine::Status writeTo(const QString& path);

signals:
    void filePathChanged(const QString& path);
    void modifiedChanged(bool modified);
    void recentFilesChanged(const QStringList& files);
    /// A template was loaded (or a new one started): the deploy settings saved with it.
    void deploySpecLoaded(const hostdeck::engine::TemplateDeploySpec& spec);
    /// A user-facing message for a failed load or save (shown in the status line).
    void failed(const QString& message);
    void saved(const QString& path);

private:
    QSettings& settings() const;
    void setPath(const QString& path);
    void addRecent(const QString& path);

    QTextDocument* m_text;
    TemplatePrompts* m_prompts;
    QSettings* m_settings;
    std::unique_ptr<QSettings> m_ownSettings;
    QPointer<QWidget> m_dialogParent;
    QString m_path;
    TemplateDeploySpec m_spec;
};

} // namespace hostdeck::ui
