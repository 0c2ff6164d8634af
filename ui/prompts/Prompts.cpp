#include "ui/prompts/Prompts.h"

#include "engine/ssh/CredentialProvider.h"
#include "engine/ssh/HostKeyDecider.h"
#include "ui/prompts/HostKeyDialog.h"

#include <QFileDialog>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QTimer>

namespace hostdeck::ui {

using engine::HostKeyDecision;
using engine::SecretBuffer;

Prompts::Prompts(QWidget* window, QObject* parent) : QObject(parent), m_window(window) {}

Prompts::~Prompts()
{
    for (QByteArray& secret : m_secretAnswers)
        SecretBuffer::wipe(secret);
}

void Prompts::record(const QString& what)
{
    m_asked << what;
    emit questionAsked(what);
}

template <typename T>
bool Prompts::answerFromQueue(std::deque<T>& queue, QObject* context,
                              const std::function<void(T)>& reply)
{
    if (queue.empty()) {
        if (m_interactive)
            return false;
        // Not interactive and nothing queued: decline, later, like a cancelled dialog would.
        QTimer::singleShot(0, context, [reply] { reply(T{}); });
        return true;
    }
    T answer = std::move(queue.front());
    queue.pop_front();
    QTimer::singleShot(0, context, [reply, answer] { reply(answer); });
    return true;
}

void Prompts::askHostKey(const engine::HostKeyQuestion& question, QObject* context,
                         std::function<void(HostKeyDecision)> reply)
{
    record(QStringLiteral("hostkey: %1:%2 %3 %4")
               .arg(question.host)
               .arg(question.port)
               .arg(question.keyType, question.fingerprint));
    if (answerFromQueue<HostKeyDecision>(m_hostKeyAnswers, context, reply))
        return;
    // Many unknown hosts at once: one dialog, one table, reviewed together.
    if (!m_hostKeyDialog) {
        m_hostKeyDialog = new HostKeyDialog(m_window);
        m_hostKeyDialog->setAttribute(Qt::WA_DeleteOnClose);
        m_hostKeyDialog->open();
    }
    QPointer<QObject> guard(context);
    m_hostKeyDialog->addQuestion(question, [guard, reply](HostKeyDecision decision) {
        if (guard)
            reply(decision);
    });
}

void Prompts::askSecret(const engine::CredentialRequest& request, QObject* context,
                        std::function<void(std::optional<SecretBuffer>)> reply)
{
    record(QStringLiteral("secret: %1 for %2@%3 (%4)")
               .arg(engine::credentialKindName(request.kind), request.user, request.host,
                    request.target));
    QPointer<QObject> guard(context);
    if (!m_secretAnswers.empty() || !m_interactive) {
        QByteArray answer;
        const bool have = !m_secretAnswers.empty();
        if (have) {
            answer = std::move(m_secretAnswers.front());
            m_secretAnswers.pop_front();
        }
        auto shared = std::make_shared<SecretBuffer>(std::move(answer));
        QTimer::singleShot(0, context, [reply, shared, have] {
            if (have)
                reply(std::move(*shared));
            else
                reply(std::nullopt);
        });
        return;
    }
    auto* dialog = new QInputDialog(m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Password needed"));
    const QString what = request.kind == engine::CredentialKind::KeyPassphrase
                             ? tr("Passphrase of %1").arg(request.keyPath)
                         : request.kind == engine::CredentialKind::SudoPassword
                             ? tr("sudo password")
                             : tr("SSH password");
    const QString where = request.target.isEmpty() || request.target == request.host
                              ? QStringLiteral("%1@%2").arg(request.user, request.host)
                          : request.viaJump
                              ? tr("%1@%2 (jump host on the way to %3)")
                                    .arg(request.user, request.host, request.target)
                              : tr("%1 (%2@%3)").arg(request.target, request.user, request.host);
    dialog->setLabelText(
        QStringLiteral("%1 for %2%3")
            .arg(what, where,
                 request.prompt.isEmpty() ? QString() : QStringLiteral("\n") + request.prompt));
    dialog->setTextEchoMode(QLineEdit::Password);
    connect(dialog, &QInputDialog::finished, this, [dialog, guard, reply](int result) {
        QString text = dialog->textValue();
        dialog->setTextValue(QString());
        if (!guard)
            return SecretBuffer::wipe(text);
        if (result == QDialog::Accepted)
            reply(SecretBuffer::fromString(std::move(text)));
        else
            reply(std::nullopt);
    });
    dialog->open();
}

void Prompts::fileDialog(bool save, const QString& title, const QString& suggested,
                         const QString& filter, QObject* context,
                         std::function<void(QString)> reply)
{
    record(QStringLiteral("file: ") + title);
    if (answerFromQueue<QString>(m_fileAnswers, context, reply))
        return;
    auto* dialog = new QFileDialog(m_window, title, suggested, filter);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(save ? QFileDialog::AcceptSave : QFileDialog::AcceptOpen);
    dialog->setFileMode(save ? QFileDialog::AnyFile : QFileDialog::ExistingFile);
    QPointer<QObject> guard(context);
    connect(dialog, &QFileDialog::finished, this, [dialog, guard, reply](int result) {
        if (guard)
            reply(result == QDialog::Accepted && !dialog->selectedFiles().isEmpty()
                      ? dialog->selectedFiles().constFirst()
                      : QString());
    });
    dialog->open();
}

void Prompts::askOpenFile(const QString& title, const QString& filter, QObject* context,
                          std::function<void(QString)> reply, const QString& directory)
{
    fileDialog(false, title, directory, filter, context, std::move(reply));
}

void Prompts::askSaveFile(const QString& title, const QString& suggested, const QString& filter,
                          QObject* context, std::function<void(QString)> reply)
{
    fileDialog(true, title, suggested, filter, context, std::move(reply));
}

void Prompts::askText(const QString& title, const QString& label, QObject* context,
                      std::function<void(QString)> reply)
{
    record(QStringLiteral("text: ") + label);
    if (answerFromQueue<QString>(m_textAnswers, context, reply))
        return;
    auto* dialog = new QInputDialog(m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(title);
    dialog->setLabelText(label);
    QPointer<QObject> guard(context);
    connect(dialog, &QInputDialog::finished, this, [dialog, guard, reply](int result) {
        if (guard)
            reply(result == QDialog::Accepted ? dialog->textValue().trimmed() : QString());
    });
    dialog->open();
}

void Prompts::confirm(const QString& title, const QString& text, QObject* context,
                      std::function<void(bool)> reply)
{
    record(QStringLiteral("confirm: ") + text);
    if (answerFromQueue<bool>(m_confirmAnswers, context, reply))
        return;
    auto* box = new QMessageBox(QMessageBox::Question, title, text,
                                QMessageBox::Yes | QMessageBox::No, m_window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<QObject> guard(context);
    connect(box, &QMessageBox::finished, this, [guard, reply](int result) {
        if (guard)
            reply(result == QMessageBox::Yes);
    });
    box->open();
}

void Prompts::askUnsaved(const QString& title, const QString& text, QObject* context,
                         std::function<void(Unsaved)> reply)
{
    record(QStringLiteral("unsaved: ") + text);
    if (answerFromQueue<Unsaved>(m_unsavedAnswers, context, reply))
        return;
    auto* box =
        new QMessageBox(QMessageBox::Warning, title, text,
                        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, m_window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setDefaultButton(QMessageBox::Save);
    QPointer<QObject> guard(context);
    connect(box, &QMessageBox::finished, this, [box, guard, reply](int) {
        if (!guard)
            return;
        const QMessageBox::StandardButton button = box->standardButton(box->clickedButton());
        reply(button == QMessageBox::Save      ? Unsaved::Save
              : button == QMessageBox::Discard ? Unsaved::Discard
                                               : Unsaved::Cancel);
    });
    box->open();
}

void Prompts::inform(const QString& title, const QString& text, bool warning)
{
    record(QStringLiteral("message: ") + text);
    if (!m_interactive)
        return;
    auto* box = new QMessageBox(warning ? QMessageBox::Warning : QMessageBox::Information, title,
                                text, QMessageBox::Ok, m_window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace hostdeck::ui
