#pragma once

#include "template/TemplateService.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableView;

namespace hostdeck::ui {

class TemplateOutcomeModel;

/// Destination, mode, owner, group and backup; the hosts to diff or deploy to; the per-host
/// outcomes table and the diff of the selected host. A view: the window runs the rollouts.
class TemplateDeployPane final : public QWidget
{
    Q_OBJECT
public:
    explicit TemplateDeployPane(QWidget* parent = nullptr);

    /// Inventory host names; "this machine" (empty name) always comes first. Checks are kept.
    void setHosts(const QStringList& hosts);
    QStringList checkedHosts() const;
    void setChecked(const QString& host, bool checked);

    TemplateDeploySpec spec() const;
    /// Hosts written at once (the run's forks).
    int forks() const;
    QSpinBox* forksBox() const { return m_forks; }
    void setSpec(const TemplateDeploySpec& spec);
    void setBusy(bool busy);
    void setStatus(const QString& text);

    TemplateOutcomeModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QPlainTextEdit* diffView() const { return m_diff; }
    QPushButton* diffButton() const { return m_diffButton; }
    QPushButton* deployButton() const { return m_deployButton; }
    QLabel* statusLabel() const { return m_status; }

signals:
    void diffRequested();
    void deployRequested();

private:
    void showSelectedDiff();

    QLineEdit* m_dest;
    QLineEdit* m_mode;
    QLineEdit* m_owner;
    QLineEdit* m_group;
    QCheckBox* m_backup;
    QSpinBox* m_forks;
    QListWidget* m_hosts;
    QPushButton* m_diffButton;
    QPushButton* m_deployButton;
    QLabel* m_status;
    TemplateOutcomeModel* m_model;
    QTableView* m_table;
    QPlainTextEdit* m_diff;
};

} // namespace hostdeck::ui
