#include "ui/prompts/HostKeyDialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <set>

namespace hostdeck::ui {

using engine::HostKeyDecision;

namespace {

constexpr int IdRole = Qt::UserRole + 1;  ///< a host row's reply id
constexpr int KeyRole = Qt::UserRole + 2; ///< a key row's "type fingerprint"

QString keyOf(const engine::HostKeyQuestion& question)
{
    return question.keyType + QLatin1Char(' ') + question.fingerprint;
}

} // namespace

HostKeyDialog::HostKeyDialog(QWidget* parent) : QDialog(parent), m_tree(new QTreeWidget(this))
{
    setWindowTitle(tr("Unknown host keys"));
    setWindowIcon(QIcon(QStringLiteral(":/hostdeck/icons/host-key.svg")));
    setObjectName(QStringLiteral("hostKeyDialog"));
    auto* text = new QLabel(
        tr("These hosts presented keys that are not in known_hosts. Compare the fingerprints "
           "with what the hosts' administrators expect before you accept them. Hosts that "
           "presented the same key are listed under it. The buttons answer the checked hosts "
           "(else the selected ones, else all)."),
        this);
    text->setWordWrap(true);
    m_tree->setObjectName(QStringLiteral("hostKeyTree"));
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("Host"), tr("Address"), tr("Key")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(0, Qt::AscendingOrder);
    m_tree->setUniformRowHeights(true);
    auto* buttons = new QDialogButtonBox(this);
    QPushButton* once = buttons->addButton(tr("Accept &once"), QDialogButtonBox::AcceptRole);
    QPushButton* save = buttons->addButton(tr("&Accept and save"), QDialogButtonBox::AcceptRole);
    QPushButton* reject = buttons->addButton(tr("&Reject"), QDialogButtonBox::RejectRole);
    once->setObjectName(QStringLiteral("acceptOnceButton"));
    save->setObjectName(QStringLiteral("acceptSaveButton"));
    reject->setObjectName(QStringLiteral("rejectButton"));
    reject->setDefault(true); // nothing is trusted by default
    connect(once, &QPushButton::clicked, this, [this] { decide(HostKeyDecision::AcceptOnce); });
    connect(save, &QPushButton::clicked, this, [this] { decide(HostKeyDecision::AcceptAndSave); });
    connect(reject, &QPushButton::clicked, this, [this] { decide(HostKeyDecision::Reject); });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(m_tree);
    layout->addWidget(buttons);
    resize(860, 380);
}

HostKeyDialog::~HostKeyDialog()
{
    const auto replies = std::move(m_replies);
    for (const auto& reply : replies)
        reply(HostKeyDecision::Reject);
}

QTreeWidgetItem* HostKeyDialog::keyItem(const engine::HostKeyQuestion& question)
{
    const QString key = keyOf(question);
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        if (m_tree->topLevelItem(i)->data(0, KeyRole).toString() == key)
            return m_tree->topLevelItem(i);
    }
    auto* item = new QTreeWidgetItem(m_tree);
    item->setData(0, KeyRole, key);
    item->setText(2, key);
    item->setToolTip(2, key);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable | Qt::ItemIsAutoTristate);
    item->setCheckState(0, Qt::Unchecked); // nothing is trusted by default
    item->setExpanded(true);
    return item;
}

void HostKeyDialog::updateKeyItem(QTreeWidgetItem* key)
{
    key->setText(0, tr("%n host(s)", nullptr, key->childCount()));
    QFont font = key->font(0);
    font.setBold(key->childCount() > 1); // one key on many hosts: worth a look
    key->setFont(0, font);
}

void HostKeyDialog::addQuestion(const engine::HostKeyQuestion& question,
                                std::function<void(HostKeyDecision)> reply)
{
    const quint64 id = m_nextId++;
    QTreeWidgetItem* key = keyItem(question);
    auto* host = new QTreeWidgetItem(key);
    const QString address = QStringLiteral("%1:%2").arg(question.host).arg(question.port);
    host->setText(0, question.target.isEmpty() ? question.host : question.target);
    host->setText(1, address);
    host->setText(2, question.viaJump ? tr("jump host's key") : QString());
    host->setData(0, IdRole, id);
    host->setFlags(host->flags() | Qt::ItemIsUserCheckable);
    host->setCheckState(0, Qt::Unchecked);
    key->sortChildren(0, Qt::AscendingOrder);
    updateKeyItem(key);
    key->setExpanded(true);
    m_replies.insert(id, std::move(reply));
}

void HostKeyDialog::decide(HostKeyDecision decision)
{
    QList<QTreeWidgetItem*> hosts;
    QList<QTreeWidgetItem*> all;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* key = m_tree->topLevelItem(i);
        for (int c = 0; c < key->childCount(); ++c) {
            all << key->child(c);
            if (key->child(c)->checkState(0) == Qt::Checked)
                hosts << key->child(c);
        }
    }
    if (hosts.isEmpty()) {
        for (QTreeWidgetItem* item : m_tree->selectedItems()) {
            if (item->parent()) {
                if (!hosts.contains(item))
                    hosts << item;
                continue;
            }
            for (int c = 0; c < item->childCount(); ++c) {
                if (!hosts.contains(item->child(c)))
                    hosts << item->child(c);
            }
        }
    }
    if (hosts.isEmpty())
        hosts = all;
    QList<std::function<void(HostKeyDecision)>> replies;
    for (QTreeWidgetItem* host : hosts) {
        replies << m_replies.take(host->data(0, IdRole).toULongLong());
        QTreeWidgetItem* key = host->parent();
        delete host;
        if (key->childCount() == 0)
            delete key;
        else
            updateKeyItem(key);
    }
    for (const auto& reply : replies) {
        if (reply)
            reply(decision);
    }
    if (m_replies.isEmpty())
        QDialog::done(Accepted);
}

bool HostKeyDialog::setChecked(const QString& host, bool checked)
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* key = m_tree->topLevelItem(i);
        for (int c = 0; c < key->childCount(); ++c) {
            QTreeWidgetItem* item = key->child(c);
            if (item->text(0) == host || item->text(1) == host) {
                item->setCheckState(0, checked ? Qt::Checked : Qt::Unchecked);
                return true;
            }
        }
    }
    return false;
}

void HostKeyDialog::done(int result)
{
    if (result == Rejected && !m_replies.isEmpty()) {
        m_tree->clearSelection();
        for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
            m_tree->topLevelItem(i)->setCheckState(0, Qt::Unchecked);
        decide(HostKeyDecision::Reject);
        return;
    }
    QDialog::done(result);
}

} // namespace hostdeck::ui
