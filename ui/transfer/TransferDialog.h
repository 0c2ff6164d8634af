#pragma once

#include "engine/transfer/CopySource.h"
#include "engine/util/Result.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace hostdeck::ui {

class TransferPicker;

/// "Copy files to hosts" (sources from a file/folder picker or a drop, the targets, the remote
/// path, mode/owner/group) or "Fetch from hosts" (targets, remote path, a local folder that gets
/// one subfolder per host). It only collects and checks the fields: `submitted` asks its owner
/// to start the run, which closes it with accept() or leaves it open with showError().
class TransferDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Mode
    {
        Copy,
        Fetch
    };

    TransferDialog(Mode mode, TransferPicker* picker, QWidget* parent = nullptr);

    Mode mode() const { return m_mode; }
    void addSources(const QStringList& paths);
    QStringList sources() const;
    void setTargets(const QString& pattern);
    QString targets() const;
    void setRemote(const QString& path);
    QString remote() const;
    void setLocalDir(const QString& path);
    QString localDir() const;
    bool checkOnly() const;
    void setCheckOnly(bool check);
    /// The copy options from the fields; an error names the field.
    engine::Result<engine::CopyOptions> copyOptions() const;
    bool checksum() const;
    void showError(const QString& message);

    QListWidget* sourceList() const { return m_sources; }
    QLineEdit* targetsField() const { return m_targets; }
    QLineEdit* remoteField() const { return m_remote; }
    QLineEdit* localDirField() const { return m_localDir; }
    QLineEdit* modeField() const { return m_fileMode; }
    QPushButton* addFilesButton() const { return m_addFiles; }
    QPushButton* addFolderButton() const { return m_addFolder; }
    QPushButton* browseButton() const { return m_browse; }
    QPushButton* startButton() const { return m_start; }
    QLabel* errorLabel() const { return m_error; }

signals:
    void submitted();

private:
    QWidget* buildSources();
    void pickSources(bool folder);
    void submit();

    Mode m_mode;
    TransferPicker* m_picker;
    QListWidget* m_sources = nullptr;
    QPushButton* m_addFiles = nullptr;
    QPushButton* m_addFolder = nullptr;
    QLineEdit* m_targets;
    QLineEdit* m_remote;
    QLineEdit* m_localDir = nullptr;
    QPushButton* m_browse = nullptr;
    QLineEdit* m_fileMode = nullptr;
    QLineEdit* m_owner = nullptr;
    QLineEdit* m_group = nullptr;
    QCheckBox* m_checksum;
    QCheckBox* m_check;
    QLabel* m_error;
    QPushButton* m_start = nullptr;
};

} // namespace hostdeck::ui
