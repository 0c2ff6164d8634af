#include "prompts/HostKeyDialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <set>

namespace hostdeck::ui {

using engine::HostKeyDecision;

HostKeyDialog::HostKeyDialog(QWidget* parent)
    : QDialog(parent), m_table(new QTableWidget(0, 3, this))
{
    setWindowTitle(tr("Unknown host keys"));
    setWindowIcon(QIcon(QStringLiteral(":/hostdeck/icons/host-key.svg")));
    setObjectName(QStringLiteral("hostKeyDialog"));
    auto* text = new QLabel(
        tr("These hosts presented keys that are not in known_hosts. Compare the fingerprints "
           "with what the hosts' administrators expect before you accept them. The buttons "
           "answer the checked hosts (else the selected ones, else all)."),
        this);
    text->setWordWrap(true);
    m_table->setHorizontalHeaderLabels({tr("Host"), tr("Key type"), tr("Fingerprint")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    auto* buttons = new QDialogButtonBox(this);
    QPushButton* once = buttons->addButton(tr("Accept &once"), QDialogButtonBox::AcceptRole);
    QPushButton* save = buttons->addButton(tr("&Accept and save"), QDialogButtonBox::AcceptRole);
    QPushButton* reject = buttons->addButton(tr("&Reject"), QDialogButtonBox::RejectRole);
    reject->setDefault(true); // nothing is trusted by default
    connect(once, &QPushButton::clicked, this, [this] { decide(HostKeyDecision::AcceptOnce); });
    connect(save, &QPushButton::clicked, this, [this] { decide(HostKeyDecision::AcceptAndSave); });
    connect(reject, &QPushButton::clicked, this, [this] { decide(HostKeyDecision::Reject); });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(m_table);
    layout->addWidget(buttons);
    resize(720, 320);
}

HostKeyDialog::~HostKeyDialog()
{
    for (auto& reply : m_replies)
        reply(HostKeyDecision::Reject);
}

void HostKeyDialog::addQuestion(const engine::HostKeyQuestion& question,
                                std::function<void(HostKeyDecision)> reply)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto* host =
        new QTableWidgetItem(QStringLiteral("%1:%2").arg(question.host).arg(question.port));
    host->setFlags(host->flags() | Qt::ItemIsUserCheckable);
    host->setCheckState(Qt::Unchecked); // nothing is trusted by default
    m_table->setItem(row, 0, host);
    m_table->setItem(row, 1, new QTableWidgetItem(question.keyType));
    m_table->setItem(row, 2, new QTableWidgetItem(question.fingerprint));
    m_replies << std::move(reply);
}

void HostKeyDialog::decide(HostKeyDecision decision)
{
    std::set<int, std::greater<>> rows;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        if (m_table->item(r, 0)->checkState() == Qt::Checked)
            rows.insert(r);
    }
    if (rows.empty()) {
        for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
            rows.insert(index.row());
    }
    if (rows.empty()) {
        for (int r = 0; r < m_table->rowCount(); ++r)
            rows.insert(r);
    }
    for (int row : rows) {
        auto reply = m_replies.takeAt(row);
        m_table->removeRow(row);
        reply(decision);
    }
    if (m_replies.isEmpty())
        QDialog::done(Accepted);
}

bool HostKeyDialog::setChecked(const QString& hostPort, bool checked)
{
    for (int r = 0; r < m_table->rowCount(); ++r) {
        if (m_table->item(r, 0)->text() == hostPort) {
            m_table->item(r, 0)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
            return true;
        }
    }
    return false;
}

void HostKeyDialog::done(int result)
{
    if (result == Rejected && !m_replies.isEmpty()) {
        m_table->clearSelection();
        for (int r = 0; r < m_table->rowCount(); ++r)
            m_table->item(r, 0)->setCheckState(Qt::Unchecked);
        decide(HostKeyDecision::Reject);
        return;
    }
    QDialog::done(result);
}

} // namespace hostdeck::ui
