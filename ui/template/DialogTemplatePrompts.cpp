#include "ui/template/DialogTemplatePrompts.h"

#include <QFileDialog>
#include <QMessageBox>

namespace hostdeck::ui {

namespace {

QString fileFilter()
{
    return QObject::tr("Templates (*.tmpl);;All files (*)");
}

QFileDialog* makeFileDialog(QWidget* parent, const QString& title, const QString& start,
                            std::function<void(const QString&)> answer)
{
    auto* dialog = new QFileDialog(parent, title, start, fileFilter());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The answer is given exactly once: on a selection, or empty when the dialog is rejected.
    auto answered = std::make_shared<bool>(false);
    QObject::connect(dialog, &QFileDialog::fileSelected, dialog,
                     [answer, answered](const QString& path) {
                         *answered = true;
                         answer(path);
                     });
    QObject::connect(dialog, &QFileDialog::finished, dialog, [answer, answered](int) {
        if (!*answered)
            answer(QString());
    });
    return dialog;
}

} // namespace

void DialogTemplatePrompts::askUnsavedChanges(QWidget* parent, const QString& documentName,
                                              std::function<void(UnsavedAnswer)> answer)
{
    auto* box =
        new QMessageBox(QMessageBox::Warning, QObject::tr("Unsaved changes"),
                        QObject::tr("%1 has unsaved changes. Save them?").arg(documentName),
                        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setDefaultButton(QMessageBox::Save);
    QObject::connect(box, &QMessageBox::finished, box, [box, answer](int) {
        const QMessageBox::StandardButton button = box->standardButton(box->clickedButton());
        answer(button == QMessageBox::Save      ? UnsavedAnswer::Save
               : button == QMessageBox::Discard ? UnsavedAnswer::Discard
                                                : UnsavedAnswer::Cancel);
    });
    box->open();
}

void DialogTemplatePrompts::chooseOpenFile(QWidget* parent, const QString& directory,
                                           std::function<void(const QString&)> answer)
{
    QFileDialog* dialog =
        makeFileDialog(parent, QObject::tr("Open template"), directory, std::move(answer));
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    dialog->open();
}

void DialogTemplatePrompts::chooseSaveFile(QWidget* parent, const QString& suggestion,
                                           std::function<void(const QString&)> answer)
{
    QFileDialog* dialog =
        makeFileDialog(parent, QObject::tr("Save template"), suggestion, std::move(answer));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("tmpl"));
    dialog->open();
}

void DialogTemplatePrompts::confirmDeploy(QWidget* parent, const QString& summary,
                                          std::function<void(bool)> answer)
{
    auto* box = new QMessageBox(QMessageBox::Question, QObject::tr("Deploy template"), summary,
                                QMessageBox::Ok | QMessageBox::Cancel, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setDefaultButton(QMessageBox::Cancel);
    QObject::connect(box, &QMessageBox::finished, box, [box, answer](int) {
        answer(box->standardButton(box->clickedButton()) == QMessageBox::Ok);
    });
    box->open();
}

} // namespace hostdeck::ui
