#include "ui/recipe/RecipeStepsPane.h"

#include "ui/tools/ParameterEditor.h"
#include "ui/tools/ParameterForm.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

namespace hostdeck::ui {

using engine::RecipeStep;

RecipeStepsPane::RecipeStepsPane(QWidget* parent)
    : QWidget(parent), m_list(new QListWidget(this)), m_methods(new QComboBox(this)),
      m_add(new QPushButton(tr("&Add"), this)), m_remove(new QPushButton(tr("Remove"), this)),
      m_up(new QPushButton(tr("Up"), this)), m_down(new QPushButton(tr("Down"), this)),
      m_duplicate(new QPushButton(tr("Duplicate"), this)), m_name(new QLineEdit(this)),
      m_when(new QLineEdit(this)), m_register(new QLineEdit(this)), m_method(new QLabel(this)),
      m_note(new QLabel(this)), m_form(new ParameterForm(this))
{
    m_list->setObjectName(QStringLiteral("recipeSteps"));
    m_methods->setObjectName(QStringLiteral("recipeAddMethod"));
    m_methods->setToolTip(tr("The tool method of a new step"));
    m_add->setObjectName(QStringLiteral("recipeAddStep"));
    m_remove->setObjectName(QStringLiteral("recipeRemoveStep"));
    m_up->setObjectName(QStringLiteral("recipeStepUp"));
    m_down->setObjectName(QStringLiteral("recipeStepDown"));
    m_duplicate->setObjectName(QStringLiteral("recipeDuplicateStep"));
    m_name->setObjectName(QStringLiteral("recipeStepName"));
    m_when->setObjectName(QStringLiteral("recipeStepWhen"));
    m_when->setPlaceholderText(tr("always (e.g. steps.config.changed)"));
    m_register->setObjectName(QStringLiteral("recipeStepRegister"));
    m_register->setPlaceholderText(tr("not registered"));
    m_note->setObjectName(QStringLiteral("recipeFormNote"));
    m_note->setWordWrap(true);
    m_note->hide();

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    auto* adder = new QHBoxLayout;
    adder->addWidget(m_methods, 1);
    adder->addWidget(m_add);
    leftLayout->addLayout(adder);
    leftLayout->addWidget(m_list, 1);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* button : {m_remove, m_up, m_down, m_duplicate})
        buttons->addWidget(button);
    leftLayout->addLayout(buttons);

    auto* right = new QWidget(this);
    auto* options = new QFormLayout;
    options->addRow(tr("Calls"), m_method);
    options->addRow(tr("&Name"), m_name);
    options->addRow(tr("&When"), m_when);
    options->addRow(tr("&Register"), m_register);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(options);
    rightLayout->addWidget(m_note);
    auto* scroll = new QScrollArea(right);
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_form);
    rightLayout->addWidget(scroll, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_list, &QListWidget::currentRowChanged, this, &RecipeStepsPane::showStep);
    connect(m_add, &QPushButton::clicked, this, [this] { addStep(m_methods->currentText()); });
    connect(m_remove, &QPushButton::clicked, this, &RecipeStepsPane::removeCurrent);
    connect(m_up, &QPushButton::clicked, this, [this] { moveCurrent(-1); });
    connect(m_down, &QPushButton::clicked, this, [this] { moveCurrent(1); });
    connect(m_duplicate, &QPushButton::clicked, this, &RecipeStepsPane::duplicateCurrent);
    connect(m_form, &ParameterForm::edited, this, &RecipeStepsPane::onFormEdited);
    for (QLineEdit* edit : {m_name, m_when, m_register})
        connect(edit, &QLineEdit::textEdited, this, &RecipeStepsPane::onOptionEdited);
    showStep(-1);
}

void RecipeStepsPane::setCatalog(const engine::ToolCatalog& catalog)
{
    m_catalog = catalog;
    m_methods->clear();
    for (const engine::ToolInfo& tool : catalog.tools()) {
        for (const engine::MethodInfo& method : tool.methods) {
            if (!method.internal)
                m_methods->addItem(method.fullName());
        }
    }
    showStep(currentRow());
}

QString RecipeStepsPane::itemText(const RecipeStep& step)
{
    const QString call = step.tool + QLatin1Char('.') + step.method;
    return step.name.isEmpty() ? call : QStringLiteral("%1 — %2").arg(step.name, call);
}

void RecipeStepsPane::rebuildList(int current)
{
    const QSignalBlocker block(m_list);
    m_list->clear();
    for (qsizetype i = 0; i < m_steps.size(); ++i) {
        auto* item = new QListWidgetItem(itemText(m_steps.at(i)), m_list);
        if (!m_steps.at(i).when.isEmpty())
            item->setToolTip(tr("when: %1").arg(m_steps.at(i).when));
    }
    m_list->setCurrentRow(qBound(-1, current, int(m_steps.size()) - 1));
    markError(m_errorRow, {});
    showStep(m_list->currentRow());
}

void RecipeStepsPane::setSteps(const QList<RecipeStep>& steps)
{
    m_steps = steps;
    m_errorRow = -1;
    rebuildList(currentRow() < 0 && !steps.isEmpty() ? 0 : currentRow());
}

void RecipeStepsPane::setReadOnly(bool readOnly, const QString& why)
{
    m_readOnly = readOnly;
    m_list->setToolTip(readOnly ? why : QString());
    showStep(currentRow());
}

void RecipeStepsPane::markError(int row, const QString& message)
{
    m_errorRow = row;
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem* item = m_list->item(i);
        const bool bad = i == row;
        item->setData(Qt::ForegroundRole, bad ? QVariant(QColor(Qt::red)) : QVariant());
        item->setData(Qt::UserRole, bad);
        if (bad && !message.isEmpty())
            item->setToolTip(message);
    }
}

int RecipeStepsPane::currentRow() const
{
    return m_list->currentRow();
}

void RecipeStepsPane::setCurrentRow(int row)
{
    m_list->setCurrentRow(row);
}

bool RecipeStepsPane::isFormEditable() const
{
    return m_form->isEnabled() && m_form->hasMethod();
}

bool RecipeStepsPane::addStep(const QString& toolMethod)
{
    const QString tool = toolMethod.section(QLatin1Char('.'), 0, 0);
    const QString method = toolMethod.section(QLatin1Char('.'), 1);
    if (m_readOnly || !m_catalog.method(tool, method))
        return false;
    RecipeStep step;
    step.tool = tool;
    step.method = method;
    const int at = currentRow() + 1;
    m_steps.insert(at, step);
    rebuildList(at);
    emit stepsEdited();
    return true;
}

void RecipeStepsPane::removeCurrent()
{
    const int row = currentRow();
    if (m_readOnly || row < 0)
        return;
    m_steps.removeAt(row);
    rebuildList(qMin(row, int(m_steps.size()) - 1));
    emit stepsEdited();
}

void RecipeStepsPane::moveCurrent(int delta)
{
    const int row = currentRow();
    const int to = row + delta;
    if (m_readOnly || row < 0 || to < 0 || to >= m_steps.size())
        return;
    m_steps.move(row, to);
    rebuildList(to);
    emit stepsEdited();
}

void RecipeStepsPane::duplicateCurrent()
{
    const int row = currentRow();
    if (m_readOnly || row < 0)
        return;
    RecipeStep copy = m_steps.at(row);
    copy.registerAs.clear(); // two steps registering one name would shadow each other
    m_steps.insert(row + 1, copy);
    rebuildList(row + 1);
    emit stepsEdited();
}

void RecipeStepsPane::updateButtons()
{
    const int row = currentRow();
    m_add->setEnabled(!m_readOnly && m_methods->count() > 0);
    m_remove->setEnabled(!m_readOnly && row >= 0);
    m_duplicate->setEnabled(!m_readOnly && row >= 0);
    m_up->setEnabled(!m_readOnly && row > 0);
    m_down->setEnabled(!m_readOnly && row >= 0 && row + 1 < m_steps.size());
}

void RecipeStepsPane::showStep(int row)
{
    m_showing = true;
    updateButtons();
    const bool valid = row >= 0 && row < m_steps.size();
    for (QLineEdit* edit : {m_name, m_when, m_register})
        edit->setEnabled(valid && !m_readOnly);
    m_note->hide();
    if (!valid) {
        m_name->clear();
        m_when->clear();
        m_register->clear();
        m_method->clear();
        m_form->clear();
        m_showing = false;
        return;
    }
    const RecipeStep& step = m_steps.at(row);
    m_name->setText(step.name);
    m_when->setText(step.when);
    m_register->setText(step.registerAs);
    m_method->setText(step.tool + QLatin1Char('.') + step.method);
    const std::optional<engine::MethodInfo> method = m_catalog.method(step.tool, step.method);
    if (!method) {
        m_form->clear();
        m_form->setEnabled(false);
        m_note->setText(m_catalog.isEmpty()
                            ? tr("The tools are not described yet.")
                            : tr("No tool method %1: edit the step in the YAML view.")
                                  .arg(step.tool + QLatin1Char('.') + step.method));
        m_note->show();
        m_showing = false;
        return;
    }
    m_form->setMethod(*method);
    m_form->setArgs(step.args);
    // The form shows the arguments exactly, or it is only a view of the parameters.
    QStringList unshown;
    for (auto it = step.args.begin(); it != step.args.end(); ++it) {
        const ParameterEditor* editor = m_form->editor(it.key());
        if (!editor || editor->isEmpty()) {
            unshown << it.key();
            continue;
        }
        const engine::Result<QJsonValue> value = editor->value();
        if (!value || *value != it.value())
            unshown << it.key();
    }
    m_form->setEnabled(!m_readOnly && unshown.isEmpty());
    if (!unshown.isEmpty()) {
        m_note->setText(tr("The form cannot show %1 as written (a template or a secret): edit "
                           "this step's arguments in the YAML view.")
                            .arg(unshown.join(QStringLiteral(", "))));
        m_note->show();
    } else if (m_readOnly) {
        m_note->setText(m_list->toolTip());
        m_note->show();
    }
    m_showing = false;
}

void RecipeStepsPane::onFormEdited()
{
    const int row = currentRow();
    if (m_showing || m_readOnly || row < 0 || !m_form->isEnabled())
        return;
    QJsonObject args;
    QStringList problems;
    for (const ParameterEditor* editor : m_form->editors()) {
        if (editor->isEmpty())
            continue; // a missing required one is reported by the check of the recipe
        const engine::Result<QJsonValue> value = editor->value();
        if (value)
            args.insert(editor->param().name, *value);
        else
            problems << value.error().message;
    }
    if (!problems.isEmpty()) {
        m_note->setText(problems.join(QLatin1Char('\n')));
        m_note->show();
        return;
    }
    m_note->hide();
    m_steps[row].args = args;
    emit stepsEdited();
}

void RecipeStepsPane::onOptionEdited()
{
    const int row = currentRow();
    if (m_showing || m_readOnly || row < 0)
        return;
    RecipeStep& step = m_steps[row];
    step.name = m_name->text();
    step.when = m_when->text();
    step.registerAs = m_register->text().trimmed();
    if (QListWidgetItem* item = m_list->item(row))
        item->setText(itemText(step));
    emit stepsEdited();
}

} // namespace hostdeck::ui
