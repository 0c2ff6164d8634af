#pragma once

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <deque>
#include <functional>

class QWidget;

namespace hostdeck::ui {

/// The file and folder pickers of the transfer dialogs, as a seam tests can answer (queued
/// answers, like Prompts): without a queued answer a window-modal QFileDialog opens (never a
/// nested event loop) unless interactive is off, in which case the pick is cancelled. Answers
/// always arrive later through the event loop, on `context` (dropped when it is gone).
class TransferPicker : public QObject
{
    Q_OBJECT
public:
    enum class Kind
    {
        Files,  ///< existing files, several
        Folder, ///< one existing folder
    };

    explicit TransferPicker(QObject* parent = nullptr) : QObject(parent) {}

    void setInteractive(bool interactive) { m_interactive = interactive; }
    /// The next pick answers `paths` (empty: the user cancelled).
    void setNextPaths(const QStringList& paths) { m_answers.push_back(paths); }
    /// What was asked so far ("files: Title", "folder: Title").
    const QStringList& asked() const { return m_asked; }

    void pick(Kind kind, const QString& title, QWidget* parent, QObject* context,
              std::function<void(QStringList)> reply);

private:
    bool m_interactive = true;
    std::deque<QStringList> m_answers;
    QStringList m_asked;
};

} // namespace hostdeck::ui
