#include "ui/template/TemplateDocument.h"

#include "ui/template/TemplatePrompts.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSettings>
#include <QTextDocument>
#include <QWidget>

namespace hostdeck::ui {

using engine::ErrorKind;
using engine::makeError;
using engine::Status;

namespace {
const char* const kRecentKey = "templateEditor/recentFiles";
constexpr qint64 kMaxTemplateBytes = 16 * 1024 * 1024;

bool isEmpty(const TemplateDeploySpec& spec)
{
    return spec.dest.isEmpty() && spec.mode.isEmpty() && spec.owner.isEmpty() &&
           spec.group.isEmpty() && !spec.backup;
}

bool sameSpec(const TemplateDeploySpec& a, const TemplateDeploySpec& b)
{
    return a.dest == b.dest && a.mode == b.mode && a.owner == b.owner && a.group == b.group &&
           a.backup == b.backup;
}

QString headerLine(const TemplateDeploySpec& spec)
{
    QJsonObject json{{QStringLiteral("dest"), spec.dest}};
    if (!spec.mode.isEmpty())
        json.insert(QStringLiteral("mode"), spec.mode);
    if (!spec.owner.isEmpty())
        json.insert(QStringLiteral("owner"), spec.owner);
    if (!spec.group.isEmpty())
        json.insert(QStringLiteral("group"), spec.group);
    if (spec.backup)
        json.insert(QStringLiteral("backup"), true);
    return TemplateDocument::deployHeaderPrefix() +
           QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)) +
           QLatin1Char('\n');
}

/// Splits a saved template into its deploy settings and the text the editor shows.
std::pair<TemplateDeploySpec, QString> splitHeader(const QString& text)
{
    if (!text.startsWith(TemplateDocument::deployHeaderPrefix()))
        return {{}, text};
    const qsizetype end = text.indexOf(QLatin1Char('\n'));
    const QString line =
        text.mid(0, end < 0 ? text.size() : end).mid(TemplateDocument::deployHeaderPrefix().size());
    const QJsonObject json = QJsonDocument::fromJson(line.toUtf8()).object();
    if (json.isEmpty())
        return {{}, text}; // not ours after all: left as the author wrote it
    TemplateDeploySpec spec;
    spec.dest = json.value(QStringLiteral("dest")).toString();
    spec.mode = json.value(QStringLiteral("mode")).toString();
    spec.owner = json.value(QStringLiteral("owner")).toString();
    spec.group = json.value(QStringLiteral("group")).toString();
    spec.backup = json.value(QStringLiteral("backup")).toBool();
    return {spec, end < 0 ? QString() : text.mid(end + 1)};
}

} // namespace

TemplateDocument::TemplateDocument(QTextDocument* text, TemplatePrompts* prompts,
                                   QSettings* settings, QWidget* dialogParent, QObject* parent)
    : QObject(parent), m_text(text), m_prompts(prompts), m_settings(settings),
      m_dialogParent(dialogParent)
{
    connect(m_text, &QTextDocument::modificationChanged, this, &TemplateDocument::modifiedChanged);
}

QSettings& TemplateDocument::settings() const
{
    if (m_settings)
        return *m_settings;
    if (!m_ownSettings)
        const_cast<TemplateDocument*>(this)->m_ownSettings = std::make_unique<QSettings>();
    return *m_ownSettings;
}

QString TemplateDocument::displayName() const
{
    return m_path.isEmpty() ? tr("untitled.tmpl") : QFileInfo(m_path).fileName();
}

bool TemplateDocument::isModified() const
{
    return m_text->isModified();
}

QStringList TemplateDocument::recentFiles() const
{
    return settings().value(QLatin1String(kRecentKey)).toStringList();
}

void TemplateDocument::clearRecentFiles()
{
    settings().remove(QLatin1String(kRecentKey));
    emit recentFilesChanged({});
}

void TemplateDocument::addRecent(const QString& path)
{
    QStringList files = recentFiles();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > kMaxRecent)
        files.removeLast();
    settings().setValue(QLatin1String(kRecentKey), files);
    emit recentFilesChanged(files);
}

void TemplateDocument::setPath(const QString& path)
{
    if (path == m_path)
        return;
    m_path = path;
    emit filePathChanged(m_path);
}

void TemplateDocument::guard(std::function<void(bool)> then)
{
    if (!isModified()) {
        then(true);
        return;
    }
    QPointer<TemplateDocument> self(this);
    m_prompts->askUnsavedChanges(m_dialogParent, displayName(),
                                 [self, then](TemplatePrompts::UnsavedAnswer answer) {
                                     if (!self) {
                                         then(false);
                                         return;
                                     }
                                     switch (answer) {
                                     case TemplatePrompts::UnsavedAnswer::Save:
                                         self->save(then);
                                         return;
                                     case TemplatePrompts::UnsavedAnswer::Discard:
                                         then(true);
                                         return;
                                     case TemplatePrompts::UnsavedAnswer::Cancel:
                                         then(false);
                                         return;
                                     }
                                 });
}

void TemplateDocument::setDeploySpec(const TemplateDeploySpec& spec)
{
    if (sameSpec(spec, m_spec))
        return;
    m_spec = spec;
    m_text->setModified(true);
}

void TemplateDocument::revert()
{
    if (!m_path.isEmpty() && load(m_path).ok())
        return;
    m_text->setPlainText(QString());
    m_text->setModified(false);
    m_spec = {};
    setPath(QString());
    emit deploySpecLoaded(m_spec);
}

void TemplateDocument::newDocument()
{
    QPointer<TemplateDocument> self(this);
    guard([self](bool proceed) {
        if (!self || !proceed)
            return;
        self->m_text->setPlainText(QString());
        self->m_text->setModified(false);
        self->m_spec = {};
        self->setPath(QString());
        emit self->deploySpecLoaded(self->m_spec);
    });
}

void TemplateDocument::open()
{
    QPointer<TemplateDocument> self(this);
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

void TemplateDocument::openPath(const QString& path)
{
    QPointer<TemplateDocument> self(this);
    guard([self, path](bool proceed) {
        if (!self || !proceed)
            return;
        if (const Status status = self->load(path); !status)
            emit self->failed(status.error().message);
    });
}

void TemplateDocument::save(std::function<void(bool)> done)
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

void TemplateDocument::saveAs(std::function<void(bool)> done)
{
    QPointer<TemplateDocument> self(this);
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

Status TemplateDocument::load(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorKind::Io, tr("cannot open %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxTemplateBytes)
        return makeError(ErrorKind::Io, tr("%1 is too large for the template editor").arg(path));
    const QByteArray bytes = file.readAll();
    const QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() != bytes)
        return makeError(ErrorKind::Io, tr("%1 is not UTF-8 text").arg(path));
    auto [spec, body] = splitHeader(text);
    m_spec = spec;
    m_text->setPlainText(body);
    m_text->setModified(false);
    setPath(QFileInfo(path).absoluteFilePath());
    addRecent(path);
    emit deploySpecLoaded(m_spec);
    return engine::Ok{};
}

Status TemplateDocument::writeTo(const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorKind::Io, tr("cannot write %1: %2").arg(path, file.errorString()));
    const QString header = isEmpty(m_spec) ? QString() : headerLine(m_spec);
    const QByteArray bytes = (header + m_text->toPlainText()).toUtf8();
    if (file.write(bytes) != bytes.size() || !file.commit())
        return makeError(ErrorKind::Io, tr("cannot write %1: %2").arg(path, file.errorString()));
    m_text->setModified(false);
    setPath(QFileInfo(path).absoluteFilePath());
    addRecent(path);
    emit saved(m_path);
    return engine::Ok{};
}

} // namespace hostdeck::ui
