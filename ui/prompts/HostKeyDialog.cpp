#include "prompts/HostKeyDialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <set>

namespace hostdeck::ui {

using engine::HostKeyDecision;

HostKeyDialog::HostKeyDialog(QWidget* parent) : QDialog(parent), m_table(new QTableWidget(0, 3, this))
{
    setWindowTitle(tr("Unknown host keys"));
    setObjectName(QStringLiteral("hostKeyDialog"));
    auto* text = new QLabel(tr("These hosts presented keys that are not in known_hosts. Compare the fingerprints "
                               "with what the hosts' administrators expect before you accept them."), this);
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

void HostKeyDialog::addQuestion(const engine::HostKeyQuestion& question, std::function<void(HostKeyDecision)> reply)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, 0, new QTableWidgetItem(QStringLiteral("%1:%2").arg(question.host).arg(question.port)));
    m_table->setItem(row, 1, new QTableWidgetItem(question.keyType));
    m_table->setItem(row, 2, new QTableWidgetItem(question.fingerprint));
    m_replies << std::move(reply);
}

void HostKeyDialog::decide(HostKeyDecision decision)
{
    std::set<int, std::greater<>> rows;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        rows.insert(index.row());
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

void HostKeyDialog::done(int result)
{
    if (result == Rejected && !m_replies.isEmpty()) {
        m_table->clearSelection();
        decide(HostKeyDecision::Reject);
        return;
    }
    QDialog::done(result);
}

} // namespace hostdeck::ui
