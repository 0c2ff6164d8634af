#pragma once

#include "engine/util/SecretBuffer.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <deque>
#include <functional>
#include <optional>

#include <QWidget>

// Declared, not included: inventory code uses Prompts too, and engine/inventory and engine/ssh
// both define engine::CredentialKind (see the report).
namespace hostdeck::engine {
enum class HostKeyDecision;
struct HostKeyQuestion;
struct CredentialRequest;
} // namespace hostdeck::engine

namespace hostdeck::ui {

class HostKeyDialog;

/// Every modal question the GUI asks goes through here (KeePassXC's "next answer" seam): a test
/// queues answers with setNext*() and the question is answered from the queue, without a dialog.
/// Without a queued answer a real dialog opens (window-modal, never a nested event loop) unless
/// interactive is off, in which case the question is declined. Answers always arrive later,
/// through the event loop, on `context` (dropped when it is gone).
class Prompts : public QObject
{
    Q_OBJECT
public:
    /// The answer to "save your changes?"; Cancel (the default) keeps everything as it is.
    enum class Unsaved
    {
        Cancel,
        Save,
        Discard
    };

    explicit Prompts(QWidget* window, QObject* parent = nullptr);
    ~Prompts() override;

    void setInteractive(bool interactive) { m_interactive = interactive; }
    /// The window dialogs are modal to.
    void setWindow(QWidget* window) { m_window = window; }
    void setNextHostKeyAnswer(engine::HostKeyDecision decision)
    {
        m_hostKeyAnswers.push_back(decision);
    }
    void setNextSecret(const QByteArray& secret) { m_secretAnswers.push_back(secret); }
    void setNextFileName(const QString& path) { m_fileAnswers.push_back(path); }
    void setNextText(const QString& text) { m_textAnswers.push_back(text); }
    void setNextConfirm(bool yes) { m_confirmAnswers.push_back(yes); }
    void setNextUnsaved(Unsaved answer) { m_unsavedAnswers.push_back(answer); }
    /// Every question asked so far ("hostkey: host SHA256:..", "message: ...", ...), for tests.
    const QStringList& asked() const { return m_asked; }

    void askHostKey(const engine::HostKeyQuestion& question, QObject* context,
                    std::function<void(engine::HostKeyDecision)> reply);
    void askSecret(const engine::CredentialRequest& request, QObject* context,
                   std::function<void(std::optional<engine::SecretBuffer>)> reply);
    /// Empty string: cancelled.
    void askOpenFile(const QString& title, const QString& filter, QObject* context,
                     std::function<void(QString)> reply, const QString& directory = {});
    void askSaveFile(const QString& title, const QString& suggested, const QString& filter,
                     QObject* context, std::function<void(QString)> reply);
    void askText(const QString& title, const QString& label, QObject* context,
                 std::function<void(QString)> reply);
    void confirm(const QString& title, const QString& text, QObject* context,
                 std::function<void(bool)> reply);
    /// "`what` has unsaved changes": save, discard or cancel (the default button is Save).
    void askUnsaved(const QString& title, const QString& text, QObject* context,
                    std::function<void(Unsaved)> reply);
    /// Informational: never waits for an answer.
    void inform(const QString& title, const QString& text, bool warning = false);

signals:
    void questionAsked(const QString& what);

private:
    template <typename T>
    bool answerFromQueue(std::deque<T>& queue, QObject* context,
                         const std::function<void(T)>& reply);
    void record(const QString& what);
    void fileDialog(bool save, const QString& title, const QString& suggested,
                    const QString& filter, QObject* context, std::function<void(QString)> reply);

    QPointer<QWidget> m_window;
    bool m_interactive = true;
    std::deque<engine::HostKeyDecision> m_hostKeyAnswers;
    std::deque<QByteArray> m_secretAnswers;
    std::deque<QString> m_fileAnswers;
    std::deque<QString> m_textAnswers;
    std::deque<bool> m_confirmAnswers;
    std::deque<Unsaved> m_unsavedAnswers;
    QStringList m_asked;
    QPointer<HostKeyDialog> m_hostKeyDialog;
};

} // namespace hostdeck::ui
