#include "ui/transfer/InventoryDropHandler.h"

#include <QAbstractItemView>
#include <QDragMoveEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QUrl>

namespace hostdeck::ui {

InventoryDropHandler::InventoryDropHandler(QAbstractItemView* view, PatternAt patternAt,
                                           QObject* parent)
    : QObject(parent), m_view(view), m_patternAt(std::move(patternAt))
{
    view->setAcceptDrops(true);
    view->viewport()->setAcceptDrops(true);
    view->viewport()->installEventFilter(this);
}

QStringList InventoryDropHandler::localPaths(const QMimeData* mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl& url : mime->urls()) {
        if (!url.isLocalFile())
            return {}; // a mix of local and remote things is not a copy we can make
        paths << url.toLocalFile();
    }
    return paths;
}

QString InventoryDropHandler::patternAtPoint(const QPoint& point) const
{
    if (!m_view)
        return {};
    const QModelIndex index = m_view->indexAt(point);
    return index.isValid() ? m_patternAt(index) : QString();
}

bool InventoryDropHandler::eventFilter(QObject* watched, QEvent* event)
{
    if (!m_view || watched != m_view->viewport())
        return false;
    switch (event->type()) {
    case QEvent::DragEnter:
    case QEvent::DragMove: {
        auto* drag = static_cast<QDragMoveEvent*>(event);
        if (localPaths(drag->mimeData()).isEmpty())
            return false; // not ours: the view's own drag and drop
        const bool onHosts = !patternAtPoint(drag->position().toPoint()).isEmpty();
        // Enter is accepted anywhere so that moves reach the hosts; a move says where it may land.
        if (event->type() == QEvent::DragEnter || onHosts) {
            drag->setDropAction(Qt::CopyAction);
            drag->accept();
        } else {
            drag->ignore();
        }
        return true;
    }
    case QEvent::Drop: {
        auto* drop = static_cast<QDropEvent*>(event);
        const QStringList paths = localPaths(drop->mimeData());
        if (paths.isEmpty())
            return false;
        const QString pattern = patternAtPoint(drop->position().toPoint());
        if (pattern.isEmpty()) {
            drop->ignore();
            return true;
        }
        drop->setDropAction(Qt::CopyAction);
        drop->accept();
        emit filesDropped(paths, pattern);
        return true;
    }
    default:
        return false;
    }
}

} // namespace hostdeck::ui
