#pragma once

#include <QStyledItemDelegate>

namespace hostdeck::ui {

/// Paints the progress column of a TransferProgressModel as a progress bar (busy while the
/// total is not known yet), so a thousand hosts need no thousand widgets.
class TransferProgressDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
};

} // namespace hostdeck::ui
