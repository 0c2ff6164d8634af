#include "ui/tools/ToolPalette.h"

#include "ui/tools/ToolPaletteModel.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace hostdeck::ui {

ToolPalette::ToolPalette(QWidget* parent)
    : QWidget(parent), m_model(new ToolPaletteModel(this)),
      m_proxy(new QSortFilterProxyModel(this)), m_search(new QLineEdit(this)),
      m_view(new QTreeView(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(ToolPaletteModel::SearchTextRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_search->setPlaceholderText(tr("Search tools (Ctrl+K)"));
    m_search->setClearButtonEnabled(true);
    m_search->setObjectName(QStringLiteral("toolSearch"));
    m_view->setModel(m_proxy);
    m_view->setHeaderHidden(true);
    m_view->setObjectName(QStringLiteral("toolTree"));
    m_view->setUniformRowHeights(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search);
    layout->addWidget(m_view);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        if (!text.isEmpty())
            m_view->expandAll();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ToolPalette::onCurrentChanged);
    // Enter in the search field jumps to the first matching method.
    connect(m_search, &QLineEdit::returnPressed, this, &ToolPalette::selectFirstMatch);
    m_search->installEventFilter(this);
}

bool ToolPalette::selectFirstMatch()
{
    for (int t = 0; t < m_proxy->rowCount(); ++t) {
        const QModelIndex tool = m_proxy->index(t, 0);
        if (m_proxy->rowCount(tool) > 0) {
            m_view->expand(tool);
            m_view->setCurrentIndex(m_proxy->index(0, 0, tool));
            m_view->setFocus();
            return true;
        }
    }
    return false;
}

bool ToolPalette::eventFilter(QObject* watched, QEvent* event)
{
    // Down from the search field lands on a method, never on a tool's header.
    if (watched == m_search && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Down && selectFirstMatch())
        return true;
    return QWidget::eventFilter(watched, event);
}

void ToolPalette::setCatalog(const engine::ToolCatalog& catalog)
{
    m_model->setCatalog(catalog);
}

const engine::ToolCatalog& ToolPalette::catalog() const
{
    return m_model->catalog();
}

bool ToolPalette::select(const QString& tool, const QString& method)
{
    const QModelIndex source = m_model->indexOf(tool, method);
    if (!source.isValid())
        return false;
    QModelIndex index = m_proxy->mapFromSource(source);
    if (!index.isValid()) { // hidden by the search
        m_search->clear();
        index = m_proxy->mapFromSource(source);
    }
    if (!index.isValid())
        return false;
    m_view->expand(index.parent());
    m_view->setCurrentIndex(index);
    return true;
}

void ToolPalette::onCurrentChanged()
{
    const QModelIndex index = m_view->currentIndex();
    const QString method = index.data(ToolPaletteModel::MethodRole).toString();
    if (method.isEmpty()) {
        // A tool's header is highlighted: the previous method's form must not stay runnable.
        // (A method the search merely hides keeps its form, which names it.)
        if (index.isValid())
            emit noMethodChosen();
        return;
    }
    if (auto info = catalog().method(index.data(ToolPaletteModel::ToolRole).toString(), method))
        emit methodChosen(*info);
}

} // namespace hostdeck::ui
