#pragma once

#include <QTableWidget>
#include <QVariantMap>

namespace hostdeck::ui {

/// Variables as an editable two-column table. Values that are not plain text are shown as JSON
/// and read back as JSON when they still parse; a trailing empty row adds a variable.
class VariablesTable : public QTableWidget
{
    Q_OBJECT
public:
    explicit VariablesTable(QWidget* parent = nullptr);
    void setVariables(const QVariantMap& vars);
    QVariantMap variables() const;

private:
    void ensureEmptyRow();
};

} // namespace hostdeck::ui
