#include "ui/template/TemplateDeployPane.h"

#include "ui/template/DiffHighlighter.h"
#include "ui/template/TemplateOutcomeModel.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace hostdeck::ui {

TemplateDeployPane::TemplateDeployPane(QWidget* parent)
    : QWidget(parent), m_dest(new QLineEdit(this)), m_mode(new QLineEdit(this)),
      m_owner(new QLineEdit(this)), m_group(new QLineEdit(this)),
      m_backup(new QCheckBox(tr("&Backup the old file"), this)), m_forks(new QSpinBox(this)),
      m_hosts(new QListWidget(this)), m_byGroup(new QToolButton(this)),
      m_diffButton(new QPushButton(tr("&Diff"), this)),
      m_deployButton(new QPushButton(tr("De&ploy"), this)), m_status(new QLabel(this)),
      m_model(new TemplateOutcomeModel(this)), m_table(new QTableView(this)),
      m_diff(new QPlainTextEdit(this))
{
    m_dest->setObjectName(QStringLiteral("destEdit"));
    m_dest->setPlaceholderText(QStringLiteral("/etc/app/app.conf"));
    m_mode->setObjectName(QStringLiteral("modeEdit"));
    m_mode->setPlaceholderText(tr("keep (e.g. 0644)"));
    m_mode->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("0?[0-7]{3,4}")), m_mode));
    m_owner->setObjectName(QStringLiteral("ownerEdit"));
    m_owner->setPlaceholderText(tr("keep"));
    m_group->setObjectName(QStringLiteral("groupEdit"));
    m_group->setPlaceholderText(tr("keep"));
    m_hosts->setObjectName(QStringLiteral("deployHosts"));
    m_forks->setObjectName(QStringLiteral("forksBox"));
    m_forks->setRange(1, 500);
    m_forks->setValue(10);
    m_forks->setToolTip(tr("How many hosts are written at once"));
    m_diffButton->setObjectName(QStringLiteral("diffButton"));
    m_diffButton->setToolTip(tr(
        "Render for each checked host and compare with its file (check mode: nothing is written)"));
    m_deployButton->setObjectName(QStringLiteral("deployButton"));
    m_deployButton->setToolTip(tr("Write the rendered file to each checked host (atomic)"));
    m_status->setObjectName(QStringLiteral("rolloutStatus"));

    auto* form = new QFormLayout;
    form->addRow(tr("D&estination:"), m_dest);
    form->addRow(tr("&Mode:"), m_mode);
    form->addRow(tr("&Owner:"), m_owner);
    form->addRow(tr("&Group:"), m_group);
    form->addRow(QString(), m_backup);
    form->addRow(tr("&Forks:"), m_forks);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_diffButton);
    buttons->addWidget(m_deployButton);
    buttons->addStretch(1);
    // The host list gets room for a dozen rows; All, None and By group check many at once.
    m_hosts->setMinimumHeight(m_hosts->fontMetrics().height() * 12);
    auto* all = new QToolButton(this);
    all->setText(tr("&All"));
    all->setObjectName(QStringLiteral("checkAllHosts"));
    all->setToolTip(tr("Check every inventory host"));
    auto* none = new QToolButton(this);
    none->setText(tr("N&one"));
    none->setObjectName(QStringLiteral("checkNoHosts"));
    m_byGroup->setText(tr("By &group"));
    m_byGroup->setObjectName(QStringLiteral("checkByGroup"));
    m_byGroup->setToolTip(tr("Check the hosts of a group"));
    m_byGroup->setPopupMode(QToolButton::InstantPopup);
    m_byGroup->setMenu(new QMenu(m_byGroup));
    connect(all, &QToolButton::clicked, this, [this] { checkAll(true); });
    connect(none, &QToolButton::clicked, this, [this] { checkAll(false, true); });
    auto* hostButtons = new QHBoxLayout;
    hostButtons->addWidget(new QLabel(tr("Hosts:"), this));
    hostButtons->addStretch(1);
    hostButtons->addWidget(all);
    hostButtons->addWidget(none);
    hostButtons->addWidget(m_byGroup);
    auto* left = new QVBoxLayout;
    left->addLayout(form);
    left->addLayout(hostButtons);
    left->addWidget(m_hosts, 1);
    left->addLayout(buttons);
    left->addWidget(m_status);
    auto* leftWidget = new QWidget(this);
    leftWidget->setLayout(left);
    left->setContentsMargins(0, 0, 0, 0);

    m_table->setObjectName(QStringLiteral("outcomeTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_diff->setObjectName(QStringLiteral("diffView"));
    m_diff->setReadOnly(true);
    m_diff->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_diff->setPlaceholderText(tr("Select a host to see its diff."));
    new DiffHighlighter(m_diff->document());

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(leftWidget);
    splitter->addWidget(m_table);
    splitter->addWidget(m_diff);
    splitter->setStretchFactor(1, 1);
    splitter->setStretchFactor(2, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    setHosts({});
    setHostGroups({});
    for (QLineEdit* edit : {m_dest, m_mode, m_owner, m_group})
        connect(edit, &QLineEdit::textEdited, this, &TemplateDeployPane::specEdited);
    connect(m_backup, &QCheckBox::clicked, this, &TemplateDeployPane::specEdited);
    connect(m_diffButton, &QPushButton::clicked, this, &TemplateDeployPane::diffRequested);
    connect(m_deployButton, &QPushButton::clicked, this, &TemplateDeployPane::deployRequested);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &TemplateDeployPane::showSelectedDiff);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &TemplateDeployPane::showSelectedDiff);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TemplateDeployPane::showSelectedDiff);
}

void TemplateDeployPane::setHosts(const QStringList& hosts)
{
    const QStringList checked = m_hosts->count() > 0 ? checkedHosts() : QStringList{QString()};
    m_hosts->clear();
    auto add = [this, &checked](const QString& label, const QString& name) {
        auto* item = new QListWidgetItem(label, m_hosts);
        item->setData(Qt::UserRole, name);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.contains(name) ? Qt::Checked : Qt::Unchecked);
    };
    add(tr("this machine (local agent)"), QString());
    for (const QString& host : hosts)
        add(host, host);
}

QStringList TemplateDeployPane::checkedHosts() const
{
    QStringList hosts;
    for (int i = 0; i < m_hosts->count(); ++i) {
        if (m_hosts->item(i)->checkState() == Qt::Checked)
            hosts << m_hosts->item(i)->data(Qt::UserRole).toString();
    }
    return hosts;
}

void TemplateDeployPane::setChecked(const QString& host, bool checked)
{
    for (int i = 0; i < m_hosts->count(); ++i) {
        if (m_hosts->item(i)->data(Qt::UserRole).toString() == host)
            m_hosts->item(i)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    }
}

void TemplateDeployPane::setHostGroups(const QMap<QString, QStringList>& groups)
{
    m_groups = groups;
    QMenu* menu = m_byGroup->menu();
    menu->clear();
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        if (it.value().isEmpty())
            continue;
        const QString group = it.key();
        QAction* action =
            menu->addAction(tr("%1 (%n host(s))", nullptr, int(it.value().size())).arg(group), this,
                            [this, group] { checkGroup(group); });
        action->setData(group);
    }
    m_byGroup->setEnabled(!menu->isEmpty());
}

void TemplateDeployPane::checkAll(bool checked, bool includeLocal)
{
    for (int i = 0; i < m_hosts->count(); ++i) {
        QListWidgetItem* item = m_hosts->item(i);
        if (item->data(Qt::UserRole).toString().isEmpty() && !includeLocal)
            continue;
        item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    }
}

void TemplateDeployPane::checkGroup(const QString& group)
{
    for (const QString& host : m_groups.value(group))
        setChecked(host, true);
}

int TemplateDeployPane::forks() const
{
    return m_forks->value();
}

TemplateDeploySpec TemplateDeployPane::spec() const
{
    TemplateDeploySpec spec;
    spec.dest = m_dest->text().trimmed();
    spec.mode = m_mode->text().trimmed();
    spec.owner = m_owner->text().trimmed();
    spec.group = m_group->text().trimmed();
    spec.backup = m_backup->isChecked();
    return spec;
}

void TemplateDeployPane::setSpec(const TemplateDeploySpec& spec)
{
    m_dest->setText(spec.dest);
    m_mode->setText(spec.mode);
    m_owner->setText(spec.owner);
    m_group->setText(spec.group);
    m_backup->setChecked(spec.backup);
}

void TemplateDeployPane::setBusy(bool busy)
{
    m_diffButton->setEnabled(!busy);
    m_deployButton->setEnabled(!busy);
}

void TemplateDeployPane::setStatus(const QString& text)
{
    m_status->setText(text);
}

void TemplateDeployPane::showSelectedDiff()
{
    const int row = m_table->selectionModel()->currentIndex().row();
    const TemplateOutcome* outcome = m_model->outcome(row);
    QString text;
    if (outcome) {
        if (outcome->state == TemplateOutcome::State::Failed)
            text = outcome->message;
        else if (outcome->state == TemplateOutcome::State::Unchanged)
            text = tr("(no change)");
        else
            text = outcome->diff;
    }
    if (m_diff->toPlainText() != text)
        m_diff->setPlainText(text);
}

} // namespace hostdeck::ui
