#pragma once

#include "ui/inventory/ImportMerge.h"

#include <QDialog>

class QLabel;
class QTableWidget;

namespace hostdeck::ui {

/// The outcome of an import, to read and act on: what was imported (hosts, groups), how it was
/// merged, where the secrets went, and every line that was not imported with what to do about
/// it (file, line, what). Not modal: it stays open next to the inventory while the user fixes
/// things. "Copy" puts the report on the clipboard as text.
class ImportReportDialog : public QDialog
{
    Q_OBJECT
public:
    ImportReportDialog(const QString& source, const ImportSummary& summary, int secrets,
                       QWidget* parent = nullptr);

    /// Where the imported secrets went (they are stored asynchronously).
    void setSecretsOutcome(const QString& text, bool ok);
    QString reportText() const;
    QTableWidget* issuesTable() const { return m_issues; }
    QLabel* summaryLabel() const { return m_summary; }
    QLabel* secretsLabel() const { return m_secrets; }

private:
    QString m_source;
    ImportSummary m_report;
    QLabel* m_summary;
    QLabel* m_secrets;
    QTableWidget* m_issues;
};

} // namespace hostdeck::ui
