#include "ui/inventory/ImportReportDialog.h"

#include "ui/results/ResultText.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace hostdeck::ui {

ImportReportDialog::ImportReportDialog(const QString& source, const ImportSummary& summary,
                                       int secrets, QWidget* parent)
    : QDialog(parent), m_source(source), m_report(summary), m_summary(new QLabel(this)),
      m_secrets(new QLabel(this)), m_issues(new QTableWidget(0, 3, this))
{
    setObjectName(QStringLiteral("importReport"));
    setWindowTitle(tr("Import report — %1").arg(QFileInfo(source).fileName()));
    QStringList lines;
    lines << tr("Imported %n host(s) from %1", nullptr, int(summary.hosts.size())).arg(source);
    if (!summary.hosts.isEmpty())
        lines << summary.hosts.join(QStringLiteral(", "));
    if (!summary.groups.isEmpty())
        lines << tr("Groups: %1").arg(summary.groups.join(QStringLiteral(", ")));
    lines << summary.notes;
    lines << (summary.issues.isEmpty()
                  ? tr("Everything in the file was imported.")
                  : tr("%n line(s) were not imported as they are; each says what to do:", nullptr,
                       int(summary.issues.size())));
    m_summary->setObjectName(QStringLiteral("importSummary"));
    m_summary->setText(lines.join(QLatin1Char('\n')));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_secrets->setObjectName(QStringLiteral("importSecrets"));
    m_secrets->setWordWrap(true);
    m_secrets->setText(secrets > 0 ? tr("Storing %n secret(s) in the keychain…", nullptr, secrets)
                                   : QString());
    m_secrets->setVisible(secrets > 0);

    m_issues->setObjectName(QStringLiteral("importIssues"));
    m_issues->setHorizontalHeaderLabels(
        {tr("File"), tr("Line"), tr("Not imported, and what to do")});
    m_issues->verticalHeader()->hide();
    m_issues->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_issues->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_issues->setWordWrap(true);
    m_issues->horizontalHeader()->setStretchLastSection(true);
    m_issues->setRowCount(int(summary.issues.size()));
    for (int row = 0; row < summary.issues.size(); ++row) {
        const engine::ImportIssue& issue = summary.issues.at(row);
        auto* file = new QTableWidgetItem(QFileInfo(issue.file).fileName());
        file->setToolTip(issue.file);
        m_issues->setItem(row, 0, file);
        auto* line = new QTableWidgetItem(QString::number(issue.line));
        line->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_issues->setItem(row, 1, line);
        auto* problem = new QTableWidgetItem(issue.problem);
        problem->setToolTip(issue.problem);
        m_issues->setItem(row, 2, problem);
    }
    m_issues->resizeColumnToContents(0);
    m_issues->resizeColumnToContents(1);
    m_issues->resizeRowsToContents();
    m_issues->setVisible(!summary.issues.isEmpty());

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* copy = buttons->addButton(tr("&Copy report"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(reportText()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_secrets);
    layout->addWidget(m_issues, 1);
    layout->addWidget(buttons);
    resize(820, summary.issues.isEmpty() ? 240 : 480);
}

void ImportReportDialog::setSecretsOutcome(const QString& text, bool ok)
{
    QPalette palette = this->palette();
    if (!ok)
        palette.setColor(
            QPalette::WindowText,
            ResultText::statusColor(ResultText::Status::Failed,
                                    palette.color(QPalette::Window).lightness() < 128));
    m_secrets->setPalette(palette);
    m_secrets->setText(text);
    m_secrets->show();
}

QString ImportReportDialog::reportText() const
{
    QString text = m_summary->text() + QLatin1Char('\n');
    if (!m_secrets->text().isEmpty())
        text += m_secrets->text() + QLatin1Char('\n');
    for (const engine::ImportIssue& issue : m_report.issues)
        text += issue.toString() + QLatin1Char('\n');
    return text;
}

} // namespace hostdeck::ui
