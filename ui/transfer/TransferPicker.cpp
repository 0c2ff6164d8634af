#include "ui/transfer/TransferPicker.h"

#include <QFileDialog>
#include <QTimer>

namespace hostdeck::ui {

void TransferPicker::pick(Kind kind, const QString& title, QWidget* parent, QObject* context,
                          std::function<void(QStringList)> reply)
{
    m_asked << (kind == Kind::Files ? QStringLiteral("files: ") : QStringLiteral("folder: ")) +
                   title;
    if (!m_answers.empty() || !m_interactive) {
        QStringList answer;
        if (!m_answers.empty()) {
            answer = m_answers.front();
            m_answers.pop_front();
        }
        QTimer::singleShot(0, context, [reply = std::move(reply), answer] { reply(answer); });
        return;
    }
    auto* dialog = new QFileDialog(parent, title);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setFileMode(kind == Kind::Files ? QFileDialog::ExistingFiles : QFileDialog::Directory);
    if (kind == Kind::Folder)
        dialog->setOption(QFileDialog::ShowDirsOnly);
    QPointer<QObject> guard(context);
    connect(dialog, &QFileDialog::finished, dialog,
            [dialog, guard, reply = std::move(reply)](int result) {
                if (guard)
                    reply(result == QDialog::Accepted ? dialog->selectedFiles() : QStringList{});
            });
    dialog->open();
}

} // namespace hostdeck::ui
