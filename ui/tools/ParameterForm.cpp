#include "ui/tools/ParameterForm.h"

#include "ui/tools/ParamHelp.h"
#include "ui/tools/ParameterEditor.h"

#include <QFormLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QVBoxLayout>

namespace hostdeck::ui {

ParameterForm::ParameterForm(QWidget* parent)
    : QWidget(parent), m_layout(new QFormLayout(this)), m_doc(new QLabel(this))
{
    m_doc->setWordWrap(true);
    m_doc->setObjectName(QStringLiteral("methodDoc"));
    m_doc->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_layout->addRow(m_doc);
    m_layout->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    clear();
}

void ParameterForm::clear()
{
    if (hasMethod())
        m_remembered.insert(m_method.fullName(), typedValues());
    while (m_layout->rowCount() > 1)
        m_layout->removeRow(1);
    m_editors.clear();
    m_help.clear();
    m_method = {};
    m_doc->setText(tr("Pick a tool method in the palette."));
}

QJsonObject ParameterForm::typedValues() const
{
    QJsonObject values;
    for (const ParameterEditor* editor : m_editors) {
        if (editor->param().type.kind == engine::ParamType::Kind::Secret || editor->isEmpty())
            continue;
        if (const engine::Result<QJsonValue> value = editor->value(); value)
            values.insert(editor->param().name, *value);
    }
    return values;
}

void ParameterForm::resetToDefaults()
{
    for (ParameterEditor* editor : std::as_const(m_editors)) {
        const engine::ParamInfo& param = editor->param();
        editor->setValue(param.hasDefault && param.type.kind != engine::ParamType::Kind::Secret
                             ? param.defaultValue
                             : QJsonValue());
    }
}

QLabel* ParameterForm::helpLabel(const QString& name) const
{
    return m_help.value(name);
}

void ParameterForm::setMethod(const engine::MethodInfo& method, bool restore)
{
    clear();
    m_method = method;
    QString header = QStringLiteral("<b>%1</b>").arg(method.fullName().toHtmlEscaped());
    if (!method.summary().isEmpty())
        header += QStringLiteral("<br>") + method.summary().toHtmlEscaped();
    if (method.changes)
        header += QStringLiteral("<br><i>%1</i>")
                      .arg(tr("Changes the host: Check runs it without changing anything."));
    if (method.params.isEmpty())
        header += QStringLiteral("<br>") + tr("No parameters.");
    m_doc->setText(header);
    for (const engine::ParamInfo& param : method.params) {
        ParameterEditor* editor = ParameterEditor::create(param, this);
        const QString tip = tooltipFor(param);
        editor->setToolTip(tip);
        editor->inputWidget()->setToolTip(tip);
        auto* label =
            new QLabel(param.required ? QStringLiteral("%1 *").arg(param.name) : param.name, this);
        label->setBuddy(editor->inputWidget());
        label->setToolTip(tip);
        const QString help = ParamHelp::text(method, param);
        if (help.isEmpty()) {
            m_layout->addRow(label, editor);
        } else {
            // The help stays visible under the field: no hovering needed to learn what it does.
            auto* field = new QWidget(this);
            auto* column = new QVBoxLayout(field);
            column->setContentsMargins(0, 0, 0, 0);
            column->setSpacing(1);
            editor->setParent(field);
            column->addWidget(editor);
            auto* helpLabel = new QLabel(help, field);
            helpLabel->setObjectName(QStringLiteral("help_") + param.name);
            helpLabel->setWordWrap(true);
            helpLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
            helpLabel->setForegroundRole(QPalette::PlaceholderText);
            QFont small = helpLabel->font();
            small.setPointSizeF(small.pointSizeF() * 0.9);
            helpLabel->setFont(small);
            column->addWidget(helpLabel);
            m_help.insert(param.name, helpLabel);
            m_layout->addRow(label, field);
        }
        editor->setWhatsThis(help.isEmpty() ? tip : help);
        m_editors << editor;
        connect(editor, &ParameterEditor::edited, this, &ParameterForm::edited);
    }
    if (restore && m_remembered.contains(method.fullName()))
        setArgs(m_remembered.value(method.fullName()));
}

QString ParameterForm::tooltipFor(const engine::ParamInfo& param) const
{
    QString tip =
        QStringLiteral("%1: %2 (%3)")
            .arg(param.name, param.annotation.isEmpty() ? QStringLiteral("any") : param.annotation,
                 engine::ParamType::kindName(param.type.kind));
    tip += param.required ? tr("\nRequired.") : tr("\nOptional.");
    if (param.hasDefault && param.type.kind != engine::ParamType::Kind::Secret)
        tip += tr("\nDefault: %1")
                   .arg(QString::fromUtf8(QJsonDocument(QJsonArray{param.defaultValue})
                                              .toJson(QJsonDocument::Compact))
                            .mid(1)
                            .chopped(1));
    // The sentences of the method's doc that name the parameter, else the whole doc.
    const QStringList named = ParamHelp::sentencesNaming(m_method.doc, param.name);
    if (!named.isEmpty())
        tip += QStringLiteral("\n\n") + named.join(QLatin1Char(' '));
    else if (!m_method.doc.isEmpty())
        tip += QStringLiteral("\n\n") + m_method.doc;
    return tip;
}

engine::Result<QJsonObject> ParameterForm::args() const
{
    QJsonObject args;
    QStringList problems;
    for (const ParameterEditor* editor : m_editors) {
        const engine::ParamInfo& param = editor->param();
        if (editor->isEmpty()) {
            if (param.required)
                problems << tr("%1 is required").arg(param.name);
            continue;
        }
        const engine::Result<QJsonValue> value = editor->value();
        if (!value)
            problems << value.error().message;
        else
            args.insert(param.name, *value);
    }
    if (!problems.isEmpty())
        return engine::makeError(engine::ErrorKind::Usage, problems.join(QLatin1Char('\n')));
    return args;
}

void ParameterForm::setArgs(const QJsonObject& args)
{
    for (ParameterEditor* editor : std::as_const(m_editors)) {
        const QString& name = editor->param().name;
        if (!args.contains(name) || editor->param().type.kind == engine::ParamType::Kind::Secret)
            continue;
        editor->setValue(args.value(name));
    }
}

ParameterEditor* ParameterForm::editor(const QString& name) const
{
    for (ParameterEditor* editor : m_editors) {
        if (editor->param().name == name)
            return editor;
    }
    return nullptr;
}

} // namespace hostdeck::ui
