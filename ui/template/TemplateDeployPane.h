#pragma once

#include "ui/template/TemplateService.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QToolButton;
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
    /// The inventory's groups and their hosts, for "check by group".
    void setHostGroups(const QMap<QString, QStringList>& groups);
    /// Checks every host (the local machine too when `includeLocal`), or none.
    void checkAll(bool checked, bool includeLocal = false);
    /// Checks the hosts of `group` (adding to what is checked).
    void checkGroup(const QString& group);
    QListWidget* hostList() const { return m_hosts; }
    QToolButton* byGroupButton() const { return m_byGroup; }

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
    /// The user changed the destination, mode, owner, group or backup.
    void specEdited();

private:
    void showSelectedDiff();

    QLineEdit* m_dest;
    QLineEdit* m_mode;
    QLineEdit* m_owner;
    QLineEdit* m_group;
    QCheckBox* m_backup;
    QSpinBox* m_forks;
    QListWidget* m_hosts;
    QToolButton* m_byGroup;
    QMap<QString, QStringList> m_groups;
    QPushButton* m_diffButton;
    QPushButton* m_deployButton;
    QLabel* m_status;
    TemplateOutcomeModel* m_model;
    QTableView* m_table;
    QPlainTextEdit* m_diff;
};

} // namespace hostdeck::ui
