#include "ui/recipe/RecipeFile.h"

#include "ui/template/TemplatePrompts.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTextDocument>

namespace hostdeck::ui {

using engine::ErrorKind;
using engine::makeError;
using engine::Status;

namespace {
constexpr qint64 kMaxRecipeBytes = 4 * 1024 * 1024; // as RecipeLoader reads
} // namespace

RecipeFile::RecipeFile(QTextDocument* text, TemplatePrompts* prompts, QWidget* dialogParent,
                       QObject* parent)
    : QObject(parent), m_text(text), m_prompts(prompts), m_dialogParent(dialogParent)
{
}

QString RecipeFile::displayName() const
{
    return m_path.isEmpty() ? tr("untitled.yml") : QFileInfo(m_path).fileName();
}

bool RecipeFile::isModified() const
{
    return m_text->isModified();
}

void RecipeFile::setPath(const QString& path)
{
    if (path == m_path)
        return;
    m_path = path;
    emit pathChanged(m_path);
}

void RecipeFile::guard(std::function<void(bool)> then)
{
    if (!isModified()) {
        then(true);
        return;
    }
    QPointer<RecipeFile> self(this);
    m_prompts->askUnsavedChanges(m_dialogParent, displayName(),
                                 [self, then](TemplatePrompts::UnsavedAnswer answer) {
                                     if (!self || answer == TemplatePrompts::UnsavedAnswer::Cancel)
                                         then(false);
                                     else if (answer == TemplatePrompts::UnsavedAnswer::Save)
                                         self->save(then);
                                     else
                                         then(true);
                                 });
}

void RecipeFile::open()
{
    QPointer<RecipeFile> self(this);
    guard([self](bool proceed) {
        if (!self || !proceed)
            return;
        const QString dir =
            self->m_path.isEmpty() ? QDir::homePath() : QFileInfo(self->m_path).absolutePath();
        self->m_prompts->chooseOpenFile(self->m_dialogParent, dir, [self](const QString& path) {
            if (self && !path.isEmpty()) {
                if (const Status status = self->load(path); !status)
                    emit self->failed(status.error().message);
            }
        });
    });
}

void RecipeFile::save(std::function<void(bool)> done)
{
    if (m_path.isEmpty()) {
        saveAs(std::move(done));
        return;
    }
    const Status status = writeTo(m_path);
    if (!status)
        emit failed(status.error().message);
    if (done)
        done(status.ok());
}

void RecipeFile::saveAs(std::function<void(bool)> done)
{
    QPointer<RecipeFile> self(this);
    const QString suggestion = m_path.isEmpty() ? QDir::home().filePath(displayName()) : m_path;
    m_prompts->chooseSaveFile(m_dialogParent, suggestion, [self, done](const QString& path) {
        bool ok = false;
        if (self && !path.isEmpty()) {
            const Status status = self->writeTo(path);
            if (!status)
                emit self->failed(status.error().message);
            ok = status.ok();
        }
        if (done)
            done(ok);
    });
}

Status RecipeFile::load(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorKind::Io, tr("cannot open %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxRecipeBytes)
        return makeError(ErrorKind::Io, tr("%1 is larger than 4 MiB").arg(path));
    const QByteArray bytes = file.readAll();
    const QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() != bytes)
        return makeError(ErrorKind::Io, tr("%1 is not UTF-8 text").arg(path));
    setPath(QFileInfo(path).absoluteFilePath()); // before the text: includes resolve against it
    m_text->setPlainText(text);
    m_text->setModified(false);
    emit loaded();
    return engine::Ok{};
}

Status RecipeFile::writeTo(const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorKind::Io, tr("cannot write %1: %2").arg(path, file.errorString()));
    const QByteArray bytes = m_text->toPlainText().toUtf8();
    if (file.write(bytes) != bytes.size() || !file.commit())
        return makeError(ErrorKind::Io, tr("cannot write %1: %2").arg(path, file.errorString()));
    m_text->setModified(false);
    setPath(QFileInfo(path).absoluteFilePath());
    emit saved(m_path);
    return engine::Ok{};
}

} // namespace hostdeck::ui
