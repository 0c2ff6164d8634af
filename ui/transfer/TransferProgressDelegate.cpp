#include "ui/transfer/TransferProgressDelegate.h"

#include "ui/transfer/TransferProgressModel.h"

#include <QApplication>
#include <QStyle>
#include <QStyleOptionProgressBar>

namespace hostdeck::ui {

void TransferProgressDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                     const QModelIndex& index) const
{
    if (index.column() != TransferProgressModel::ProgressColumn) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    const int percent = index.data(TransferProgressModel::PercentRole).toInt();
    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(2, 2, -2, -2);
    bar.state = option.state | QStyle::State_Horizontal;
    bar.minimum = 0;
    bar.maximum = percent < 0 ? 0 : 100;
    bar.progress = std::max(percent, 0);
    bar.text = index.data().toString();
    bar.textVisible = percent >= 0;
    bar.textAlignment = Qt::AlignCenter;
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
}

} // namespace hostdeck::ui
