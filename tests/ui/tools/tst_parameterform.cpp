#include "engine/agent/ParamType.h"
#include "ui/tools/ParameterEditor.h"
#include "ui/tools/ParameterForm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QJsonObject>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QtTest>

using namespace hostdeck::ui;
namespace engine = hostdeck::engine;
using Kind = engine::ParamType::Kind;

class TestParameterForm : public QObject
{
    Q_OBJECT

private slots:
    void parsesTypes_data();
    void parsesTypes();
    void editorPerType_data();
    void editorPerType();
    void requiredAndInvalid();
    void defaultsAndRedactedSecrets();

private:
    static engine::MethodInfo method(const QJsonArray& params)
    {
        const QJsonArray tools{QJsonObject{
            {QStringLiteral("tool"), QStringLiteral("T")},
            {QStringLiteral("module"), QStringLiteral("t")},
            {QStringLiteral("methods"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("m")},
                                    {QStringLiteral("doc"), QStringLiteral("Does m.\n\nMore.")},
                                    {QStringLiteral("params"), params}}}}}};
        return *engine::ToolCatalog::fromJson(tools).method(QStringLiteral("T"),
                                                            QStringLiteral("m"));
    }
    static QJsonObject param(const QString& name, const QJsonValue& type, bool required,
                             const QJsonValue& def = QJsonValue::Undefined)
    {
        QJsonObject p{{QStringLiteral("name"), name},
                      {QStringLiteral("type"), type},
                      {QStringLiteral("required"), required}};
        if (!def.isUndefined())
            p.insert(QStringLiteral("default"), def);
        return p;
    }
};

void TestParameterForm::parsesTypes_data()
{
    QTest::addColumn<QString>("annotation");
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("optional");
    QTest::newRow("str") << "str" << int(Kind::Str) << false;
    QTest::newRow("int") << "int" << int(Kind::Int) << false;
    QTest::newRow("float") << "float" << int(Kind::Float) << false;
    QTest::newRow("bool") << "bool" << int(Kind::Bool) << false;
    QTest::newRow("bytes") << "bytes" << int(Kind::Bytes) << false;
    QTest::newRow("list") << "list[str]" << int(Kind::List) << false;
    QTest::newRow("List") << "List[int]" << int(Kind::List) << false;
    QTest::newRow("dict") << "dict[str, str]" << int(Kind::Dict) << false;
    QTest::newRow("dict any") << "dict[str, int]" << int(Kind::Json) << false;
    QTest::newRow("bare dict") << "dict" << int(Kind::Json) << false;
    QTest::newRow("literal") << "Literal['first', 'all']" << int(Kind::Enum) << false;
    QTest::newRow("literal dq") << "Literal[\"present\", \"absent\"]" << int(Kind::Enum) << false;
    QTest::newRow("Path") << "Path" << int(Kind::Path) << false;
    QTest::newRow("Text") << "Text" << int(Kind::Text) << false;
    QTest::newRow("Secret") << "Secret" << int(Kind::Secret) << false;
    QTest::newRow("hostdeck.Secret") << "hostdeck.Secret" << int(Kind::Secret) << false;
    QTest::newRow("Optional int") << "Optional[int]" << int(Kind::Int) << true;
    QTest::newRow("Optional list") << "Optional[list[str]]" << int(Kind::List) << true;
    QTest::newRow("pep604") << "str | None" << int(Kind::Str) << true;
    QTest::newRow("unknown") << "MyClass" << int(Kind::Json) << false;
    QTest::newRow("null") << "" << int(Kind::Json) << false;
}

void TestParameterForm::parsesTypes()
{
    QFETCH(QString, annotation);
    QFETCH(int, kind);
    QFETCH(bool, optional);
    const engine::ParamType type = engine::ParamType::parse(annotation);
    QCOMPARE(int(type.kind), kind);
    QCOMPARE(type.optional, optional);
    if (type.kind == Kind::Enum)
        QCOMPARE(type.choices.size(), 2);
}

void TestParameterForm::editorPerType_data()
{
    // type, widget class of the input, text to type, expected JSON (as compact text)
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("widget");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("str") << "str"
                         << "QLineEdit"
                         << "hello"
                         << "\"hello\"";
    QTest::newRow("int") << "int"
                         << "QLineEdit"
                         << "42"
                         << "42";
    QTest::newRow("float") << "float"
                           << "QLineEdit"
                           << "2.5"
                           << "2.5";
    QTest::newRow("bool") << "bool"
                          << "QCheckBox"
                          << "true"
                          << "true";
    QTest::newRow("bytes") << "bytes"
                           << "QLineEdit"
                           << "hi"
                           << "{\"$bytes\":\"aGk=\"}";
    QTest::newRow("list") << "list[str]"
                          << "QPlainTextEdit"
                          << "a\nb"
                          << "[\"a\",\"b\"]";
    QTest::newRow("list int") << "list[int]"
                              << "QPlainTextEdit"
                              << "1\n2\n"
                              << "[1,2]";
    QTest::newRow("dict") << "dict[str, str]"
                          << "QTableWidget"
                          << "K=V"
                          << "{\"K\":\"V\"}";
    QTest::newRow("enum") << "Literal['first', 'all']"
                          << "QComboBox"
                          << "all"
                          << "\"all\"";
    QTest::newRow("Path") << "Path"
                          << "QLineEdit"
                          << "/etc/hosts"
                          << "\"/etc/hosts\"";
    QTest::newRow("Text") << "Text"
                          << "QPlainTextEdit"
                          << "line1\nline2"
                          << "\"line1\\nline2\"";
    QTest::newRow("Secret") << "Secret"
                            << "QLineEdit"
                            << "pw"
                            << "\"pw\"";
    QTest::newRow("json") << "dict"
                          << "QLineEdit"
                          << "{\"a\": [1]}"
                          << "{\"a\":[1]}";
}

void TestParameterForm::editorPerType()
{
    QFETCH(QString, type);
    QFETCH(QString, widget);
    QFETCH(QString, input);
    QFETCH(QString, expected);
    ParameterForm form;
    form.setMethod(method({param(QStringLiteral("p"), type, true)}));
    ParameterEditor* editor = form.editor(QStringLiteral("p"));
    QVERIFY(editor);
    QWidget* inputWidget = editor->inputWidget();
    QCOMPARE(QString::fromLatin1(inputWidget->metaObject()->className()), widget);
    QVERIFY(!editor->toolTip().isEmpty());
    QVERIFY(editor->toolTip().contains(type.isEmpty() ? QStringLiteral("any") : type));
    // Type into the real widget, as a user would.
    if (auto* line = qobject_cast<QLineEdit*>(inputWidget)) {
        QTest::keyClicks(line, input);
        if (type == QStringLiteral("Secret"))
            QCOMPARE(line->echoMode(), QLineEdit::Password);
    } else if (auto* text = qobject_cast<QPlainTextEdit*>(inputWidget)) {
        text->setPlainText(input);
    } else if (auto* box = qobject_cast<QCheckBox*>(inputWidget)) {
        QTest::keyClick(box, Qt::Key_Space);
    } else if (auto* combo = qobject_cast<QComboBox*>(inputWidget)) {
        combo->setCurrentText(input);
    } else if (auto* table = qobject_cast<QTableWidget*>(inputWidget)) {
        table->setItem(0, 0, new QTableWidgetItem(input.section(QLatin1Char('='), 0, 0)));
        table->setItem(0, 1, new QTableWidgetItem(input.section(QLatin1Char('='), 1)));
        QCOMPARE(table->rowCount(), 2); // a fresh empty row for the next variable
    }
    const auto args = form.args();
    QVERIFY2(args.ok(), qPrintable(args.ok() ? QString() : args.error().message));
    const QString got =
        QString::fromUtf8(QJsonDocument(QJsonArray{args->value(QStringLiteral("p"))})
                              .toJson(QJsonDocument::Compact))
            .mid(1)
            .chopped(1);
    QCOMPARE(got, expected);
}

void TestParameterForm::requiredAndInvalid()
{
    ParameterForm form;
    form.setMethod(method({param(QStringLiteral("argv"), QStringLiteral("list[str]"), true),
                           param(QStringLiteral("timeout"), QStringLiteral("Optional[float]"),
                                 false, QJsonValue::Null),
                           param(QStringLiteral("count"), QStringLiteral("int"), false, 3)}));
    auto args = form.args();
    QVERIFY(!args.ok());
    QVERIFY(args.error().message.contains(QStringLiteral("argv is required")));
    static_cast<QPlainTextEdit*>(form.editor(QStringLiteral("argv"))->inputWidget())
        ->setPlainText(QStringLiteral("true"));
    auto* timeout = static_cast<QLineEdit*>(form.editor(QStringLiteral("timeout"))->inputWidget());
    timeout->setText(QStringLiteral("soon"));
    args = form.args();
    QVERIFY(!args.ok());
    QVERIFY2(args.error().message.contains(QStringLiteral("timeout: 'soon' is not a number")),
             qPrintable(args.error().message));
    timeout->clear();
    args = form.args();
    QVERIFY(args.ok());
    QCOMPARE(args->value(QStringLiteral("argv")).toArray(), QJsonArray{QStringLiteral("true")});
    QVERIFY(!args->contains(QStringLiteral("timeout")));       // empty optional: left to the tool
    QCOMPARE(args->value(QStringLiteral("count")).toInt(), 3); // the default, shown in the editor
}

void TestParameterForm::defaultsAndRedactedSecrets()
{
    ParameterForm form;
    form.setMethod(
        method({param(QStringLiteral("name"), QStringLiteral("str"), true),
                param(QStringLiteral("password"), QStringLiteral("Secret"), true),
                param(QStringLiteral("state"), QStringLiteral("Literal['present', 'absent']"),
                      false, QStringLiteral("present")),
                param(QStringLiteral("flag"), QStringLiteral("Optional[bool]"), false,
                      QJsonValue::Null)}));
    QCOMPARE(form.method().secretParams(), QStringList{QStringLiteral("password")});
    auto* state = static_cast<QComboBox*>(form.editor(QStringLiteral("state"))->inputWidget());
    QCOMPARE(state->currentText(), QStringLiteral("present"));
    auto* flag = static_cast<QCheckBox*>(form.editor(QStringLiteral("flag"))->inputWidget());
    QCOMPARE(flag->checkState(), Qt::PartiallyChecked);
    // A re-run from history: the redacted secret is not put into the field.
    form.setArgs({{QStringLiteral("name"), QStringLiteral("bob")},
                  {QStringLiteral("password"), QStringLiteral("<redacted>")}});
    auto* password =
        static_cast<QLineEdit*>(form.editor(QStringLiteral("password"))->inputWidget());
    QVERIFY(password->text().isEmpty());
    QVERIFY(!form.args().ok());
    password->setText(QStringLiteral("x"));
    const auto args = form.args();
    QVERIFY(args.ok());
    QCOMPARE(args->value(QStringLiteral("name")).toString(), QStringLiteral("bob"));
    QVERIFY(!args->contains(QStringLiteral("flag")));
}

QTEST_MAIN(TestParameterForm)
#include "tst_parameterform.moc"
