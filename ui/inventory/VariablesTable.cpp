#include "ui/inventory/VariablesTable.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>

namespace hostdeck::ui {

VariablesTable::VariablesTable(QWidget* parent) : QTableWidget(0, 2, parent)
{
    setHorizontalHeaderLabels({tr("Variable"), tr("Value")});
    horizontalHeader()->setStretchLastSection(true);
    verticalHeader()->hide();
    setTabKeyNavigation(false);
    ensureEmptyRow();
    connect(this, &QTableWidget::cellChanged, this, [this] { ensureEmptyRow(); });
}

void VariablesTable::setVariables(const QVariantMap& vars)
{
    QSignalBlocker blocker(this);
    setRowCount(0);
    for (auto it = vars.begin(); it != vars.end(); ++it) {
        const int row = rowCount();
        insertRow(row);
        setItem(row, 0, new QTableWidgetItem(it.key()));
        const QVariant& value = it.value();
        const QString text =
            value.typeId() == QMetaType::QString
                ? value.toString()
                : QString::fromUtf8(QJsonDocument(QJsonArray{QJsonValue::fromVariant(value)})
                                        .toJson(QJsonDocument::Compact))
                      .mid(1)
                      .chopped(1);
        setItem(row, 1, new QTableWidgetItem(text));
        item(row, 1)->setData(Qt::UserRole, value.typeId() != QMetaType::QString);
    }
    blocker.unblock();
    ensureEmptyRow();
}

QVariantMap VariablesTable::variables() const
{
    QVariantMap vars;
    for (int row = 0; row < rowCount(); ++row) {
        const QString key = item(row, 0) ? item(row, 0)->text().trimmed() : QString();
        if (key.isEmpty())
            continue;
        const QTableWidgetItem* valueItem = item(row, 1);
        const QString text = valueItem ? valueItem->text() : QString();
        if (valueItem && valueItem->data(Qt::UserRole).toBool()) {
            const QJsonDocument doc =
                QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + QByteArray("]"));
            if (doc.isArray() && doc.array().size() == 1) {
                vars.insert(key, doc.array().first().toVariant());
                continue;
            }
        }
        vars.insert(key, text);
    }
    return vars;
}

void VariablesTable::ensureEmptyRow()
{
    const int last = rowCount() - 1;
    if (last >= 0 && (!item(last, 0) || item(last, 0)->text().isEmpty()))
        return;
    const QSignalBlocker blocker(this);
    insertRow(rowCount());
}

} // namespace hostdeck::ui
