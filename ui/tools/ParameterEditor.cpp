#include "ui/tools/ParameterEditor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QToolButton>

namespace hostdeck::ui {

using engine::Error;
using engine::Result;
using Kind = engine::ParamType::Kind;

namespace {

QString jsonText(const QJsonValue& value)
{
    if (value.isString())
        return value.toString();
    if (value.isNull() || value.isUndefined())
        return {};
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return QString::fromUtf8(
        QJsonDocument::fromVariant(value.toVariant()).toJson(QJsonDocument::Compact));
}

Result<QJsonValue> parseScalar(Kind kind, const QString& text)
{
    bool ok = false;
    switch (kind) {
    case Kind::Int: {
        const qlonglong number = text.trimmed().toLongLong(&ok);
        if (!ok)
            return engine::makeError(engine::ErrorKind::Usage,
                                     QStringLiteral("'%1' is not a whole number").arg(text));
        return QJsonValue(number);
    }
    case Kind::Float: {
        const double number = text.trimmed().toDouble(&ok);
        if (!ok)
            return engine::makeError(engine::ErrorKind::Usage,
                                     QStringLiteral("'%1' is not a number").arg(text));
        return QJsonValue(number);
    }
    case Kind::Bool: {
        const QString t = text.trimmed().toLower();
        if (t == QStringLiteral("true") || t == QStringLiteral("yes") || t == QStringLiteral("1"))
            return QJsonValue(true);
        if (t == QStringLiteral("false") || t == QStringLiteral("no") || t == QStringLiteral("0"))
            return QJsonValue(false);
        return engine::makeError(engine::ErrorKind::Usage,
                                 QStringLiteral("'%1' is not yes or no").arg(text));
    }
    case Kind::Bytes:
        return QJsonValue(
            QJsonObject{{QStringLiteral("$bytes"), QString::fromLatin1(text.toUtf8().toBase64())}});
    case Kind::Json: {
        QJsonParseError error{};
        const QJsonDocument doc =
            QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + QByteArray("]"), &error);
        if (error.error != QJsonParseError::NoError || doc.array().size() != 1)
            return engine::makeError(engine::ErrorKind::Usage,
                                     QStringLiteral("not valid JSON (strings need quotes): %1")
                                         .arg(error.errorString()));
        return doc.array().first();
    }
    default:
        return QJsonValue(text);
    }
}

/// One line: str, path, secret, int, float, bytes, JSON.
class LineEditor final : public ParameterEditor
{
public:
    LineEditor(const engine::ParamInfo& param, QWidget* parent)
        : ParameterEditor(param, parent), m_edit(new QLineEdit(this))
    {
        auto* layout = new QHBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(m_edit);
        const Kind kind = param.type.kind;
        if (kind == Kind::Secret) {
            m_edit->setEchoMode(QLineEdit::Password);
            m_edit->setPlaceholderText(tr("secret: never stored"));
        } else if (kind == Kind::Path) {
            m_edit->setPlaceholderText(tr("path on the host"));
        } else if (kind == Kind::Json) {
            m_edit->setPlaceholderText(tr("JSON value"));
        } else if (kind == Kind::Bytes) {
            m_edit->setPlaceholderText(tr("text, sent as bytes"));
        }
        connect(m_edit, &QLineEdit::textEdited, this, &ParameterEditor::edited);
    }
    bool isEmpty() const override { return m_edit->text().isEmpty(); }
    Result<QJsonValue> value() const override
    {
        Result<QJsonValue> parsed = parseScalar(param().type.kind, m_edit->text());
        if (!parsed)
            return invalid(parsed.error().message);
        return parsed;
    }
    void setValue(const QJsonValue& value) override
    {
        if (param().type.kind == Kind::Bytes && value.isObject())
            m_edit->setText(QString::fromUtf8(QByteArray::fromBase64(
                value.toObject().value(QStringLiteral("$bytes")).toString().toLatin1())));
        else if (param().type.kind == Kind::Json && !value.isNull())
            m_edit->setText(
                QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
                    .mid(1)
                    .chopped(1));
        else
            m_edit->setText(jsonText(value));
    }
    QWidget* inputWidget() override { return m_edit; }

private:
    QLineEdit* m_edit;
};

/// Multi-line text (Text) and lists (one item per line).
class TextEditor final : public ParameterEditor
{
public:
    TextEditor(const engine::ParamInfo& param, QWidget* parent)
        : ParameterEditor(param, parent), m_edit(new QPlainTextEdit(this))
    {
        auto* layout = new QHBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(m_edit);
        m_edit->setTabChangesFocus(true);
        m_edit->setMaximumHeight(param.type.kind == Kind::List ? 80 : 120);
        if (param.type.kind == Kind::List)
            m_edit->setPlaceholderText(tr("one item per line"));
        connect(m_edit, &QPlainTextEdit::textChanged, this, &ParameterEditor::edited);
    }
    bool isEmpty() const override { return m_edit->toPlainText().isEmpty(); }
    Result<QJsonValue> value() const override
    {
        if (param().type.kind != Kind::List)
            return QJsonValue(m_edit->toPlainText());
        QJsonArray items;
        const QStringList lines = m_edit->toPlainText().split(QLatin1Char('\n'));
        for (int i = 0; i < lines.size(); ++i) {
            if (lines.at(i).isEmpty() && i == lines.size() - 1)
                break; // a final newline is not an empty item
            Result<QJsonValue> item = parseScalar(param().type.itemKind, lines.at(i));
            if (!item)
                return invalid(QStringLiteral("line %1: %2").arg(i + 1).arg(item.error().message));
            items.append(*item);
        }
        return QJsonValue(items);
    }
    void setValue(const QJsonValue& value) override
    {
        if (!value.isArray()) {
            m_edit->setPlainText(jsonText(value));
            return;
        }
        QStringList lines;
        for (const QJsonValue& item : value.toArray())
            lines << jsonText(item);
        m_edit->setPlainText(lines.join(QLatin1Char('\n')));
    }
    QWidget* inputWidget() override { return m_edit; }

private:
    QPlainTextEdit* m_edit;
};

class BoolEditor final : public ParameterEditor
{
public:
    BoolEditor(const engine::ParamInfo& param, QWidget* parent)
        : ParameterEditor(param, parent), m_box(new QCheckBox(this))
    {
        auto* layout = new QHBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(m_box);
        // Optional[bool]: the third state means "leave it to the tool".
        m_box->setTristate(param.type.optional);
        if (param.type.optional)
            m_box->setCheckState(Qt::PartiallyChecked);
        connect(m_box, &QCheckBox::stateChanged, this, &ParameterEditor::edited);
    }
    bool isEmpty() const override { return m_box->checkState() == Qt::PartiallyChecked; }
    Result<QJsonValue> value() const override
    {
        return QJsonValue(m_box->checkState() == Qt::Checked);
    }
    void setValue(const QJsonValue& value) override
    {
        m_box->setCheckState(value.isBool()
                                 ? (value.toBool() ? Qt::Checked : Qt::Unchecked)
                                 : (m_box->isTristate() ? Qt::PartiallyChecked : Qt::Unchecked));
    }
    QWidget* inputWidget() override { return m_box; }

private:
    QCheckBox* m_box;
};

class EnumEditor final : public ParameterEditor
{
public:
    EnumEditor(const engine::ParamInfo& param, QWidget* parent)
        : ParameterEditor(param, parent), m_combo(new QComboBox(this))
    {
        auto* layout = new QHBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(m_combo);
        if (param.type.optional || !param.required)
            m_combo->addItem(tr("(default)"));
        m_offset = m_combo->count();
        m_combo->addItems(param.type.choices);
        connect(m_combo, &QComboBox::currentIndexChanged, this, &ParameterEditor::edited);
    }
    bool isEmpty() const override { return m_combo->currentIndex() < m_offset; }
    Result<QJsonValue> value() const override { return QJsonValue(m_combo->currentText()); }
    void setValue(const QJsonValue& value) override
    {
        const int index = param().type.choices.indexOf(value.toString());
        m_combo->setCurrentIndex(index < 0 ? 0 : index + m_offset);
    }
    QWidget* inputWidget() override { return m_combo; }

private:
    QComboBox* m_combo;
    int m_offset = 0;
};

/// dict[str, str]: a two-column table; a new empty row is always offered at the end.
class DictEditor final : public ParameterEditor
{
public:
    DictEditor(const engine::ParamInfo& param, QWidget* parent)
        : ParameterEditor(param, parent), m_table(new QTableWidget(0, 2, this))
    {
        auto* layout = new QHBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(m_table);
        m_table->setHorizontalHeaderLabels({tr("Key"), tr("Value")});
        m_table->horizontalHeader()->setStretchLastSection(true);
        m_table->verticalHeader()->hide();
        m_table->setMaximumHeight(110);
        m_table->setTabKeyNavigation(false);
        addEmptyRow();
        connect(m_table, &QTableWidget::cellChanged, this, [this](int row) {
            if (row == m_table->rowCount() - 1 && !cell(row, 0).isEmpty())
                addEmptyRow();
            emit edited();
        });
    }
    bool isEmpty() const override
    {
        for (int row = 0; row < m_table->rowCount(); ++row) {
            if (!cell(row, 0).isEmpty())
                return false;
        }
        return true;
    }
    Result<QJsonValue> value() const override
    {
        QJsonObject object;
        for (int row = 0; row < m_table->rowCount(); ++row) {
            const QString key = cell(row, 0);
            if (key.isEmpty() && cell(row, 1).isEmpty())
                continue;
            if (key.isEmpty())
                return invalid(QStringLiteral("row %1 has a value but no key").arg(row + 1));
            if (object.contains(key))
                return invalid(QStringLiteral("key '%1' appears twice").arg(key));
            object.insert(key, cell(row, 1));
        }
        return QJsonValue(object);
    }
    void setValue(const QJsonValue& value) override
    {
        m_table->setRowCount(0);
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const int row = m_table->rowCount();
            m_table->insertRow(row);
            m_table->setItem(row, 0, new QTableWidgetItem(it.key()));
            m_table->setItem(row, 1, new QTableWidgetItem(jsonText(it.value())));
        }
        addEmptyRow();
    }
    QWidget* inputWidget() override { return m_table; }

private:
    QString cell(int row, int column) const
    {
        const QTableWidgetItem* item = m_table->item(row, column);
        return item ? item->text() : QString();
    }
    void addEmptyRow()
    {
        const QSignalBlocker blocker(m_table);
        m_table->insertRow(m_table->rowCount());
    }

    QTableWidget* m_table;
};

} // namespace

ParameterEditor::ParameterEditor(const engine::ParamInfo& param, QWidget* parent)
    : QWidget(parent), m_param(param)
{
    setObjectName(QStringLiteral("param_") + param.name);
}

Error ParameterEditor::invalid(const QString& problem) const
{
    return engine::makeError(engine::ErrorKind::Usage,
                             QStringLiteral("%1: %2").arg(m_param.name, problem));
}

ParameterEditor* ParameterEditor::create(const engine::ParamInfo& param, QWidget* parent)
{
    ParameterEditor* editor = nullptr;
    switch (param.type.kind) {
    case Kind::Text:
    case Kind::List:
        editor = new TextEditor(param, parent);
        break;
    case Kind::Bool:
        editor = new BoolEditor(param, parent);
        break;
    case Kind::Enum:
        editor = new EnumEditor(param, parent);
        break;
    case Kind::Dict:
        editor = new DictEditor(param, parent);
        break;
    default:
        editor = new LineEditor(param, parent);
        break;
    }
    if (param.hasDefault && !param.defaultValue.isNull() && param.type.kind != Kind::Secret)
        editor->setValue(param.defaultValue);
    editor->inputWidget()->setObjectName(QStringLiteral("input_") + param.name);
    return editor;
}

} // namespace hostdeck::ui
