#include "ui/results/ResultDetailView.h"

#include "ui/results/JsonTreeModel.h"
#include "ui/results/ResultText.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/StepsPane.h"
#include "ui/template/DiffHighlighter.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTreeView>
#include <QVBoxLayout>

#include <utility>

namespace hostdeck::ui {

namespace {

QPlainTextEdit* monoView(QWidget* parent, const QString& name)
{
    auto* view = new QPlainTextEdit(parent);
    view->setReadOnly(true);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    view->setObjectName(name);
    return view;
}

} // namespace

ResultDetailView::ResultDetailView(QWidget* parent)
    : QWidget(parent), m_header(new QLabel(this)), m_tabs(new QTabWidget(this)),
      m_tree(new QTreeView(this)), m_json(new JsonTreeModel(this)),
      m_raw(monoView(this, QStringLiteral("rawJson"))),
      m_output(monoView(this, QStringLiteral("outputView"))),
      m_diff(monoView(this, QStringLiteral("diffView"))),
      m_error(monoView(this, QStringLiteral("errorView"))), m_steps(new StepsPane(this))
{
    new DiffHighlighter(m_diff->document());
    m_header->setObjectName(QStringLiteral("detailHeader"));
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tree->setModel(m_json);
    m_tree->setObjectName(QStringLiteral("valueTree"));
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(JsonTreeModel::KeyColumn, QHeaderView::ResizeToContents);
    m_steps->setObjectName(QStringLiteral("stepsPane"));
    m_tabs->addTab(m_steps, tr("&Steps"));
    m_tabs->addTab(m_tree, tr("&Value"));
    m_tabs->addTab(m_raw, tr("&JSON"));
    m_tabs->addTab(m_output, tr("&Output"));
    m_tabs->addTab(m_diff, tr("&Diff"));
    m_tabs->addTab(m_error, tr("&Error"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_header);
    layout->addWidget(m_tabs);
    showRow(-1);
}

void ResultDetailView::setModel(RunResultsModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_host.clear();
    if (model) {
        connect(model, &RunResultsModel::outputAppended, this, [this](const QString& host) {
            if (host == m_host)
                refreshOutput();
        });
        connect(model, &QAbstractItemModel::dataChanged, this,
                [this](const QModelIndex& from, const QModelIndex& to) {
                    const int row = m_model ? m_model->rowOf(m_host) : -1;
                    if (row >= from.row() && row <= to.row())
                        refresh();
                });
        connect(model, &QAbstractItemModel::modelReset, this, [this] { showRow(-1); });
    }
    refresh();
}

void ResultDetailView::showRow(int sourceRow)
{
    const QString host = m_model && sourceRow >= 0 && sourceRow < m_model->rowCount()
                             ? m_model->row(sourceRow).result.host
                             : QString();
    m_hostChanged = host != m_host;
    m_host = host;
    refresh();
}

void ResultDetailView::refresh()
{
    const int row = m_model ? m_model->rowOf(m_host) : -1;
    if (row < 0) {
        m_header->setText(tr("Select a host to see its result."));
        m_json->setValue(QJsonValue());
        m_raw->clear();
        m_output->clear();
        m_diff->clear();
        m_error->clear();
        m_steps->setSteps({});
        m_tabs->setTabEnabled(m_tabs->indexOf(m_steps), false);
        if (m_tabs->currentWidget() == m_steps)
            m_tabs->setCurrentWidget(m_tree);
        return;
    }
    const RunResultsModel::Row& entry = m_model->row(row);
    const ResultText::Status status =
        entry.done ? ResultText::status(entry.result) : ResultText::Status::Running;
    m_header->setText(
        QStringLiteral("<b>%1</b> — %2%3")
            .arg(m_host.toHtmlEscaped(), ResultText::statusName(status),
                 entry.done ? QStringLiteral(", ") + ResultText::duration(entry.result.durationMs)
                            : QString()));
    m_json->setValue(entry.done && entry.result.ok ? entry.result.value : QJsonValue());
    m_tree->expandToDepth(1);
    m_raw->setPlainText(
        entry.done ? QString::fromUtf8(
                         QJsonDocument(entry.result.toJson()).toJson(QJsonDocument::Indented))
                   : QString());
    const QString diff =
        entry.done && entry.result.ok ? ResultText::diffs(entry.result.value) : QString();
    m_diff->setPlainText(diff);
    m_tabs->setTabEnabled(m_tabs->indexOf(m_diff), !diff.isEmpty());
    const bool failed = entry.done && !entry.result.ok;
    m_error->setPlainText(failed ? ResultText::errorText(entry.result.error) : QString());
    m_tabs->setTabEnabled(m_tabs->indexOf(m_error), failed);
    refreshOutput();
    // A recipe host: its steps first (which one failed, what each changed).
    const bool hasSteps = entry.done && !entry.result.steps.isEmpty();
    m_steps->setSteps(hasSteps ? entry.result.steps : QList<engine::HostResult>{});
    m_tabs->setTabEnabled(m_tabs->indexOf(m_steps), hasSteps);
    const bool newHost = std::exchange(m_hostChanged, false);
    if (hasSteps &&
        (newHost || m_tabs->currentWidget() == m_tree || m_tabs->currentWidget() == m_error))
        m_tabs->setCurrentWidget(m_steps);
    else if (failed && m_tabs->currentWidget() == m_tree)
        m_tabs->setCurrentWidget(m_error);
    else if (!m_tabs->currentWidget()->isEnabled())
        m_tabs->setCurrentWidget(m_tree);
}

void ResultDetailView::refreshOutput()
{
    const int row = m_model ? m_model->rowOf(m_host) : -1;
    if (row < 0)
        return;
    const RunResultsModel::Row& entry = m_model->row(row);
    QString text = entry.stdoutText;
    // Tools that capture instead of stream return the output in the value.
    if (text.isEmpty() && entry.done && entry.result.value.isObject())
        text = entry.result.value.toObject().value(QStringLiteral("stdout")).toString();
    QString err = entry.stderrText;
    if (err.isEmpty() && entry.done && entry.result.value.isObject())
        err = entry.result.value.toObject().value(QStringLiteral("stderr")).toString();
    if (!err.isEmpty())
        text += QStringLiteral("\n--- stderr ---\n") + err;
    if (m_output->toPlainText() != text) {
        m_output->setPlainText(text);
        m_output->moveCursor(QTextCursor::End);
    }
}

} // namespace hostdeck::ui
