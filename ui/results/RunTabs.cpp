#include "ui/results/RunTabs.h"

#include "ui/results/RunView.h"

#include <QHeaderView>
#include <QIcon>
#include <QMenu>
#include <QPointer>
#include <QSettings>
#include <QSplitter>
#include <QTabBar>
#include <QTableView>

namespace hostdeck::ui {

namespace {
const char* const kPinned = "hostdeckPinned";
const char* const kTitle = "hostdeckTitle";
} // namespace

RunTabs::RunTabs(QSettings* settings, QWidget* parent) : QTabWidget(parent), m_settings(settings)
{
    setObjectName(QStringLiteral("runTabs"));
    setTabsClosable(true);
    setDocumentMode(true);
    setMovable(true);
    tabBar()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(this, &QTabWidget::tabCloseRequested, this, &RunTabs::closeTab);
    connect(tabBar(), &QWidget::customContextMenuRequested, this, &RunTabs::showTabMenu);
    if (m_settings)
        m_maxUnpinned =
            std::max(1, m_settings->value(QStringLiteral("results/maxTabs"), 8).toInt());
}

RunView* RunTabs::addRun(const QString& title, bool check)
{
    auto* view = new RunView(this);
    connect(view, &RunView::exportRequested, this, [this, view] { emit exportRequested(view); });
    if (m_settings) {
        const QByteArray header = m_settings->value(QStringLiteral("results/header")).toByteArray();
        if (!header.isEmpty())
            view->table()->horizontalHeader()->restoreState(header);
        const QByteArray split =
            m_settings->value(QStringLiteral("results/splitter")).toByteArray();
        if (!split.isEmpty())
            view->splitter()->restoreState(split);
    }
    const QString full = check ? tr("%1 (check)").arg(title) : title;
    view->setProperty(kTitle, full);
    const int index = addTab(view, full);
    setTabToolTip(index, check ? tr("%1\nA dry run: nothing was changed.").arg(full) : full);
    setCurrentIndex(index);
    enforceBound(view);
    return view;
}

RunView* RunTabs::view(int index) const
{
    return qobject_cast<RunView*>(widget(index));
}

bool RunTabs::isPinned(int index) const
{
    const QWidget* page = widget(index);
    return page && page->property(kPinned).toBool();
}

void RunTabs::setPinned(int index, bool pinned)
{
    if (QWidget* page = widget(index)) {
        page->setProperty(kPinned, pinned);
        updateTabLook(index);
        if (!pinned)
            enforceBound(page);
    }
}

void RunTabs::setMaxUnpinned(int count)
{
    m_maxUnpinned = std::max(1, count);
    if (m_settings)
        m_settings->setValue(QStringLiteral("results/maxTabs"), m_maxUnpinned);
    enforceBound(currentWidget());
}

void RunTabs::updateTabLook(int index)
{
    const bool pinned = isPinned(index);
    setTabIcon(index, pinned ? QIcon(QStringLiteral(":/hostdeck/icons/pin.svg")) : QIcon());
    setTabToolTip(
        index, pinned ? tr("%1\nPinned: stays open").arg(widget(index)->property(kTitle).toString())
                      : widget(index)->property(kTitle).toString());
    // A pinned tab is closed on purpose only: no close button to hit by accident.
    if (QWidget* button = tabBar()->tabButton(index, QTabBar::RightSide))
        button->setVisible(!pinned);
}

void RunTabs::enforceBound(const QWidget* keep)
{
    // The oldest unpinned tabs go first; pinned tabs and runs still going are never closed here.
    for (;;) {
        int unpinned = 0;
        int oldest = -1;
        for (int i = 0; i < count(); ++i) {
            if (isPinned(i))
                continue;
            ++unpinned;
            const RunView* run = view(i);
            if (oldest < 0 && widget(i) != keep && !(run && run->isRunning()))
                oldest = i;
        }
        if (unpinned <= m_maxUnpinned || oldest < 0)
            return;
        closeTab(oldest);
    }
}

void RunTabs::closeTab(int index)
{
    QWidget* page = widget(index);
    if (!page)
        return;
    if (page == currentWidget())
        saveLayout();
    removeTab(index);
    page->deleteLater();
}

void RunTabs::saveLayout()
{
    RunView* current = qobject_cast<RunView*>(currentWidget());
    if (!current || !m_settings)
        return;
    m_settings->setValue(QStringLiteral("results/header"),
                         current->table()->horizontalHeader()->saveState());
    m_settings->setValue(QStringLiteral("results/splitter"), current->splitter()->saveState());
}

void RunTabs::showTabMenu(const QPoint& pos)
{
    const int index = tabBar()->tabAt(pos);
    if (index < 0)
        return;
    // Indexes may change while the menu is open: the actions find their tab again.
    QPointer<QWidget> page = widget(index);
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("runTabMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    const bool pinned = isPinned(index);
    menu->addAction(pinned ? tr("Unpin") : tr("Pin (keep this tab)"), this, [this, page, pinned] {
        if (page)
            setPinned(indexOf(page), !pinned);
    });
    menu->addAction(tr("Close"), this, [this, page] {
        if (page)
            closeTab(indexOf(page));
    });
    menu->addAction(tr("Close other unpinned tabs"), this, [this, page] {
        for (int i = count() - 1; i >= 0; --i) {
            const RunView* run = view(i);
            if (widget(i) != page && !isPinned(i) && !(run && run->isRunning()))
                closeTab(i);
        }
    });
    menu->popup(tabBar()->mapToGlobal(pos));
}

} // namespace hostdeck::ui
